from django.core.management.base import BaseCommand

from notifications import dispatch
from workflows.demo import demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create the demo network (idempotent: a second run creates nothing) and print the demo logins."

    def handle(self, *args, **options):
        # The demo's history lies in the past: record its events, mail nobody about them.
        with dispatch.suppressed():
            created = seed_demo(log=self.stdout.write)
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo network ready (created now: {summary})."))
        self.stdout.write("Demo logins:")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<45} {email:<45} {password}")
