from django.core.management.base import BaseCommand

from notifications import services
from core.management.commands._dry_run import maybe_rolled_back


class Command(BaseCommand):
    help = (
        "Send the due reminders and escalations for stale challenges now (beat runs this "
        "quarter-hourly). Each is sent once per challenge, state entry and level."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would go out; store and send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        prefix = "[dry run] " if dry_run else ""
        with maybe_rolled_back(dry_run):
            outcomes = services.reminders_send()
            for outcome in outcomes:
                kind = "escalation" if outcome.level == services.LEVEL_ESCALATE else "reminder"
                challenge = outcome.challenge
                self.stdout.write(
                    f"{prefix}{kind} (level {outcome.level}) for challenge #{challenge.pk} "
                    f"“{challenge.title}” ({challenge.state}) → "
                    + (", ".join(u.email for u in outcome.recipients) or "nobody")
                )
        if dry_run:
            self.stdout.write(f"{prefix}{len(outcomes)} reminders would be decided; nothing sent.")
            return
        sent, failed = services.send_now(m for o in outcomes for m in o.mails)
        self.stdout.write(self.style.SUCCESS(
            f"{len(outcomes)} reminders decided, {sent} mails sent, {failed} failed (kept for retry)."
        ))
