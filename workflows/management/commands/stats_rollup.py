from django.core.management.base import BaseCommand

from workflows.stats_rollup import backfill_stays, refresh


class Command(BaseCommand):
    help = (
        "Refresh the statistics' rollups (what the beat job `stats-rollup` does). --stays first "
        "rebuilds every stay from the transition log (after a bulk load that wrote only the "
        "log); --rebuild recounts every day. Harmless to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stays", action="store_true", help="rebuild the stays from the log")
        parser.add_argument("--rebuild", action="store_true", help="recount every day")

    def handle(self, *args, stays: bool, rebuild: bool, **options):
        if stays:
            self.stdout.write(f"{backfill_stays():,} stays rebuilt from the transition log")
        result = refresh(rebuild=rebuild or stays)
        self.stdout.write(self.style.SUCCESS(
            f"rollup through {result['days_through']} ({result['days_folded']} days folded), "
            f"running stays counted at {result['open_at']:%Y-%m-%d %H:%M:%S}"
        ))
