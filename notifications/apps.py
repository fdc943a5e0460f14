from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # workflows and core never import us (layers point down): we subscribe to what
        # workflows records and to what core's membership services announce.
        from workflows import hooks
        from workflows.models import Event

        from . import demo, dispatch, membership, referrals, selectors

        hooks.subscribe_event_recorded(dispatch.event_recorded)
        # Told of referrals only: it needs no read of every event to learn its kind.
        hooks.subscribe_event_recorded(
            referrals.event_recorded, kinds={Event.Kind.CHALLENGE_REFERRED}
        )
        hooks.provide_stale_filter(selectors.stale_q)
        hooks.on_demo_person(demo.demo_person_preferences)
        hooks.on_demo_history_loaded(demo.demo_history_settled)
        # The demo's events, material and news (network never imports workflows).
        from .demo_network import seed_network_life

        hooks.on_demo_history_loaded(seed_network_life)
        membership.subscribe()

        # Mail about a person's own account (address change, password reset), announced by
        # core's account services.
        from . import account_mail

        account_mail.subscribe()

        from core import account_summary

        from .views_preferences import account_facts

        account_summary.register("mail", account_facts)

        # Mail about events and registrations, announced by network.hooks.
        from . import events_mail

        events_mail.subscribe()

        # Export, erasure and retention of what this app keeps about people (DSGVO).
        from .data_rights import register_personal_data

        register_personal_data()

        # The public start page: the latest good practices and the page itself as `/` for
        # visitors (network and workflows never import each other).
        from .public_sections import register as register_public_sections

        register_public_sections()
