"""The network's base: people, organisations, working groups and the shared taxonomies."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_coordinator", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address.

    Roles: *partner member* through memberships of admitted organisations, *working-group
    member* through working groups, and the two flags below. Rights are the union of roles;
    ``core.permissions`` (roles, the network) and ``workflows.permissions`` (challenges, good
    practices) decide every question of who may do what.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    # An IANA zone name (checked by core.services against zoneinfo); pages and mails show
    # times in it (core.middleware, notifications.mail).
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    is_coordinator = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_("Triages, closes and reopens challenges, publishes good practices."),
    )
    is_stakeholder = models.BooleanField(
        _("stakeholder"),
        default=False,
        help_text=_("Reads network challenges and receives digests."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person's data was erased on request (core.personal_data.person_erase): the
    # account stays as "former member" so that contributions and history keep their author.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("former member"))
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


def english_names() -> bool:
    """Whether a translated name (``TranslatedName.name``) is shown in English for the active
    language; German otherwise, the network's first language."""
    return (get_language() or "de").startswith("en")


class TranslatedName(models.Model):
    """Reference data named in both shipped languages; ``name`` follows the active language."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["name_de"]

    @property
    def name(self) -> str:
        return self.name_en if english_names() else self.name_de

    def __str__(self) -> str:
        return self.name


class Topic(TranslatedName):
    class Meta(TranslatedName.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class TargetGroup(TranslatedName):
    class Meta(TranslatedName.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Region(models.Model):
    """A district (Landkreis) or independent city (kreisfreie Stadt) of Saxony-Anhalt, or the
    state as a whole for matters that concern every region."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("independent city")
        STATE = "state", _("whole state")

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("chamber")
        AUTHORITY = "authority", _("authority")
        EMPLOYMENT_AGENCY = "employment_agency", _("employment agency / job centre")
        MUNICIPALITY = "municipality", _("municipality")
        EMPLOYER = "employer", _("employer")
        EDUCATION = "education", _("education")
        MIGRANT_ORGANISATION = "migrant_organisation", _("migrant organisation")
        WELFARE = "welfare", _("welfare association")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PENDING = "pending", _("application pending")
        ADMITTED = "admitted", _("admitted")
        DECLINED = "declined", _("declined")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for the decline"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_admitted(self) -> bool:
        return self.status == self.Status.ADMITTED


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    # The organisation's contact(s) for the network: they confirm people who ask to join it
    # (coordinators may always). The person who applied for the organisation holds it.
    can_admit = models.BooleanField(
        _("may admit new members"),
        default=False,
        help_text=_("Confirms people who ask to join this organisation."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class JoinRequest(models.Model):
    """A person asks to join an organisation that is already a partner of the network. The
    organisation's members who may admit (``Membership.can_admit``), or the coordinators,
    decide; until then a newcomer cannot sign in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ADMITTED = "admitted", _("admitted")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("organisation"),
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason for the decline"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request_per_person_and_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class WorkingGroup(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="working_groups", verbose_name=_("topics")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="working_groups",
        verbose_name=_("members"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_working_groups",
        verbose_name=_("lead"),
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Beside the people: their accounts' tokens, recovery codes and address changes, and their
# personal data's notices, requests and log (each imported so Django finds it).
from core.models_accounts import ApiToken, EmailChange, RecoveryCode  # noqa: E402,F401
from core.models_personal_data import (  # noqa: E402,F401
    ErasureRequest,
    LegalNotice,
    PersonalDataLog,
)
