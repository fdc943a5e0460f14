"""Admin: the coordinators' synonym list, and the one search for the challenge and
good-practice lists of the admin."""

from django.contrib import admin

from . import query, synonyms
from .models import ChallengeSearch, GoodPracticeSearch, SavedView, Scope, SearchTerm, Synonym


class GermanSearchAdminMixin:
    """Replaces the admin's substring search by ``workflows.search`` (ranked by relevance)."""

    search_scope = Scope.CHALLENGE
    search_fields = ["pk"]  # shows the search box; the words go to get_search_results

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        prepared = query.prepare(search_term, scope=self.search_scope)
        ordered = prepared.apply(queryset).order_by("-search_rank", "-pk")
        return ordered, False


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["words", "note"]
    fields = ["kind", "words", "note"]

    def save_model(self, request, obj, form, change):
        # Synonyms act at query time: a change counts from the next search, no re-indexing.
        synonyms.synonym_save(actor=request.user, synonym=obj)

    def delete_model(self, request, obj):
        synonyms.synonym_delete(actor=request.user, synonyms=[obj])

    def delete_queryset(self, request, queryset):
        synonyms.synonym_delete(actor=request.user, synonyms=list(queryset))


class _DerivedAdmin(admin.ModelAdmin):
    """Derived data, rebuilt by ``manage.py search_reindex``: read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchTerm)
class SearchTermAdmin(_DerivedAdmin):
    list_display = ["term", "scope", "documents"]
    list_filter = ["scope"]
    search_fields = ["term"]


@admin.register(ChallengeSearch, GoodPracticeSearch)
class SearchEntryAdmin(_DerivedAdmin):
    list_display = ["pk", "title_terms", "indexed_at"]


@admin.register(SavedView)
class SavedViewAdmin(_DerivedAdmin):
    """People's own saved views, for support; they change them on their work page."""

    list_display = ["name", "owner", "query", "subscribed", "created_at"]
    list_filter = ["subscribed"]
    list_select_related = ["owner"]
