from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The network's life beyond cases: events and registrations, awareness material, news and
    the public face. A sibling of ``workflows`` on the same floor (DESIGN.md, Architecture): it
    builds on ``core`` only; ``notifications`` and ``api`` build on it."""

    name = "network"
    verbose_name = _("Network life")

    def ready(self) -> None:
        # Export, erasure and retention of event registrations (DSGVO), with core.personal_data.
        from .data_rights_events import register_personal_data

        register_personal_data()
        # The start page's own sections (news, events); good practices come from the layer
        # above (notifications/public_sections.py), see network/public_sections.py.
        from .public_sections import register_network_sections

        register_network_sections()
