"""Two-factor sign-in (issue 10): a time-based one-time code (TOTP, RFC 6238) from an
authenticator app after the password, or one of ten single-use recovery codes.

The TOTP device is django-otp's (``django_otp.plugins.otp_totp``: its verification allows one
step of clock drift, refuses a code used before and slows down a device after wrong codes).
Recovery codes are ours (:class:`core.models.RecoveryCode`), stored as digests and shown once,
because django-otp's static tokens are kept in clear.

Every code typed at the sign-in counts into the one lock-out of ``core.lockout`` (per account
and source): for a person with two-factor sign-in, a right password alone hands no tickets back
(``core.auth_backends``), only a right code does, so alternating passwords and codes cannot
reset the count.

The operator can require it: ``WKN_REQUIRE_2FA_FOR_COORDINATORS`` (coordinators reach nothing
but the set-up until it is on) and ``WKN_REQUIRE_2FA_FOR_ADMIN`` (staff reach no admin page
without it), see :class:`TwoFactorRequiredMiddleware`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import permissions
from core.exceptions import MissingInput, NotFound, PermissionDenied
from core.models import PersonalDataLog, RecoveryCode, User

RECOVERY_CODE_COUNT = 10
# 32 letters and digits without the look-alikes 0/O and 1/I: 5 bits a character, 80 a code.
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 16
TOTP_PATTERN = re.compile(r"^\d{6}$")
DEVICE_NAME = "authenticator"


# --- reads ----------------------------------------------------------------------------------


def confirmed_device_of(user: Any) -> TOTPDevice | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_enabled(user: Any) -> bool:
    """Whether ``user`` signs in with a second factor (has a confirmed TOTP device)."""
    if user is None or not getattr(user, "pk", None):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_required(user: Any) -> bool:
    """Whether the operator requires ``user`` to sign in with a second factor everywhere."""
    return bool(
        getattr(settings, "WKN_REQUIRE_2FA_FOR_COORDINATORS", False)
        and getattr(user, "is_authenticated", False)
        and permissions.roles_of(user).coordinator
    )


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://totp/…`` address an authenticator app reads (from the QR code)."""
    return device.config_url


