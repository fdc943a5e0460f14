"""Admin for challenges and good practices.

Challenges change only through the services (which lock, log and record events), so the admin
shows them read-only and offers the lifecycle steps the coordinator may take as buttons, each
with the same form and service as the pages (``workflows.admin_steps``).
"""

import functools

from django.contrib import admin
from django.db import models
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import run_service_action

from . import selectors, services
from .admin_steps import admin_step_view
from .search import index as search_index
from .search.admin import GermanSearchAdminMixin
from .search.models import Scope
from .models import (
    Analysis,
    Approach,
    Challenge,
    ChallengeChange,
    Comment,
    Evaluation,
    Event,
    Follow,
    GoodPractice,
    ReferralBody,
    TransitionLog,
    Trial,
)
from .models_editorial import GoodPracticeVersion, Recommendation, RecommendationVersion


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionLogInline(ReadOnlyInline):
    model = TransitionLog
    fields = ["at", "transition", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields


class ChangeInline(ReadOnlyInline):
    model = ChallengeChange
    fields = ["at", "actor", "field", "before", "after"]
    readonly_fields = fields


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


class ApproachInline(ReadOnlyInline):
    model = Approach
    fields = ["title", "selected", "good_practice"]
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Challenge)
class ChallengeAdmin(GermanSearchAdminMixin, ReadOnlyAdmin):
    list_display = ["title", "state", "organisation", "working_group", "visibility", "state_entered_at"]
    list_filter = ["state", "visibility", "topic", "region", "working_group"]
    date_hierarchy = "created_at"
    inlines = [ApproachInline, TransitionLogInline, ChangeInline, CommentInline]
    list_select_related = ["organisation", "working_group"]

    def has_delete_permission(self, request, obj=None):
        # Closing (with a reason) is how a challenge leaves the work; the history stays.
        return request.user.is_superuser

    def get_urls(self):
        step = self.admin_site.admin_view(
            lambda request, object_id, name: admin_step_view(self, request, object_id, name)
        )
        return [
            path("<path:object_id>/step/<slug:name>/", step, name="workflows_challenge_step"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The lifecycle steps the coordinator may take now, as buttons above the record.
        challenge = Challenge.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        steps = selectors.allowed_transitions_for(request.user, challenge) if challenge else []
        extra_context = {**(extra_context or {}), "lifecycle_steps": steps}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Analysis, Trial, Evaluation, Approach)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "challenge", "created_at"]
    list_select_related = ["challenge"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "challenge", "author"]
    search_fields = ["body"]
    list_select_related = ["challenge", "author"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "challenge", "user"]
    list_select_related = ["challenge", "user"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "transition", "from_state", "to_state", "actor"]
    list_filter = ["transition", "to_state"]
    list_select_related = ["challenge", "actor"]


@admin.register(ChallengeChange)
class ChallengeChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "field", "actor"]
    list_filter = ["field"]
    list_select_related = ["challenge", "actor"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "challenge", "good_practice", "actor", "notified_at"]
    list_filter = ["kind"]
    list_select_related = ["challenge", "good_practice", "actor"]


@admin.register(GoodPractice)
class GoodPracticeAdmin(GermanSearchAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "validation", "working_group", "trial_count", "success_count", "published_at"]
    list_filter = ["status", "validation", "working_group", "topics", "target_groups"]
    search_scope = Scope.GOOD_PRACTICE
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["regions", "target_groups", "topics", "partners"]
    readonly_fields = [
        "status", "published_at", "published_by", "trial_count", "success_count",
        "partial_count", "region_count", "typical_duration_days", "created_at", "updated_at",
    ]
    actions = ["publish", "unpublish"]
    # A source address typed without a scheme is https (Django 6's default; no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "validation", "working_group")}),
        (_("The practice"), {"fields": ("problem", "approach", "context", "regions", "target_groups", "topics", "partners", "contact")}),
        (_("Resources and time"), {"fields": ("resources_cost", "resources_staff", "resources_time", "timescale")}),
        (_("Results"), {"fields": ("evidence", "difficulties", "lessons_learnt", "transferability")}),
        (_("Aggregate over all trials"), {"fields": ("trial_count", "success_count", "partial_count", "region_count", "typical_duration_days")}),
        (_("Publication"), {"fields": ("published_at", "published_by", "created_at", "updated_at")}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The admin edits the record's texts directly: keep its search terms current.
        search_index.good_practice_refresh(form.instance.pk)

    @admin.action(description=_("Publish the selected good practices"))
    def publish(self, request, queryset):
        run_service_action(
            self, request, queryset, services.good_practice_publish, "good_practice",
            ngettext_lazy("%(n)d published.", "%(n)d published.", "n"),
        )

    @admin.action(description=_("Take the selected good practices out of the catalogue"))
    def unpublish(self, request, queryset):
        run_service_action(
            self, request, queryset,
            functools.partial(
                services.good_practice_unpublish, reason=str(_("Withdrawn in the admin."))
            ),
            "good_practice",
            ngettext_lazy("%(n)d unpublished.", "%(n)d unpublished.", "n"),
        )


@admin.register(ReferralBody)
class ReferralBodyAdmin(admin.ModelAdmin):
    """Coordinators keep the bodies cases are referred to; a body with referrals cannot be
    deleted (deactivate it instead), so the history keeps naming it."""

    list_display = ["name", "contact_email", "website", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    # A website typed without a scheme is https (Django 6's default; no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


# Versions are written by the services only; recommendations are written and published on
# their pages (preview, confirmation, reason), so the admin shows them read-only.


@admin.register(GoodPracticeVersion)
class GoodPracticeVersionAdmin(ReadOnlyAdmin):
    list_display = ["good_practice", "number", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["good_practice", "actor"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["title", "target_group", "status", "published_at"]
    list_filter = ["status", "target_group"]
    search_fields = ["title", "text"]
    list_select_related = ["target_group"]


@admin.register(RecommendationVersion)
class RecommendationVersionAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "number", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["recommendation", "actor"]
