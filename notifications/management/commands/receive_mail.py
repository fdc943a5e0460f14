import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.inbound_smtp import reply_receiver


class Command(BaseCommand):
    help = (
        "Receive replies to notifications by SMTP (reply+…@INBOUND_MAIL_DOMAIN) and add them as "
        "comments. Runs until stopped (SIGTERM or Ctrl-C)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.INBOUND_MAIL_HOST)
        parser.add_argument("--port", type=int, default=settings.INBOUND_MAIL_PORT)

    def handle(self, *args, host: str, port: int, **options):
        if not settings.INBOUND_MAIL_DOMAIN:
            self.stdout.write("Reply by mail is off: INBOUND_MAIL_DOMAIN is not set.")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        controller = reply_receiver(host=host, port=port)
        controller.start()
        self.stdout.write(
            f"Receiving replies for reply+…@{settings.INBOUND_MAIL_DOMAIN} on {host}:{port}",
        )
        try:
            stop.wait()
        finally:
            controller.stop()
        self.stdout.write("Stopped.")
