"""Admin for the network's base: coordinators set the network up here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.exceptions import DomainError

from .models import (
    ApiToken,
    JoinRequest,
    Membership,
    Organisation,
    RecoveryCode,
    EmailChange,
    Region,
    TargetGroup,
    Topic,
    User,
    WorkingGroup,
)


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


class MembershipInline(admin.StackedInline):  # labelled fields (WCAG 1.3.1), not a bare grid
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at"]  # when it began is a record, not an input


# What only an operator (a superuser) may touch on a person: Django's own rights and staff status.
# Coordinators run the network, they do not operate the installation (issue 10, item 1).
OPERATOR_ONLY_USER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People. A coordinator edits names, roles in the network, activity and memberships; only a
    superuser edits rights, staff status, addresses (an address change would let its new owner
    reset the password) and passwords, adds people, or changes a superuser at all."""

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
    coordinator_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Person"), {"fields": ("display_name", "preferred_language")}),
        (_("Roles"), {"fields": ("is_coordinator", "is_stakeholder")}),
        (_("Administration"), {"fields": ("is_active",)}),
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

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.coordinator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["email", "last_login", "date_joined"]

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            # A plain model form, not Django's UserChangeForm (whose password field shows the
            # hash and links to the password view); and belt and braces: even a hand-made POST
            # cannot reach the operator's fields, whatever the fieldsets say.
            kwargs["form"] = forms.ModelForm
            kwargs["exclude"] = [
                *(kwargs.get("exclude") or ()),
                *OPERATOR_ONLY_USER_FIELDS,
                "password",
                *self.get_readonly_fields(request, obj),
            ]
        return super().get_form(request, obj, **kwargs)

    def has_add_permission(self, request):
        # New people arrive through the application (admitted by a coordinator); an operator
        # adds anybody else, with a password of their own.
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (the person sets it up again)"))
    def reset_two_factor(self, request, queryset):
        from core.two_factor import two_factor_reset

        run_service_action(
            self, request, queryset, two_factor_reset, "person",
            _("People whose two-factor sign-in was reset: %(n)d."),
        )

    def user_change_password(self, request, id, form_url=""):
        # Setting another person's password is taking over their account: operators only.
        # Everybody changes their own password through the reset mail.
        if not request.user.is_superuser:
            raise DjangoPermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "status", "admitted_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name"]
    # A website typed without a scheme is https (Django 6's default; no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Admission goes through the "admit" action (a service), not by editing the status.
    readonly_fields = ["status", "admitted_at", "created_at"]
    actions = ["admit", "decline"]
    inlines = [MembershipInline]

    @admin.action(description=_("Admit the selected organisations to the network"))
    def admit(self, request, queryset):
        from core.services import organisation_admit

        run_service_action(
            self, request, queryset, organisation_admit, "organisation",
            ngettext_lazy("%(n)d organisation admitted.", "%(n)d organisations admitted.", "n"),
        )

    @admin.action(description=_("Decline the selected applications"))
    def decline(self, request, queryset):
        from core.services import organisation_decline

        run_service_action(
            self, request, queryset, organisation_decline, "organisation",
            ngettext_lazy("%(n)d application declined.", "%(n)d applications declined.", "n"),
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
    list_display = ["user", "organisation", "can_admit", "created_at"]
    list_filter = ["can_admit", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are decided on the page (a service), which tells the person."""

    list_display = ["user", "organisation", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    readonly_fields = [
        "user", "organisation", "message", "status", "reason", "decided_by", "created_at",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False


from core import privacy_admin  # noqa: E402,F401  (privacy notice, erasure requests, audit)


# DRF registers its token table in the admin, where anybody with the view permission read every
# key in clear (issue 10, item 2): nobody reads credentials in the admin.
from rest_framework.authtoken.models import TokenProxy  # noqa: E402

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


def sign_in_through_the_site(request, extra_context=None):
    """The admin has no sign-in of its own: one door for everybody (the site's sign-in), so one
    lock-out and one second factor guard it. Signed in without admin rights: 403, not a loop."""
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import redirect
    from django.urls import reverse

    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(request.GET.get("next") or reverse("admin:index"))
        raise DjangoPermissionDenied
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("login")
    )


admin.site.login = sign_in_through_the_site


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Coordinators see who holds which token (name, beginning, dates) and revoke them; the
    key was never stored and the digest is not shown."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at"]
    fields = ["user", "name", "prefix", "created_at", "expires_at"]
    readonly_fields = fields
    search_fields = ["name", "user__email", "user__display_name"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token is made by its owner, on their page

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoking goes through the service
        return actions

    def delete_model(self, request, obj):
        from core.tokens import token_revoke

        token_revoke(actor=request.user, token=obj)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        from core.tokens import token_revoke

        run_service_action(
            self, request, queryset, token_revoke, "token", ngettext_lazy("%(n)d token revoked.", "%(n)d tokens revoked.", "n")
        )


@admin.register(EmailChange)
class EmailChangeAdmin(admin.ModelAdmin):
    """Requests to change a sign-in address, for a coordinator helping a person ("the link did
    not arrive"); read-only: the change happens only through the person's own link."""

    list_display = ["user", "old_email", "new_email", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["old_email", "new_email", "user__display_name"]
    fields = list_display
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(admin.ModelAdmin):
    """Which recovery codes a person has left, for a coordinator helping them; never a code
    (only digests are kept, and not shown). Reset with the action on people."""

    list_display = ["user", "created_at", "used_at"]
    list_filter = ["used_at"]
    fields = ["user", "created_at", "used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp registers its TOTP devices in the admin, with their secret keys: nobody (coordinator
# or operator) reads them; a coordinator resets a person's two-factor sign-in with the action
# on people ("Reset two-factor sign-in"), which logs it.
# Its admin module is imported here first (autodiscovery imports core's before it), so that
# the unregistering below comes after its registering.
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
