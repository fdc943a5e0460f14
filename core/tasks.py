"""Celery tasks of the network base: thin, each calls one service (scheduled in core/celery.py)."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

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
def send_password_reset_mail(*, email: str, domain: str, use_https: bool, language: str) -> int:
    """Send the reset link to every active account with a usable password at ``email``
    (Django's rules and templates); an unknown address sends nothing. Returns the number of
    mails sent. Safe to run twice: a second link does no harm, the first stays valid. Enqueued
    by every reset request alike (core/password_reset.py), so the page's answer and timing do
    not tell which addresses have accounts."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if not users:
        return 0
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https)
    return len(users)
