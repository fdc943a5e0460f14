"""Celery tasks of the network base: thin, each calls one service (scheduled in core/celery.py)."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(name="core.prune_personal_data")
def prune_personal_data() -> dict:
    """Delete sent mails and events older than their retention (idempotent: by age only)."""
    from core.retention import retention_prune

    pruned = retention_prune()
    logger.info("Retention pruned %s", pruned)
    return pruned
