"""Helpers for the page tests: signed-in clients per role and challenges built through the
services at every stage of their lifecycle."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import GoodPractice, State


@pytest.fixture
def sign_in():
    """``sign_in(user)`` → a test client with that user signed in (German unless changed). A
    ``language`` is stored as the person's own (it wins over the cookie for signed-in people)."""

    def _sign_in(user, language: str | None = None) -> Client:
        client = Client()
        client.force_login(user)
        if language:
            client.cookies["django_language"] = language
            if user.preferred_language != language:
                user.preferred_language = language
                user.save(update_fields=["preferred_language"])
        return client

    return _sign_in


@pytest.fixture
def evaluated(network):
    """A network challenge of ``org`` taken through every step to a successful evaluation;
    its good-practice record is a draft."""
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    challenge = advance(
        challenge, State.EVALUATED, actor=network.group_member, group=network.group
    )
    return challenge


@pytest.fixture
def published(network, evaluated):
    record = GoodPractice.objects.get()
    return services.good_practice_publish(actor=network.coordinator, good_practice=record)
