from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # core never imports us (layers point down): we subscribe to what its membership
        # services announce and queue the mails.
        from . import membership

        membership.subscribe()
