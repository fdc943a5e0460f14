"""What ``api`` contributes to erasure (registered in ``ApiConfig.ready``): the person's API
tokens are deleted, so no script keeps acting in the name of an erased account."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from core.personal_data import ErasedPerson, register


def erase(person: ErasedPerson) -> None:
    Token.objects.filter(user=person.user).delete()


def register_personal_data() -> None:
    register("api", erase=erase)
