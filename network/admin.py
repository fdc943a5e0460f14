"""Admin for events, registrations, awareness material and news: coordinators only (the
network's public face is theirs to keep), every change through the services.

- events: read-only records with their programme and co-organisers; publishing is an action
  (``event_publish``). Planning and proposing happen on the event pages.
- registrations: read-only (personal data; deleted by the retention run).
- material: uploads only on the page (its content check); publishing and withdrawing are
  actions (``material_publish`` / ``material_withdraw``).
- news: written and corrected here through ``news_create`` / ``news_update``.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.admin import run_service_action

from . import services_events, services_public
from .models_events import CoOrganiser, Event, ProgrammeSession, Registration
from .models_public import Material, News


class CoordinatorsOnly(admin.ModelAdmin):
    """Visible and usable by coordinators (and operators) only, whatever Django rights say."""

    @staticmethod
    def _coordinator(request) -> bool:
        return request.user.is_superuser or permissions.roles_of(request.user).coordinator

    def has_module_permission(self, request):
        return self._coordinator(request)

    def has_view_permission(self, request, obj=None):
        return self._coordinator(request)

    def has_change_permission(self, request, obj=None):
        return self._coordinator(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgrammeInline(ReadOnlyInline):
    model = ProgrammeSession
    fields = ["starts_at", "ends_at", "title", "speakers", "room"]
    readonly_fields = fields


class CoOrganiserInline(ReadOnlyInline):
    model = CoOrganiser
    fields = ["organisation", "status", "offered_by", "decided_by", "decided_at"]
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(CoordinatorsOnly):
    list_display = ["title", "kind", "starts_at", "organiser", "audience", "status", "capacity"]
    list_filter = ["status", "audience", "kind", "region"]
    search_fields = ["title", "organiser__name"]
    list_select_related = ["organiser"]
    date_hierarchy = "starts_at"
    inlines = [ProgrammeInline, CoOrganiserInline]
    actions = ["publish"]
    # A link typed without a scheme is https (Django 6's default; no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Event._meta.get_fields() if f.concrete and not f.auto_created]

    @admin.action(description=_("Publish the selected events"))
    def publish(self, request, queryset):
        run_service_action(self, request, queryset, services_events.event_publish, "event",
                           _("%(n)d events published."))


@admin.register(Registration)
class RegistrationAdmin(CoordinatorsOnly):
    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "event__title"]
    list_select_related = ["event"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Registration._meta.concrete_fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(CoordinatorsOnly):
    list_display = ["title", "kind", "language", "visibility", "status", "organisation", "published_at"]
    list_filter = ["status", "visibility", "kind", "language", "licence"]
    search_fields = ["title", "description", "organisation__name"]
    list_select_related = ["organisation"]
    actions = ["publish", "withdraw"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Material._meta.concrete_fields]

    @admin.action(description=_("Publish the selected material"))
    def publish(self, request, queryset):
        run_service_action(self, request, queryset, services_public.material_publish, "material",
                           _("%(n)d materials published."))

    @admin.action(description=_("Withdraw the selected material"))
    def withdraw(self, request, queryset):
        run_service_action(self, request, queryset, services_public.material_withdraw, "material",
                           _("%(n)d materials withdrawn."))


@admin.register(News)
class NewsAdmin(CoordinatorsOnly):
    list_display = ["title", "visibility", "published_at", "author"]
    list_filter = ["visibility"]
    search_fields = ["title", "text"]
    list_select_related = ["author"]
    fields = ["title", "text", "visibility", "published_at"]

    def has_add_permission(self, request):
        return self._coordinator(request)

    def save_model(self, request, obj, form, change):
        """Through the services (the form has validated the fields already)."""
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            services_public.news_update(
                actor=request.user, news=obj,
                **{name: data[name] for name in form.changed_data if name in data},
            )
        else:
            created = services_public.news_create(actor=request.user, **data)
            obj.pk = created.pk
            obj.author = created.author
