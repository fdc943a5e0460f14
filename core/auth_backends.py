"""The one authentication backend: Django's model backend behind the lock-out. Every way in
that checks a password calls ``django.contrib.auth.authenticate`` with the request — the
sign-in page, the admin's sign-in, the API's token endpoint — so all of them share it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from core import lockout

LOCKED_OUT_ATTRIBUTE = "wkn_locked_out"
# Set on the request when the password was right but the account may not sign in (yet): the
# sign-in page then tells an applicant their application is being reviewed. The password is
# checked once per attempt, here, behind the lock-out; nobody learns this without the password.
INACTIVE_ATTRIBUTE = "wkn_inactive_user"


def inactive_user_with_right_password(request):
    """The account whose right password the last ``authenticate`` on ``request`` saw, if that
    account is inactive (an application awaiting a decision); else ``None``."""
    return getattr(request, INACTIVE_ATTRIBUTE, None)


def was_locked_out(request) -> bool:
    """Whether the last ``authenticate`` on ``request`` was refused by the lock-out."""
    return bool(getattr(request, LOCKED_OUT_ATTRIBUTE, False))


def _has_second_factor(user) -> bool:
    from core.two_factor import two_factor_enabled

    return two_factor_enabled(user)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        username = lockout.normalise_account(username)
        if not lockout.take_sign_in_attempt(request, username):
            if request is not None:
                setattr(request, LOCKED_OUT_ATTRIBUTE, True)
            # Stops authenticate() at once: no other backend, the password is never checked.
            raise PermissionDenied("locked out")
        self._inactive_user = None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not _has_second_factor(user):
            # With two-factor sign-in the tickets come back only with the right code
            # (core.two_factor): a right password alone must not reset the count of wrong codes.
            lockout.sign_in_succeeded(request, username)
        elif self._inactive_user is not None and request is not None:
            setattr(request, INACTIVE_ATTRIBUTE, self._inactive_user)
        return user

    def user_can_authenticate(self, user):
        # Django asks this only after the password proved right.
        allowed = super().user_can_authenticate(user)
        if not allowed:
            self._inactive_user = user
        return allowed
