"""What search stores: the analysed terms of each challenge and good-practice record, the
vocabulary (for typo tolerance and term weights), and the coordinators' synonym list.

Kept current by ``workflows.search.index``, which the services call in the same transaction as
the change; ``manage.py search_reindex`` rebuilds everything.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TermsVectorField(models.TextField):
    """The analysed terms as a weighted ``tsvector`` on PostgreSQL (``'arzt':1A,9B``: A title,
    B description, C the rest), which a GIN index reads and ``@@`` matches. Other databases
    keep nothing here: SQLite matches the space-delimited term columns instead. (A challenge's
    vector is the column ``workflows_challenge.search_vector``, not a model field.)"""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return ""
        return super().get_db_prep_value(value, connection, prepared) or ""

    def get_placeholder(self, value, compiler, connection):
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"


class Scope(models.TextChoices):
    CHALLENGE = "challenge", _("challenges")
    GOOD_PRACTICE = "good_practice", _("good practices")


class ChallengeSearch(models.Model):
    """The analysed terms of one challenge, each wrapped in spaces (`` arzt anerkenn ``) so a
    term matches as a whole word on every database."""

    challenge = models.OneToOneField(
        "workflows.Challenge",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)  # title, description, analysis, approaches, lessons
    # PostgreSQL keeps this challenge's weighted vector on the challenge row, beside the
    # filter columns (``workflows.search.index``, migration 0011).
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search entry of a challenge")
        verbose_name_plural = _("search entries of challenges")


class GoodPracticeSearch(models.Model):
    good_practice = models.OneToOneField(
        "workflows.GoodPractice",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)  # every text field of the record
    vector = TermsVectorField(blank=True, default="")
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search entry of a good practice")
        verbose_name_plural = _("search entries of good practices")


class SearchTerm(models.Model):
    """A term of the vocabulary and in how many documents of its scope it occurs. The row with
    the empty term counts the documents. Typo tolerance looks for similar terms here.

    Slightly stale by design: a change to a document appends ``SearchTermDelta`` rows in its
    own transaction and the beat job ``fold-search-vocabulary`` adds them here (every minute,
    ``workflows.search.index.fold_vocabulary``). Readers (typo tolerance, term weights) read
    these counts as they are; counts a minute old change a ranking weight by a hair, and never
    which documents match (that is decided by each document's own terms)."""

    scope = models.CharField(max_length=16, choices=Scope.choices)
    term = models.CharField(max_length=100)
    documents = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(fields=["scope", "term"], name="unique_search_term")
        ]

    def __str__(self) -> str:
        return self.term


class SearchTermDelta(models.Model):
    """One change (+1 or −1) to a term's document count, not yet folded into ``SearchTerm``.
    Appending it locks no shared row, so transitions with the same words never wait on each
    other (issue 14); ``workflows.search.index.fold_vocabulary`` takes and deletes these rows
    after the commit."""

    scope = models.CharField(max_length=16, choices=Scope.choices)
    term = models.CharField(max_length=100)
    change = models.SmallIntegerField()

    class Meta:
        verbose_name = _("pending change of a search term")
        verbose_name_plural = _("pending changes of search terms")

    def __str__(self) -> str:
        return f"{self.term} {self.change:+d}"


class Synonym(models.Model):
    """One group of words that mean the same to the network: synonyms ("Wohnung",
    "Unterkunft") or an abbreviation and what it stands for ("IHK", "Industrie- und
    Handelskammer"). Searching for one finds the others. Coordinators edit them in the admin."""

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("synonyms")
        ABBREVIATION = "abbreviation", _("abbreviation")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SYNONYM)
    words = models.TextField(
        _("words"),
        help_text=_(
            "One word or phrase per line (or separated by commas). Searching for any of them "
            "finds every other."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("synonym or abbreviation")
        verbose_name_plural = _("synonyms and abbreviations")
        ordering = ["words"]

    def __str__(self) -> str:
        return ", ".join(self.entries())

    def entries(self) -> list[str]:
        raw = self.words.replace("\r", "").replace(",", "\n").split("\n")
        return [entry.strip() for entry in raw if entry.strip()]


class SavedView(models.Model):
    """A person's named combination of search words and filters of the challenge list. The
    query is the list's own address query (``q=…&state=…``), so the view is also a link that
    anyone can open (each sees only what they may see). Subscribed: its new matches appear in
    the person's digest."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search and filters"), max_length=1000, blank=True)
    subscribed = models.BooleanField(_("new matches in my digest"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_view_name")
        ]

    def __str__(self) -> str:
        return self.name
