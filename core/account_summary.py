"""What the account page (``/account/``) shows of the settings other apps keep for a person
(the notifications app: immediate mail and the digest). ``core`` imports no app above it, so
they register a provider in their ``AppConfig.ready``; with none registered, the page shows
core's own sections only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# provider(user) -> [(label, value), ...]
Provider = Callable[[Any], list[tuple[str, str]]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Registering the same name again replaces it (``ready()`` may run twice in tests)."""
    _providers[name] = provider


def facts_for(user: Any) -> list[tuple[str, str]]:
    return [fact for _name, provider in sorted(_providers.items()) for fact in provider(user)]
