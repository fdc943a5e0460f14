from django.core.management.base import BaseCommand

from notifications import services
from core.management.commands._dry_run import maybe_rolled_back


class Command(BaseCommand):
    help = (
        "Send this period's digests now (beat runs daily at 07:00 and weekly on Monday 07:30). "
        "One digest per person and period, even when run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["daily", "weekly"], default="daily")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would go out; store and send nothing."
        )

    def handle(self, *args, period="daily", dry_run=False, **options):
        prefix = "[dry run] " if dry_run else ""
        with maybe_rolled_back(dry_run):
            outcomes = services.digests_send(period=period)
            for outcome in outcomes:
                self.stdout.write(
                    f"{prefix}{period} digest → {outcome.user.email}: {len(outcome.items)} news"
                    + (f", {len(outcome.stale)} stale" if outcome.stale else "")
                )
        if dry_run:
            self.stdout.write(f"{prefix}{len(outcomes)} {period} digests would go out; nothing sent.")
            return
        sent, failed = services.send_now(o.mail for o in outcomes)
        self.stdout.write(self.style.SUCCESS(
            f"{len(outcomes)} {period} digests queued, {sent} sent, {failed} failed (kept for retry)."
        ))
