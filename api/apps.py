from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Erasure deletes the person's API tokens (DSGVO).
        from .data_rights import register_personal_data

        register_personal_data()
