"""Admin of the privacy notice and imprint (the operator's text, one row, prefilled with the
shipped templates) and read-only views of erasure requests and the personal-data log. Erasure
itself is confirmed on the coordinators' data-protection page, through the service."""

from __future__ import annotations

from django.contrib import admin

from core.legal import shipped_text

from .models import ErasureRequest, LegalNotice, PersonalDataLog


@admin.register(LegalNotice)
class LegalNoticeAdmin(admin.ModelAdmin):
    fields = ["privacy_de", "privacy_en", "imprint_de", "imprint_en"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not LegalNotice.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_changeform_initial_data(self, request) -> dict[str, str]:
        # The operator starts from the shipped templates and fills in the placeholders.
        return {
            f"{kind}_{language}": shipped_text(kind, language)
            for kind in LegalNotice.KINDS
            for language in ("de", "en")
        }


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(_ReadOnly):
    list_display = ["person", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]


@admin.register(PersonalDataLog)
class PersonalDataLogAdmin(_ReadOnly):
    list_display = ["at", "action", "person", "actor"]
    list_filter = ["action"]
