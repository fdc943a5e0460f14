from django.core.management.base import BaseCommand

from workflows.demo import demo_logins, seed_demo
from workflows.hooks import events_quiet


class Command(BaseCommand):
    help = "Create the demo network (idempotent: a second run creates nothing) and print the demo logins."

    def handle(self, *args, **options):
        # The demo's history lies in the past: record its events, mail nobody about them.
        with events_quiet():
            created = seed_demo(log=self.stdout.write)
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo network ready (created now: {summary})."))
        self.stdout.write("Demo logins:")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<45} {email:<45} {password}")
