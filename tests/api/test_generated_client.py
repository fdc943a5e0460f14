"""A client generated from our OpenAPI schema by an off-the-shelf generator
(``openapi-python-client``) walks the whole lifecycle against a running server, with a token:
every request body is one of the generated models, none is written by hand. If the schema left
a step's input untyped, the generated model would not have the fields used here."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from workflows.models import Challenge, State

from tests.factories import region, target_group, topic

# serialized_rollback: the tables are restored from the migrated state and left empty after, as
# the other transactional tests expect (a plain flush would re-create content types under them).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACKAGE = "wn_generated_client"


@pytest.fixture
def generated(tmp_path):
    """Write the schema as ``manage.py spectacular`` does, generate the client, import it."""
    schema = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(schema))
    config = tmp_path / "generator.yml"
    config.write_text(
        f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [str(generator), "generate", "--path", str(schema), "--config", str(config),
         "--meta", "none", "--output-path", str(tmp_path / PACKAGE)],
        check=True, capture_output=True, cwd=tmp_path, timeout=300,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_drives_the_lifecycle(generated, live_server, network):
    client_module = generated("client")
    models = generated("models")
    token_api = generated("api.auth.auth_token_create")
    create = generated("api.challenges.v1_challenges_create")
    analyse = generated("api.transitions.challenges_transitions_analyse")
    propose = generated("api.transitions.challenges_transitions_propose_approach")
    start_trial = generated("api.transitions.challenges_transitions_start_trial")
    evaluate = generated("api.transitions.challenges_transitions_evaluate")

    def signed_in(user):
        anonymous = client_module.Client(base_url=live_server.url)
        token = token_api.sync(
            client=anonymous,
            body=models.TokenRequestRequest(email=user.email, password="pass-word-123"),
        )
        assert isinstance(token, models.Token), token
        return client_module.AuthenticatedClient(
            base_url=live_server.url, token=token.token, prefix="Token"
        )

    partner, group = signed_in(network.partner), signed_in(network.group_member)

    filed = create.sync(
        client=partner,
        body=models.ChallengeFileRequest(
            organisation=network.org.pk,
            title="Wohnungssuche scheitert an der Schufa-Auskunft",
            description="Neu zugezogene Fachkräfte haben keine Schufa-Historie.",
            topic=topic().pk,
            target_groups=[target_group().pk],
            region=region().pk,
        ),
    )
    assert isinstance(filed, models.ChallengeDetail), filed
    assert filed.state == models.ChallengeStateEnum.REPORTED

    detail = analyse.sync(
        filed.id,
        client=group,
        body=models.AnalyseInputRequest(
            expected_state=models.ChallengeStateEnum.REPORTED,
            working_group=network.group.pk,
            root_causes="Vermieter verlangen eine Auskunft, die es noch nicht gibt.",
            affected="Fachkräfte in den ersten Monaten",
        ),
    )
    assert detail.state == models.ChallengeStateEnum.ANALYSED, detail

    detail = propose.sync(
        filed.id,
        client=group,
        body=models.ProposeApproachInputRequest(
            expected_state=models.ChallengeStateEnum.ANALYSED,
            approaches=[
                models.ApproachItemInputRequest(
                    title="Mietbürgschaft", description="Der Arbeitgeber bürgt."
                ),
                models.ApproachItemInputRequest(
                    title="Wohnungspool", description="Die Kommune hält Wohnungen vor.",
                    selected=True,
                ),
            ],
        ),
    )
    assert detail.state == models.ChallengeStateEnum.APPROACH_PROPOSED, detail
    assert [a.selected for a in detail.approaches] == [False, True]

    # A request that names a state the challenge has left is refused (409), nothing changes.
    stale = analyse.sync_detailed(
        filed.id,
        client=group,
        body=models.AnalyseInputRequest(
            expected_state=models.ChallengeStateEnum.REPORTED,
            working_group=network.group.pk,
            root_causes="x",
            affected="y",
        ),
    )
    assert stale.status_code == 409
    assert isinstance(stale.parsed, models.Error)

    import datetime

    detail = start_trial.sync(
        filed.id,
        client=group,
        body=models.StartTrialInputRequest(
            expected_state=models.ChallengeStateEnum.APPROACH_PROPOSED,
            start=datetime.date(2026, 2, 1),
            planned_end=datetime.date(2026, 5, 31),
            partners=[network.org.pk],
        ),
    )
    assert detail.state == models.ChallengeStateEnum.TRIALLED, detail

    # Field errors come back per field, typed as the schema says.
    refused = evaluate.sync_detailed(
        filed.id,
        client=group,
        body=models.EvaluateInputRequest(
            expected_state=models.ChallengeStateEnum.TRIALLED,
            outcome=models.OutcomeEnum.SUCCESSFUL,
            evidence="",
            lessons_learned="Früh anfragen",
        ),
    )
    assert refused.status_code == 400
    assert "evidence" in refused.parsed.additional_properties

    detail = evaluate.sync(
        filed.id,
        client=group,
        body=models.EvaluateInputRequest(
            expected_state=models.ChallengeStateEnum.TRIALLED,
            outcome=models.OutcomeEnum.SUCCESSFUL,
            evidence="Zwölf Wohnungen vermittelt",
            lessons_learned="Früh anfragen",
        ),
    )
    assert detail.state == models.ChallengeStateEnum.EVALUATED, detail
    assert Challenge.objects.get(pk=filed.id).state == State.EVALUATED
