from django.core.management.base import BaseCommand

from core.management.commands._dry_run import maybe_rolled_back
from workflows.good_practices import good_practices_rebuild
from workflows.models import GoodPractice


class Command(BaseCommand):
    help = (
        "Recompute every good-practice record from the evaluated trials (and create missing "
        "ones). Harmless to repeat: aggregates are recomputed, never incremented."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the resulting records; store nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        prefix = "[dry run] " if dry_run else ""
        with maybe_rolled_back(dry_run):
            before = set(GoodPractice.objects.values_list("pk", flat=True))
            total = good_practices_rebuild(progress=lambda r: self.stdout.write(
                f"{prefix}{'new ' if r.pk not in before else ''}#{r.pk} “{r.title}” ({r.status}): "
                f"{r.trial_count} trials, {r.success_count} successful, {r.partial_count} partly, "
                f"{r.region_count} regions"
            ))
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{total} good-practice records{' would be' if dry_run else ''} up to date."
        ))
