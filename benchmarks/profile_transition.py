"""Profile the API's ``analyse`` step in process against a seeded database (issue 14):
CPU and wall time per request beside the floor's bare transition, the statements of one step,
then a pyinstrument tree of 20 steps. Consumes 71 reported challenges. Not part of the product or of ``make bench``.

    DATABASE_URL=…/wkn_10k DJANGO_SETTINGS_MODULE=benchmarks.settings \\
        .venv/bin/python -m benchmarks.profile_transition
"""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from benchmarks.scale_run import identities  # noqa: E402
from core.models import WorkingGroup  # noqa: E402
from workflows.models import Challenge  # noqa: E402


def main() -> None:
    coordinator = identities()["coordinator"]
    headers = {k: v for k, v in coordinator["api"].items() if k != "Host"}
    ids = list(Challenge.objects.filter(state="reported").order_by("?")
               .values_list("pk", flat=True)[:71])
    body = {"expected_state": "reported",
            "working_group": WorkingGroup.objects.order_by("pk").first().pk,
            "root_causes": "Zu wenige Beratungsstellen", "affected": "Pflegekräfte"}
    client = Client(HTTP_HOST="localhost")

    def step(pk: int) -> None:
        response = client.post(f"/api/v1/challenges/{pk}/transitions/analyse/",
                               data=json.dumps(body), content_type="application/json",
                               headers=headers)
        assert response.status_code == 200, response.content

    def floor(pk: int) -> None:
        assert client.post(f"/_floor/transition/{pk}/?user={coordinator['id']}").status_code == 200

    for pk in ids[:5]:  # warm: URLconf, broker connection, stem cache
        step(pk)
    for pk in ids[5:10]:
        floor(pk)
    for name, run, chunk in (("product", step, ids[10:30]), ("floor", floor, ids[30:50])):
        cpu, wall = time.process_time(), time.perf_counter()
        for pk in chunk:
            run(pk)
        print(f"{name}: cpu {(time.process_time() - cpu) / len(chunk) * 1000:.1f} ms, "
              f"wall {(time.perf_counter() - wall) / len(chunk) * 1000:.1f} ms per request")
    with CaptureQueriesContext(connection) as queries:  # after commit too: the hooks' reads
        step(ids[70])
    print(f"statements per step: {len(queries)} (BEGIN and COMMIT included)")
    profiler = Profiler(interval=0.001)
    profiler.start()
    for pk in ids[50:70]:
        step(pk)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
