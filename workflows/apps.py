from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Challenges and good practices")

    def ready(self) -> None:
        # Export, erasure and retention of what this app keeps about people (DSGVO).
        from .data_rights import register_personal_data

        register_personal_data()
