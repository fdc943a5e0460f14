"""Celery tasks of the network base: thin, each calls one service (scheduled in core/celery.py)."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from core import hooks

logger = get_task_logger(__name__)


@shared_task(name="core.prune_personal_data")
def prune_personal_data() -> dict:
    """Delete sent mails and events older than their retention (idempotent: by age only)."""
    from core.retention import retention_prune

    pruned = retention_prune()
    logger.info("Retention pruned %s", pruned)
    return pruned


@shared_task(
    name="core.send_password_reset_mail",
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_jitter=True,
    max_retries=5,
)
def send_password_reset_mail(*, email: str, request_id: str = "", **unused) -> int:
    """Queue the reset link for every active account with a usable password at ``email``
    (Django's rules); an unknown address queues nothing. Returns the number of mails queued.
    Enqueued by every reset request alike (core/password_reset.py), so the page's answer and
    timing do not tell which addresses have accounts. The mail is an outbox row keyed by the
    request (``notifications.account_mail``): sent once, retried by the outbox, even when this
    task runs twice. ``**unused`` takes the arguments of tasks enqueued before an upgrade."""
    import uuid

    from core.password_reset import reset_path

    request_id = request_id or uuid.uuid4().hex
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    for user in users:
        with transaction.atomic():
            hooks.announce(
                hooks.PASSWORD_RESET_REQUESTED,
                user=user, path=reset_path(user), request_id=f"{request_id}:{user.pk}",
            )
    return len(users)
