"""The weekly digest at scale (issue 14): 10,000 subscribers over 100,000 events of the past
week, built and sent by a real Celery worker process on Redis into a real SMTP server
(aiosmtpd), against handing the same number of already-rendered messages of the same size to
the same server with a plain ``smtplib`` loop.

``run()`` uses the PostgreSQL database ``<BENCH_DB_PREFIX>_digest`` (default prefix
``wkn_bench``) of the server in ``DATABASE_URL``: created, migrated and seeded once
(``manage.py seed_scale``: 100,000 people, a tenth of them weekly subscribers, and 20,000
challenges), then on every run the bench's 100,000 events are (re)placed in the past week
(``INSERT … SELECT generate_series``, or one ``UPDATE`` that moves them) and the digests of
earlier runs are deleted, so every run starts from the same state. It then

1. counts the queries of building one batch at two batch sizes, in process, in a transaction
   it rolls back (queries per batch must not grow with its members);
2. starts the SMTP server and a worker process (``tests/faults/harness.py``) with the
   production settings, publishes beat's task (``notifications.send_digests``, "weekly") and
   waits until the server has accepted every digest the run queued, at most
   ``BENCH_DIGEST_MAX_SECONDS`` (300) seconds, sampling the worker's memory;
3. hands the same number of messages (rendered from the run's own rows) to the same server
   through one ``smtplib`` connection: the reference.

Besides the wall times it reports the CPU seconds the worker spent (all its processes) and
those of the reference's client thread: on a shared machine they vary far less than the wall.
The solo run is followed by the same run with the worker as compose starts it, a prefork pool
of two (``BENCH_DIGEST_COMPOSE=0`` skips it); ``BENCH_DIGEST_CONCURRENCY=2`` makes the first
run that pool instead, with its own reference, and skips the second.

Runnable alone: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python -c "from benchmarks import digest_bench;
print(digest_bench.run())"``; ``benchmarks/scale.py`` runs it as part of ``make bench``.
"""

from __future__ import annotations

import os
import smtplib
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS_PEOPLE = 100_000  # seed_scale makes every tenth person a weekly subscriber
CHALLENGES = 20_000
EVENTS = 100_000
WEEK_SECONDS = 7 * 86400
MAX_SECONDS = float(os.environ.get("BENCH_DIGEST_MAX_SECONDS", "300"))
REFERENCE_SAMPLE = 200  # distinct rendered messages cycled through by the reference loop
# What the worker gets from the fault harness only to heal faults fast; the bench runs the
# production values.
FAULT_ONLY = ("MAIL_SEND_LEASE_SECONDS", "MAIL_RETRY_BASE_SECONDS", "MAIL_RETRY_MAX_SECONDS",
              "OUTBOX_SCAN_GRACE_SECONDS", "DIGEST_BATCH_SIZE", "DIGEST_BATCH_LEASE_SECONDS",
              "EMAIL_TIMEOUT")


