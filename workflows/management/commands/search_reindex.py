from django.core.management.base import BaseCommand
from django.db import transaction

from workflows.search.index import rebuild


class Command(BaseCommand):
    help = (
        "Analyse every challenge and good-practice record anew for search and recount the "
        "vocabulary (after changing the analyser or its word lists). Harmless to repeat."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = rebuild(
                progress=lambda scope, n: self.stdout.write(f"{scope}: {n} analysed…")
            )
        for scope, n in counts.items():
            self.stdout.write(self.style.SUCCESS(f"{scope}: {n} documents in the search index."))
