"""Changing the sign-in address (issue 15): the person names the new address and gives their
password; a signed link that expires goes to the new address and a notice to the old one
(outbox mails, queued by ``notifications`` from the announcements of ``core.hooks``). The
address changes only when the person, signed in, opens that link.

The link carries the request's id and the person's id, signed with ``SECRET_KEY`` (salted for
this purpose only) and time-stamped: changing either id breaks the signature, an old link
expires, and the request row makes each link work once (a newer request supersedes it). The
new address must belong to nobody else, when asked and again when confirmed; the database's
unique address decides a race."""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.exceptions import MissingInput, NotFound, TransitionNotAllowed
from core.models import EmailChange, User

SALT = "core.email_change"
MAX_AGE = datetime.timedelta(hours=24)


def confirmation_token(change: EmailChange) -> str:
    return signing.dumps({"c": change.pk, "u": change.user_id}, salt=SALT)


def pending_change_of(user: Any) -> EmailChange | None:
    return EmailChange.objects.filter(user=user, status=EmailChange.Status.PENDING).first()


def _taken(email: str, by_other_than: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


def email_change_request(*, actor: User, new_email: str, password: str) -> EmailChange:
    """Ask for the actor's sign-in address to become ``new_email``. A pending earlier request
    is superseded (its link stops working). Raises ``MissingInput`` with field errors: wrong
    password, an invalid address, the actor's own address, or one that belongs to another
    account."""
    new_email = (new_email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not actor.check_password(password or ""):
        errors["password"] = [_("The password is not right.")]
    try:
        validate_email(new_email)
    except ValidationError:
        errors["new_email"] = [_("Enter a valid email address.")]
    else:
        if new_email == actor.email.lower():
            errors["new_email"] = [_("This is your address already.")]
        elif _taken(new_email, actor):
            errors["new_email"] = [_("This address belongs to another account.")]
    if errors:
        raise MissingInput(fields=errors)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one request at a time
        EmailChange.objects.filter(user=actor, status=EmailChange.Status.PENDING).update(
            status=EmailChange.Status.SUPERSEDED, decided_at=now
        )
        change = EmailChange.objects.create(
            user=actor, old_email=actor.email, new_email=new_email, created_at=now
        )
        hooks.announce(hooks.EMAIL_CHANGE_REQUESTED, change=change, token=confirmation_token(change))
    return change


def email_change_confirm(*, actor: User, token: str) -> User:
    """The actor opened the link mailed to the new address: it becomes their sign-in address,
    and the old address is told. Raises ``NotFound`` for a link that is forged, damaged or
    another person's (never saying whose), ``TransitionNotAllowed`` for one used, superseded or
    expired, and ``MissingInput`` when the address went to another account meanwhile."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise TransitionNotAllowed(_("This link has expired. Please ask for a new one.")) from None
    except signing.BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    if not isinstance(data, dict) or data.get("u") != actor.pk:
        raise NotFound(_("This link is not valid."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        change = EmailChange.objects.filter(pk=data.get("c"), user=user).first()
        if change is None:
            raise NotFound(_("This link is not valid."))
        if change.status != EmailChange.Status.PENDING or user.email != change.old_email:
            raise TransitionNotAllowed(_("This link was used already or replaced by a newer one."))
        if change.created_at < timezone.now() - MAX_AGE:
            raise TransitionNotAllowed(_("This link has expired. Please ask for a new one."))
        taken = MissingInput(
            fields={"new_email": [_("This address belongs to another account.")]}
        )
        if _taken(change.new_email, user):
            raise taken
        user.email = change.new_email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:  # another account took the address at this very moment
            raise taken from None
        change.status = EmailChange.Status.CONFIRMED
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_at"])
        hooks.announce(hooks.EMAIL_CHANGED, change=change)
    actor.email = user.email
    return user
