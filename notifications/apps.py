from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # workflows never imports us (layers point down): we subscribe to what it records.
        from workflows import hooks

        from . import demo, dispatch, selectors

        hooks.subscribe_event_recorded(dispatch.event_recorded)
        hooks.provide_stale_filter(selectors.stale_q)
        hooks.on_demo_person(demo.demo_person_preferences)

        # Export, erasure and retention of what this app keeps about people (DSGVO).
        from .data_rights import register_personal_data

        register_personal_data()
