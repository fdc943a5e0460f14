"""``manage.py import_good_practices <url or file>``: import another network's open-data feed
(see docs/open-data.md). Records arrive as drafts with their source and licence; running it
again updates them instead of adding them twice."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import MissingInput
from workflows import open_data


class Command(BaseCommand):
    help = "Import good practices from another network's open-data feed (URL or file)."

    def add_arguments(self, parser):
        parser.add_argument("location", help="http(s) address or path of a good-practices.json feed")

    def handle(self, *args, location: str, **options):
        try:
            data = open_data.read_feed(location)
            result = open_data.good_practices_import(data=data, source_url=location)
        except MissingInput as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