def _say(text: str) -> None:
    print(f"[digest bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --- the database -------------------------------------------------------------------------------


def _prepare_database(base: str) -> str:
    from benchmarks import scale

    name = f"{os.environ.get('BENCH_DB_PREFIX', 'wkn_bench')}_digest"
    seeded = scale.ensure_database(base, name, CHALLENGES, SUBSCRIBERS_PEOPLE)
    if seeded is not None:
        _say(f"seeded {name} in {seeded:.0f} s")
    return scale._db_url(base, name)


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django
    from django.conf import settings

    if not settings.configured or settings.DATABASES["default"]["NAME"] != urlsplit(url).path[1:]:
        django.setup()


def _place_events() -> dict:
    """The bench's events in the past week (inserted once, moved to the past week on later
    runs), and no digest of any earlier run: every run starts from the same state."""
    from django.db import transaction

    from core.db import literal_cursor

    with literal_cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS digest_bench_meta (placed_at timestamptz, "
                    "first_event bigint, last_event bigint, first_comment bigint, "
                    "last_comment bigint, first_log bigint, last_log bigint)")
        cur.execute("DELETE FROM notifications_outgoingmail WHERE kind = 'digest'")
        cur.execute("DELETE FROM notifications_digestbatch")
        cur.execute("DELETE FROM notifications_digestrun")
        cur.execute("SELECT * FROM digest_bench_meta")
        meta = cur.fetchone()
        if meta is None:
            started = time.monotonic()
            with transaction.atomic():  # all of them or none
                _insert_events(cur)
            _say(f"inserted {EVENTS:,} events in {time.monotonic() - started:.1f} s")
        else:
            placed, fe, le, fc, lc, fl, ll = meta
            cur.execute("SELECT now() - %s", [placed])
            (shift,) = cur.fetchone()
            cur.execute("UPDATE workflows_event SET created_at = created_at + %s, "
                        "notified_at = notified_at + %s WHERE id BETWEEN %s AND %s",
                        [shift, shift, fe, le])
            cur.execute("UPDATE workflows_comment SET created_at = created_at + %s "
                        "WHERE id BETWEEN %s AND %s", [shift, fc, lc])
            cur.execute("UPDATE workflows_transitionlog SET at = at + %s "
                        "WHERE id BETWEEN %s AND %s", [shift, fl, ll])
            cur.execute("UPDATE digest_bench_meta SET placed_at = now()")
        cur.execute("ANALYZE workflows_event")
        cur.execute("SELECT count(*) FROM workflows_event WHERE created_at > now() - interval "
                    "'7 days'")
        (in_window,) = cur.fetchone()
    return {"events_in_window": in_window}


def _insert_events(cur) -> None:
    """100,000 events spread evenly over the past week and over the seeded challenges (a fifth
    of them restricted): 60 % steps (with their transition log rows), 30 % comments (the
    reporter follows their challenge), 10 % filings; all marked notified (the immediate mails
    are not what is measured)."""
    cur.execute("SELECT min(id), count(*) FROM workflows_challenge")
    first_challenge, challenges = cur.fetchone()
    cur.execute("SELECT coalesce(max(id), 0) FROM workflows_event")
    (max_event,) = cur.fetchone()
    cur.execute("SELECT coalesce(max(id), 0) FROM workflows_comment")
    (max_comment,) = cur.fetchone()
    cur.execute("SELECT coalesce(max(id), 0) FROM workflows_transitionlog")
    (max_log,) = cur.fetchone()
    p = {"n": EVENTS, "c0": first_challenge, "c": challenges, "week": WEEK_SECONDS - 120}
    # Event g at now − (g/n)·week, on challenge (g·7919 mod c); kinds by g mod 10.
    cur.execute(
        """CREATE TEMP TABLE bench_g AS
           SELECT g, %(c0)s + (g::bigint * 7919) %% %(c)s AS challenge_id,
             now() - make_interval(secs => 60 + (g::float8 / %(n)s) * %(week)s) AS at,
             CASE WHEN g %% 10 < 6 THEN 'transition' WHEN g %% 10 < 9 THEN 'comment'
                  ELSE 'challenge_filed' END AS kind
           FROM generate_series(1, %(n)s) g""", p)
    cur.execute(
        """INSERT INTO workflows_transitionlog (transition, from_state, to_state, at, note,
             actor_id, challenge_id, inputs)
           SELECT (ARRAY['propose_approach', 'start_trial', 'revise_approach'])[1 + b.g %% 3],
             'analysed', 'approach_proposed', b.at, '', c.reporter_id, c.id, '{}'::jsonb
           FROM bench_g b JOIN workflows_challenge c ON c.id = b.challenge_id
           WHERE b.kind = 'transition' ORDER BY b.g""", {})
    cur.execute(
        """INSERT INTO workflows_comment (body, created_at, author_id, challenge_id)
           SELECT 'Wir haben dazu gute Erfahrungen mit einer festen Ansprechperson gemacht.',
             b.at, u.id, b.challenge_id
           FROM bench_g b, LATERAL (SELECT id FROM core_user
             WHERE id = (SELECT min(id) FROM core_user) + (b.g * 31) %% 100000) u
           WHERE b.kind = 'comment' ORDER BY b.g""", {})
    cur.execute(
        """INSERT INTO workflows_event (kind, created_at, notified_at, actor_id, challenge_id,
             transition_log_id, comment_id)
           SELECT b.kind, b.at, b.at,
             coalesce(l.actor_id, m.author_id, c.reporter_id), b.challenge_id, l.id, m.id
           FROM bench_g b JOIN workflows_challenge c ON c.id = b.challenge_id
           LEFT JOIN workflows_transitionlog l ON l.id > %(log)s AND b.kind = 'transition'
             AND l.challenge_id = b.challenge_id AND l.at = b.at
           LEFT JOIN workflows_comment m ON m.id > %(comment)s AND b.kind = 'comment'
             AND m.challenge_id = b.challenge_id AND m.created_at = b.at
           ORDER BY b.g""", {"log": max_log, "comment": max_comment})
    cur.execute(
        """INSERT INTO digest_bench_meta SELECT now(),
             (SELECT min(id) FROM workflows_event WHERE id > %(e)s),
             (SELECT max(id) FROM workflows_event),
             (SELECT min(id) FROM workflows_comment WHERE id > %(m)s),
             (SELECT max(id) FROM workflows_comment),
             (SELECT min(id) FROM workflows_transitionlog WHERE id > %(l)s),
             (SELECT max(id) FROM workflows_transitionlog)""",
        {"e": max_event, "m": max_comment, "l": max_log})
    cur.execute("DROP TABLE bench_g")


# --- queries per batch, in process --------------------------------------------------------------


class _Rollback(Exception):
    pass


def _queries_per_batch(sizes: list[int]) -> dict:
    """Build one batch of each size in a transaction that is rolled back (nothing is queued
    for real): the queries it runs and its time, and the rendered mails' sizes."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications import digest_runs, selectors
    from notifications.models import DigestBatch, DigestRun, OutgoingMail

    out: dict = {}
    ids = list(selectors.digest_subscribers("weekly").values_list("pk", flat=True)[: max(sizes)])
    for size in sizes:
        try:
            with transaction.atomic():
                now = timezone.now()
                run = DigestRun.objects.create(period="weekly", key="digest:weekly:bench",
                                               window_end=now)
                batch = DigestBatch.objects.create(run=run, first_user_id=ids[0],
                                                   last_user_id=ids[size - 1], enqueued_at=now)
                started = time.monotonic()
                with CaptureQueriesContext(connection) as ctx:
                    queued = digest_runs.digest_batch_build(batch_id=batch.pk)
                seconds = time.monotonic() - started
                out[size] = {"queries": len(ctx.captured_queries), "queued": queued,
                             "seconds": round(seconds, 2)}
                raise _Rollback
        except _Rollback:
            pass
        _say(f"batch of {size}: {out[size]}")
    del OutgoingMail  # only the rolled-back rows were read
    return out


# --- the worker's memory ----------------------------------------------------------------------


def _proc_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (``/proc/<pid>/stat``): a figure the other
    load on a shared machine changes far less than the wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


# --- the run ------------------------------------------------------------------------------------


def _wait_for_worker(app, deadline: float) -> None:
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the worker did not answer a ping within 90 s")


def _product(url: str, redis_url: str, concurrency: int, reference: bool = True) -> dict:
    import redis
    from celery import Celery
    from django.db.models import Avg, Max
    from django.db.models.functions import Length

    from notifications.models import DigestBatch, DigestRun, OutgoingMail
    from tests.faults.harness import BROKER_KEYS, SmtpServer, Workers

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    client = redis.Redis.from_url(redis_url)
    client.delete(*BROKER_KEYS)
    smtp = SmtpServer()
    smtp.start()
    log = ROOT / "var" / "bench" / "digest_worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    workers = Workers(database_url=url, broker_url=redis_url, smtp_port=smtp.port, log=log)
    for key in FAULT_ONLY:
        workers.env.pop(key, None)
    app = Celery("digest-bench-beat", broker=redis_url, set_as_current=False)
    result: dict = {"worker": "solo pool" if concurrency == 1 else f"prefork × {concurrency}"}
    try:
        process = workers.start(concurrency=concurrency)
        _wait_for_worker(app, time.monotonic() + 90)
        peak_rss = 0
        cpu_before = _cpu_seconds(_group_pids(process.pid))
        started = time.monotonic()
        app.send_task("notifications.send_digests", args=["weekly"])  # what beat does
        timed_out = False
        queued = 0
        while True:
            elapsed = time.monotonic() - started
            pids = _group_pids(process.pid)
            peak_rss = max(peak_rss, sum(_proc_kib(pid, "VmRSS") for pid in pids))
            run = DigestRun.objects.order_by("-pk").first()
            finished = run is not None and run.finished_at is not None
            if finished and not queued:
                queued = OutgoingMail.objects.filter(kind="digest", key=run.key).count()
            if finished and smtp.inbox.count() >= queued:
                break
            if elapsed > MAX_SECONDS:
                timed_out = True
                break
            if process.poll() is not None:
                raise RuntimeError(f"the worker died: see {log}")
            time.sleep(0.5)
        wall = time.monotonic() - started
        pids = _group_pids(process.pid)
        cpu = _cpu_seconds(pids) - cpu_before
        hwm = {pid: _proc_kib(pid, "VmHWM") for pid in pids}
        accepted = smtp.inbox.count()
        run = DigestRun.objects.order_by("-pk").first()
        digests = OutgoingMail.objects.filter(kind="digest", key=run.key) if run else \
            OutgoingMail.objects.none()
        sizes = digests.annotate(size=Length("body_html") + Length("body_text")).aggregate(
            avg=Avg("size"), max=Max("size"))
        ids = Counter(mid for _rcpt, mid in smtp.inbox.received)
        result.update(
            accepted=accepted,
            queued=digests.count(),
            batches=DigestBatch.objects.filter(run=run).count() if run else 0,
            batches_done=DigestBatch.objects.filter(run=run).exclude(done_at=None).count()
            if run else 0,
            wall_seconds=round(wall, 1),
            worker_cpu_seconds=round(cpu, 1),
            mails_per_second=round(accepted / wall, 1) if wall else None,
            timed_out=timed_out,
            duplicates=sum(n - 1 for n in ids.values() if n > 1),
            worker_peak_rss_mb=round(max(hwm.values() or [0]) / 1024, 1),
            worker_peak_rss_total_mb=round(max(peak_rss, sum(hwm.values())) / 1024, 1),
            mail_kb_avg=round((sizes["avg"] or 0) / 1024, 1),
            mail_kb_max=round((sizes["max"] or 0) / 1024, 1),
        )
        result.update(_items(digests))
    finally:
        workers.stop_all()
        app.close()
        client.delete(*BROKER_KEYS)
        client.close()
    smtp.stop()
    if not reference:
        return result
    # The reference on a server of its own (the same code, a fresh inbox).
    reference_smtp = SmtpServer()
    reference_smtp.start()
    try:
        result["reference"] = _reference(reference_smtp, result.get("queued") or 0)
    finally:
        reference_smtp.stop()
    return result


def _items(digests) -> dict:
    """Items shown per mail (the plain text's ``* `` lines) and news covered (the subject's
    count), over a sample of the run's mails."""
    import re

    shown, covered = [], []
    for subject, text in digests.order_by("pk").values_list("subject", "body_text")[:500]:
        shown.append(sum(1 for line in text.splitlines() if line.startswith("* ")))
        found = re.search(r"(\d+)", subject.split(":")[-1])
        covered.append(int(found.group(1)) if found else 0)
    if not shown:
        return {}
    return {"items_shown_avg": round(sum(shown) / len(shown), 1), "items_shown_max": max(shown),
            "news_covered_avg": round(sum(covered) / len(covered), 1)}


def _reference(smtp, count: int) -> dict:
    """The same number of messages, rendered from the run's own rows exactly as the worker
    renders them (``notifications.mail.deliver``'s message), handed to the same SMTP server
    through one plain ``smtplib`` connection."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from notifications.models import OutgoingMail
    from notifications.outbox import message_id_for

    if not count:
        return {}
    messages = []
    for row in OutgoingMail.objects.filter(kind="digest").order_by("pk")[:REFERENCE_SAMPLE]:
        message = EmailMultiAlternatives(
            subject=row.subject, body=row.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to_email], headers={"Message-ID": message_id_for(row), **(row.headers or {})})
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        messages.append((row.to_email, message.message().as_bytes(linesep="\r\n")))
    before = smtp.inbox.count()
    started = time.monotonic()
    cpu_started = time.thread_time()  # this thread's: the server runs in threads of its own
    sent = 0
    with smtplib.SMTP("127.0.0.1", smtp.port, timeout=30) as conn:
        for n in range(count):
            to, data = messages[n % len(messages)]
            conn.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
            sent += 1
            if time.monotonic() - started > MAX_SECONDS:  # bounded like the product's run
                break
    seconds = time.monotonic() - started
    cpu = time.thread_time() - cpu_started
    count = sent
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "accepted": smtp.inbox.count() - before,
            "mails_per_second": round(count / seconds, 1) if seconds else None,
            "bytes_avg": round(sum(len(d) for _t, d in messages) / len(messages))}


def run() -> dict:
    base = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base.startswith(("postgres://", "postgresql://")) or not redis_url.startswith("redis"):
        raise SystemExit("digest_bench needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    sys.path.insert(0, str(ROOT))
    import faulthandler

    # Whatever hangs (a server, a worker), the bench ends: with every thread's stack.
    faulthandler.dump_traceback_later(MAX_SECONDS + 900, exit=True)
    url = _prepare_database(base)
    _setup_django(url)
    from notifications import selectors

    figures: dict = {}
    figures.update(_place_events())
    figures["subscribers"] = selectors.digest_subscribers("weekly").count()
    sizes = [int(s) for s in os.environ.get("BENCH_DIGEST_QUERY_SIZES", "10,40").split(",")]
    per_batch = _queries_per_batch(sizes)
    figures["queries_per_batch"] = {f"{k} people": v["queries"] for k, v in per_batch.items()}
    figures["batch_build_seconds"] = {f"{k} people": v["seconds"] for k, v in per_batch.items()}
    _say(f"{figures['subscribers']:,} subscribers, {figures['events_in_window']:,} events in "
         "the week; starting the run")
    concurrency = int(os.environ.get("BENCH_DIGEST_CONCURRENCY", "1"))
    product = _product(url, redis_url, concurrency)
    reference = product.pop("reference")
    figures.update(product)
    figures["reference_seconds"] = reference.get("seconds")
    figures["reference_mails_per_second"] = reference.get("mails_per_second")
    figures["reference_client_cpu_seconds"] = reference.get("cpu_seconds")
    # Throughput against throughput: meaningful also when the run was stopped at the bound.
    if reference.get("mails_per_second") and product.get("mails_per_second") is not None:
        figures["ratio"] = round(product["mails_per_second"] / reference["mails_per_second"], 3)
    ok = (_within_targets(product, figures["subscribers"])
          and len(set(figures["queries_per_batch"].values())) == 1)
    stopped = _how_it_ended(product)
    figures["row"] = (
        f"| weekly digest, {figures['subscribers']:,} subscribers, "
        f"{figures['events_in_window']:,} events | {stopped} "
        f"({product.get('mails_per_second')}/s; reference smtplib "
        f"{reference.get('mails_per_second')}/s, ratio **{figures.get('ratio')}**); queries per "
        f"batch {figures['queries_per_batch']}; worker peak {product['worker_peak_rss_mb']} MB; "
        f"mail {product['mail_kb_avg']} KB avg / {product['mail_kb_max']} KB max; "
        f"{product.get('items_shown_avg')} items shown; duplicates {product['duplicates']} | "
        f"{'met' if ok else '**missed**'} |"
    )
    if concurrency == 1 and os.environ.get("BENCH_DIGEST_COMPOSE", "1") != "0":
        figures["compose"] = _compose_run(url, redis_url, reference)
    faulthandler.cancel_dump_traceback_later()
    return figures


def _within_targets(run: dict, due: int) -> bool:
    """A run's part of the target: every one of ``due`` digests accepted in 120 s, none twice,
    no worker process above 300 MB."""
    return (not run["timed_out"] and run["accepted"] >= due > 0
            and run["wall_seconds"] <= 120 and run["duplicates"] == 0
            and run["worker_peak_rss_mb"] <= 300)


def _how_it_ended(run: dict) -> str:
    if run["timed_out"]:
        return f"stopped after {MAX_SECONDS:.0f} s with {run['accepted']:,} accepted"
    return f"{run['accepted']:,} accepted in {run['wall_seconds']:.0f} s"


def _compose_run(url: str, redis_url: str, reference: dict) -> dict:
    """The same run again with the worker as compose starts it (a prefork pool of two, which
    on two cores builds one batch while it sends another), against the solo run's reference:
    from the same state (``_place_events`` again), without a reference of its own."""
    _place_events()
    _say("the same run with the compose worker (prefork × 2)")
    pool = _product(url, redis_url, 2, reference=False)
    if reference.get("mails_per_second") and pool.get("mails_per_second") is not None:
        pool["ratio"] = round(pool["mails_per_second"] / reference["mails_per_second"], 3)
    ok = _within_targets(pool, pool["queued"])
    pool["row"] = (
        f"| the same, the compose worker (prefork × 2) | {_how_it_ended(pool)} "
        f"({pool.get('mails_per_second')}/s; ratio **{pool.get('ratio')}** to the reference "
        f"above); worker CPU {pool['worker_cpu_seconds']} s; peak "
        f"{pool['worker_peak_rss_mb']} MB per process, {pool['worker_peak_rss_total_mb']} MB "
        f"for the pool; duplicates {pool['duplicates']} | {'met' if ok else '**missed**'} |"
    )
    return pool


if __name__ == "__main__":
    print(run())