def secret_of(device: TOTPDevice) -> str:
    """The key in base 32, for typing into an app by hand."""
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(uri: str) -> str:
    """``uri`` as an inline SVG QR code, made here (segno, pure Python): no image service."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )


# --- recovery codes ---------------------------------------------------------------------------


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones; returns them (shown once)."""
    codes = [
        _format("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code; one conditional UPDATE, so a code works once even when
    sent twice at the same moment."""
    normalised = _normalise_recovery(code)
    if len(normalised) != RECOVERY_CODE_LENGTH:
        return False
    return bool(
        RecoveryCode.objects.filter(
            user=user, digest=_digest(normalised), used_at__isnull=True
        ).update(used_at=timezone.now())
    )


# --- verification -----------------------------------------------------------------------------


def code_is_right(user: User, code: str) -> bool:
    """Whether ``code`` is a current TOTP code of the person's confirmed device, or one of
    their unused recovery codes (which it then uses up). Counts nothing into the lock-out:
    the callers take a lock-out ticket first."""
    code = (code or "").strip().replace(" ", "")
    if TOTP_PATTERN.match(code):
        device = confirmed_device_of(user)
        return device is not None and bool(device.verify_token(code))
    return _use_recovery_code(user, code)


def _wrong_code() -> MissingInput:
    return MissingInput(
        fields={"code": [_("This code is not right (or was used already). Try the current one.")]}
    )


# --- services ---------------------------------------------------------------------------------


def two_factor_begin(*, actor: User) -> TOTPDevice:
    """The device being set up for the actor: a new secret, not yet confirmed (a set-up
    begun before and left is begun anew). Raises ``PermissionDenied`` when it is already on."""
    if two_factor_enabled(actor):
        raise PermissionDenied(_("Two-factor sign-in is already on."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        return TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


def device_in_setup(actor: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()


def two_factor_confirm(*, actor: User, code: str) -> list[str]:
    """The actor proves the app works with a current code: two-factor sign-in is on, and the
    ten recovery codes are returned (shown once). Raises ``MissingInput`` (wrong code, or no
    set-up begun)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=actor, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise MissingInput(_("Begin the set-up first."))
        code = (code or "").strip().replace(" ", "")
        if not (TOTP_PATTERN.match(code) and device.verify_token(code)):
            raise _wrong_code()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _new_recovery_codes(actor)


def recovery_codes_renew(*, actor: User, code: str) -> list[str]:
    """Ten new recovery codes for the actor (the old ones stop working), after a current
    code. Raises ``MissingInput`` (two-factor sign-in off, wrong code)."""
    if not two_factor_enabled(actor):
        raise MissingInput(_("Two-factor sign-in is off."))
    with transaction.atomic():
        if not code_is_right(actor, code):
            raise _wrong_code()
        return _new_recovery_codes(actor)


def _remove(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def two_factor_disable(*, actor: User, password: str, code: str) -> None:
    """The actor turns two-factor sign-in off, with their password and a current (or
    recovery) code. Not while the operator requires it of them. Raises ``MissingInput``
    (wrong password or code), ``PermissionDenied`` (required)."""
    if two_factor_required(actor):
        raise PermissionDenied(_("Two-factor sign-in is required for your role."))
    errors: dict[str, list[str]] = {}
    if not actor.check_password(password or ""):
        errors["password"] = [_("The password is not right.")]
    with transaction.atomic():
        if not errors and not code_is_right(actor, code):
            errors.update(_wrong_code().fields)
        if errors:
            raise MissingInput(fields=errors)
        _remove(actor)


def two_factor_reset(*, actor: Any, person: User) -> None:
    """A coordinator turns a person's two-factor sign-in off (the person lost their phone and
    their recovery codes); logged in the personal-data log. The coordinator never sees a
    secret. Not their own (another coordinator does that). Raises ``NotFound`` (not a
    coordinator), ``PermissionDenied`` (own account)."""
    if not permissions.roles_of(actor).coordinator:
        raise NotFound()
    if actor.pk == person.pk:
        raise PermissionDenied(_("Another coordinator resets your own two-factor sign-in."))
    with transaction.atomic():
        _remove(person)
        PersonalDataLog.objects.create(
            person=person, actor=actor, action=PersonalDataLog.Action.TWO_FACTOR_RESET
        )


def two_factor_erase(user: User) -> None:
    """Erasure (``core.personal_data``): devices and recovery codes go."""
    _remove(user)


def two_factor_export(user: User) -> dict[str, Any]:
    """For the data export: whether it is on and how many recovery codes are left, never a
    secret or a code."""
    device = confirmed_device_of(user)
    return {
        "enabled": device is not None,
        "since": device.created_at if device is not None else None,
        "recovery_codes_left": recovery_codes_left(user) if device is not None else 0,
    }


# --- the requirement ----------------------------------------------------------------------------

# Pages a person who must set up two-factor sign-in may still reach.
SETUP_URL_NAMES = ("two-factor", "two-factor-setup", "logout", "privacy", "imprint", "set_language")


class TwoFactorRequiredMiddleware:
    """Sends a signed-in person whom the operator requires to use two-factor sign-in
    (:func:`two_factor_required`, or staff on ``/admin/`` with ``WKN_REQUIRE_2FA_FOR_ADMIN``)
    to the set-up until it is on; the API answers 403 ``two_factor_setup_required``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_set_up(request, user):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "two_factor_setup_required",
                        "detail": _("Turn on two-factor sign-in on your account page first."),
                    },
                    status=403,
                )
            return redirect("two-factor-setup")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request: HttpRequest, user: Any) -> bool:
        path = request.path
        if path.startswith((settings.STATIC_URL, "/jsi18n/")):
            return False
        admin = path.startswith("/admin/")
        needed = two_factor_required(user) or (
            admin and getattr(settings, "WKN_REQUIRE_2FA_FOR_ADMIN", False) and user.is_staff
        )
        if not needed:
            return False
        if path in {reverse(name) for name in SETUP_URL_NAMES}:
            return False
        return not two_factor_enabled(user)
