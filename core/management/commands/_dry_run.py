"""A dry run is the real service inside a transaction that is rolled back: it shows exactly what
would go out, and nothing is stored, enqueued (on-commit hooks never fire) or sent."""

from contextlib import contextmanager

from django.db import transaction


class DryRunRollback(Exception):
    pass


@contextmanager
def maybe_rolled_back(dry_run: bool):
    if not dry_run:
        yield
        return
    try:
        with transaction.atomic():
            yield
            raise DryRunRollback
    except DryRunRollback:
        pass
