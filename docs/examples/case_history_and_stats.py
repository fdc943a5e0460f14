"""Issue 11's closing-note example, through the public API of a seeded instance: one case is
edited, assigned, closed as a referral and reopened, then its history and the statistics of a
window are printed (abbreviated).

    DATABASE_URL=… REDIS_URL=… python manage.py migrate && python manage.py seed_demo
    DATABASE_URL=… REDIS_URL=… python docs/examples/case_history_and_stats.py

It changes the demo data (one reported case), so run it on a throwaway database.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from workflows.models import Challenge, State  # noqa: E402

COORDINATOR = "koordination@willkommensnetz.example"
PASSWORD = "willkommen2026"  # seed_demo's demo password


def main() -> None:
    anon = Client(HTTP_HOST="localhost")
    token = anon.post(
        "/api/v1/auth/token/", {"email": COORDINATOR, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")

    def call(method: str, path: str, body: dict | None = None) -> dict | list:
        response = getattr(api, method)(
            "/api/v1" + path, json.dumps(body) if body is not None else None,
            content_type="application/json",
        )
        assert response.status_code == 200, (method, path, response.status_code, response.content)
        return response.json()

    case = Challenge.objects.filter(state=State.REPORTED, working_group=None).order_by("pk").first()
    pk = case.pk
    groups = call("get", "/working-groups/")
    group = (groups["results"] if isinstance(groups, dict) else groups)[0]
    bodies = call("get", "/referral-bodies/")
    bodies = bodies["results"] if isinstance(bodies, dict) else bodies
    body = next(b for b in bodies if b["name"].startswith("LAMSA"))

    call("patch", f"/challenges/{pk}/", {"title": case.title + " (Stand 2026)"})
    call("post", f"/challenges/{pk}/assignment/", {"working_group": group["id"]})
    call("post", f"/challenges/{pk}/transitions/close/", {
        "expected_state": "reported", "reason": "referred", "referral_body": body["id"],
        "note": "Die LAMSA berät Migrantenorganisationen zu diesem Thema.",
    })
    reopened = call("post", f"/challenges/{pk}/transitions/reopen/", {
        "expected_state": "closed", "reason": "Die LAMSA gibt den Fall mit Hinweisen zurück.",
    })
    print(f"$ POST reopen → state {reopened['state']!r}, working_group "
          f"{(reopened['working_group'] or {}).get('name')!r}, referral_body {reopened['referral_body']!r}")
    print(f"$ GET /api/v1/challenges/{pk}/history/")
    print(json.dumps(call("get", f"/challenges/{pk}/history/"), ensure_ascii=False, indent=1))

    today = datetime.date.today()
    window = {"from": (today - datetime.timedelta(days=83)).isoformat(), "to": today.isoformat()}
    stats = call("get", f"/stats/?from={window['from']}&to={window['to']}")
    print(f"$ GET /api/v1/stats/?from={window['from']}&to={window['to']}")
    print(json.dumps(stats, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
