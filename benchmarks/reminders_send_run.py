"""The whole reminder run (``notifications.services.reminders_send``) on a fresh copy of a
seeded database (it writes): time, queries, reminders and mails, then a rerun (nothing left).

    TEMPLATE=wkn_x_100k MIGRATE=1 DUMP=/tmp/out.json .venv/bin/python benchmarks/reminders_send_run.py

``TEMPLATE`` is copied to ``RUN_DB`` (default ``<TEMPLATE>_run``, dropped first); ``MIGRATE``
applies this branch's migrations to the copy; ``NOW`` fixes the run's time (ISO, default
2026-12-03T14:00:00+00:00) so that two runs decide the same; ``DUMP`` writes the decided
reminders and the mails' subjects and texts, to compare two branches. Never point it at a
shared database: it copies the template, which needs no other session on it."""

import datetime
import json
import os
import subprocess
import sys
import time

template = os.environ["TEMPLATE"]
run_db = os.environ.get("RUN_DB", template + "_run")
pg = ["-h", "127.0.0.1", "-U", "postgres"]
subprocess.run(["dropdb", *pg, "--if-exists", run_db], check=True)
subprocess.run(["createdb", *pg, "-T", template, run_db], check=True)
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{run_db}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.core.management import call_command
from django.db import connection

from notifications import dispatch, services
from notifications.models import OutgoingMail, Reminder

if os.environ.get("MIGRATE"):
    call_command("migrate", verbosity=0)
NOW = datetime.datetime.fromisoformat(os.environ.get("NOW", "2026-12-03T14:00:00+00:00"))
enqueued = []
dispatch.enqueue = lambda name, pk: enqueued.append((name, pk))  # no broker: count only
queries = {"n": 0}


def count(execute, sql, params, many, context):
    queries["n"] += 1
    return execute(sql, params, many, context)


for attempt in (1, 2):
    queries["n"] = 0
    enqueued.clear()
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        outcomes = services.reminders_send(now=NOW)
    took = time.perf_counter() - start
    levels: dict[int, int] = {}
    for outcome in outcomes:
        levels[outcome.level] = levels.get(outcome.level, 0) + 1
    print(f"run {attempt}: {took:.2f} s, {queries['n']} queries, decided by level {levels}, "
          f"mails {len(services.reminder_mails(outcomes))}, enqueued {len(enqueued)}, "
          f"Reminder rows {Reminder.objects.count()}, "
          f"reminder mails {OutgoingMail.objects.filter(kind='reminder').count()}")
if os.environ.get("DUMP"):
    rows = sorted(Reminder.objects.values_list("challenge_id", "state", "state_entered_at", "level"))
    mails = sorted((m.recipient_id, m.subject, m.body_text)
                   for m in OutgoingMail.objects.filter(kind="reminder"))
    with open(os.environ["DUMP"], "w") as out:
        json.dump({"reminders": [[c, s, e.isoformat(), lv] for c, s, e, lv in rows],
                   "mails": mails}, out)
connection.close()
