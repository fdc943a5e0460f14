"""Admin for the network's base: coordinators set the network up here."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

from .models import Membership, Organisation, Region, TargetGroup, Topic, User, WorkingGroup


def run_service_action(modeladmin, request, queryset, service, argument: str, done_message) -> None:
    """An admin action that hands each selected object to ``service`` (as ``argument``, with
    the signed-in person as actor), reports each refusal and counts the successes."""
    done = 0
    for obj in queryset:
        try:
            service(actor=request.user, **{argument: obj})
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_coordinator", "is_stakeholder", "is_active", "preferred_language"]
    list_filter = ["is_coordinator", "is_stakeholder", "is_active", "is_staff", "preferred_language"]
    search_fields = ["email", "display_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("display_name", "preferred_language")}),
        (_("Roles"), {"fields": ("is_coordinator", "is_stakeholder")}),
        (
            _("Administration"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "status", "admitted_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name"]
    # Admission goes through the "admit" action (a service), not by editing the status.
    readonly_fields = ["status", "admitted_at", "created_at"]
    actions = ["admit", "decline"]
    inlines = [MembershipInline]

    @admin.action(description=_("Admit the selected organisations to the network"))
    def admit(self, request, queryset):
        from core.services import organisation_admit

        run_service_action(
            self, request, queryset, organisation_admit, "organisation",
            _("%(n)d organisations admitted."),
        )

    @admin.action(description=_("Decline the selected applications"))
    def decline(self, request, queryset):
        from core.services import organisation_decline

        run_service_action(
            self, request, queryset, organisation_decline, "organisation",
            _("%(n)d applications declined."),
        )


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics", "members"]
    autocomplete_fields = ["lead"]


@admin.register(Topic, TargetGroup)
class TranslatedNameAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_de", "name_en"]
    search_fields = ["slug", "name_de", "name_en"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


from core import privacy_admin  # noqa: E402,F401  (privacy notice, erasure requests, audit)
