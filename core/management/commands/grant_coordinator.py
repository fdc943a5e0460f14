from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.services import coordinator_grant


class Command(BaseCommand):
    help = (
        "Make a person a coordinator with access to the admin (coordinator role, staff status, "
        "the 'Koordination' permission group). Run it for the first coordinator of an installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody is registered as {email}; create the person first (createsuperuser or the admin).")
        coordinator_grant(actor=None, user=user)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now a coordinator with access to the admin."))
