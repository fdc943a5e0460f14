"""`manage.py seed_scale --challenges N --users M`: fill a PostgreSQL database fast for the scale
benchmarks (issue 14): organisations, working groups and people, challenges spread over states,
topics, regions, organisations, groups and visibility, with the records each step leaves
(analysis, approach, trial, evaluation), the transition log, events, comments, followers, mail
preferences, sent outbox rows and the stored search terms.

It lives in ``notifications`` because it writes the tables of every layer below (core,
workflows, notifications) and the layer contract lets nothing lower import notifications.

The rows are generated inside PostgreSQL (``INSERT … SELECT generate_series``) in chunks, so
no row crosses the wire and nothing runs per row in Python; the texts come from a few hundred
templates analysed once by the search analyser. It bypasses the services on purpose: a bulk
load of history that never happened live (like ``seed_demo``'s, events are marked notified).
Not for a production database: it refuses to run on a database that has real people in it
unless ``--force``.
"""

from __future__ import annotations

import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.db import literal_cursor

CHUNK = 50_000
# Share of challenges per state, in percent (the shape of a network a few years in).
STATE_SHARES = [
    ("reported", 15), ("analysed", 20), ("approach_proposed", 15), ("trialled", 10),
    ("evaluated", 20), ("closed", 20),
]
# The steps that lead to each state; closed challenges were closed right after filing (even
# numbers) or after an analysis (odd numbers).
PATHS = {
    "reported": ["file"],
    "analysed": ["file", "analyse"],
    "approach_proposed": ["file", "analyse", "propose_approach"],
    "trialled": ["file", "analyse", "propose_approach", "start_trial"],
    "evaluated": ["file", "analyse", "propose_approach", "start_trial", "evaluate"],
    "closed_r": ["file", "close"],
    "closed_a": ["file", "analyse", "close"],
}
TARGET = {"file": "reported", "analyse": "analysed", "propose_approach": "approach_proposed",
          "start_trial": "trialled", "evaluate": "evaluated", "close": "closed"}
COORDINATORS, STAKEHOLDERS, GROUPS, MEMBERS_PER_GROUP = 20, 100, 12, 20
STALE_PERCENT = 5
BIG_TABLES = (
    "workflows_challenge", "workflows_challenge_target_groups", "workflows_challengesearch",
    "workflows_transitionlog", "workflows_event", "workflows_analysis", "workflows_approach",
    "workflows_trial", "workflows_trial_partners", "workflows_evaluation", "workflows_comment",
    "workflows_follow", "notifications_outgoingmail", "workflows_challengestay",
)
YEARS = 3

PROBLEMS = [
    "Anerkennung des Berufsabschlusses dauert zu lange", "Sprachkurs B2 fehlt vor Ort",
    "Wohnungssuche für Pflegefachkräfte", "Visumtermin bei der Botschaft", "Kinderbetreuung für "
    "Familien neu Zugezogener", "Fahrtkosten zum Integrationskurs", "Arbeitgeber kennen das "
    "beschleunigte Fachkräfteverfahren nicht", "Nachqualifizierung im Handwerk",
    "Zeugnisbewertung für Ingenieure", "Mentoring für internationale Studierende",
    "Ausländerbehörde überlastet", "Führerschein umschreiben", "Berufsschule ohne "
    "Sprachförderung", "Ehrenamtliche Lotsen fehlen", "Anpassungslehrgang Pflege ausgebucht",
    "Bankkonto ohne Meldeadresse", "Arztpraxis sucht medizinische Fachangestellte",
    "Busverbindung zum Gewerbegebiet", "Dolmetschen im Jobcenter", "Praktikum vor der Ausbildung",
]
PLACES = ["in Magdeburg", "in Halle (Saale)", "im Harz", "in der Altmark", "in Dessau-Roßlau",
          "im Salzlandkreis", "im Burgenlandkreis", "in Wittenberg", "in Stendal", "im Saalekreis"]
WHO = ["für Pflegekräfte", "für Ärztinnen und Ärzte", "für Auszubildende", "für Ingenieure",
       "für Berufskraftfahrer", "für Erzieherinnen", "für Studierende", "für Familien"]
SENTENCES = [
    "Mehrere Partner berichten übereinstimmend von diesem Hindernis.",
    "Die Betroffenen warten oft mehrere Monate auf eine Entscheidung.",
    "Ohne Unterstützung brechen viele das Verfahren ab.",
    "Die Zuständigkeiten zwischen Kammer, Behörde und Arbeitgeber sind unklar.",
    "Ein Beratungsangebot in der Herkunftssprache würde helfen.",
    "Der Arbeitgeber würde sofort einstellen, sobald die Unterlagen vorliegen.",
    "Die Kosten für Übersetzungen und Beglaubigungen sind hoch.",
    "Im ländlichen Raum fehlen Angebote, die in der Stadt selbstverständlich sind.",
]


class Command(BaseCommand):
    help = "Fill the (PostgreSQL) database with N challenges and M people for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--challenges", type=int, default=10_000)
        parser.add_argument("--users", type=int, default=1_000)
        parser.add_argument("--templates", type=int, default=400)
        parser.add_argument("--force", action="store_true", help="also on a database with people")
        parser.add_argument(
            "--backfill-only", action="store_true",
            help="seed nothing: fill what newer schema added to an already seeded database "
                 "(search vectors on the challenge row, the statistics' stays and rollups), "
                 "set-based, instead of seeding anew",
        )

    def handle(self, *args, challenges: int, users: int, templates: int, force: bool,
               backfill_only: bool = False, **kw):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (it generates rows with SQL).")
        if backfill_only:
            self.started = time.monotonic()
            with literal_cursor() as cur:
                self.cur = cur
                self._backfill()
            return
        minimum = COORDINATORS + STAKEHOLDERS + GROUPS * MEMBERS_PER_GROUP + 20
        if users < minimum:
            raise CommandError(f"--users must be at least {minimum}.")
        with literal_cursor() as cur:
            cur.execute("SELECT count(*) FROM core_user WHERE email NOT LIKE '%%@scale.example'")
            if cur.fetchone()[0] and not force:
                raise CommandError("The database has people of its own; --force to add anyway.")
        self.started = time.monotonic()
        self.n, self.m = challenges, users
        with literal_cursor() as cur:
            self.cur = cur
            with transaction.atomic():
                self._people()
                self._templates(templates)
            dropped = self._drop_secondary_indexes()
            # The generated rows are consistent by construction: skip the per-row checks of
            # the foreign keys (their triggers) while loading; superuser only, like COPY FREEZE.
            self._sql("SET session_replication_role = replica")
            try:
                self._challenges()
                self._search_vocabulary(templates)
            finally:
                # Also after a failed load: the database keeps its indexes.
                self._sql("SET session_replication_role = DEFAULT")
                self._recreate_indexes(dropped)
            self._finish()
            self._backfill()
        self._say(f"done: {challenges:,} challenges, {users:,} people")

    # --- helpers ---------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f} s] {text}")
        self.stdout.flush()

    def _sql(self, sql: str, params=None) -> int:
        self.cur.execute(sql, params if params is not None else {})
        return self.cur.rowcount

    def _vector_on(self, table: str, column: str) -> dict[str, str]:
        """The weighted search vector goes where the schema keeps it: the search table (0010)
        or, once the search branch moved it there, the challenge row (``search_vector``)."""
        if not hasattr(self, "_columns"):
            self.cur.execute(
                "SELECT table_name || '.' || column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name LIKE 'workflows_%%'")
            self._columns = {row[0] for row in self.cur.fetchall()}
        if f"{table}.{column}" in self._columns:
            return {"vector_column": f", {column}", "vector_value": ", tp.vector"}
        return {"vector_column": "", "vector_value": ""}

    def _base(self, table: str) -> int:
        self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return self.cur.fetchone()[0]

    # --- indexes: built once after the load, not row by row during it ------------------------

    def _drop_secondary_indexes(self) -> list[str]:
        """Drop the indexes of the big tables that back no constraint; returns their
        definitions. Building an index over a million rows once is far cheaper than updating
        it per row (above all the GIN index of the search terms)."""
        self.cur.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                 WHERE k.conindid = (quote_ident(i.indexname))::regclass)""",
            [list(BIG_TABLES)],
        )
        found = self.cur.fetchall()
        for name, _definition in found:
            self._sql(f"DROP INDEX {connection.ops.quote_name(name)}")
        self._say(f"dropped {len(found)} secondary indexes for the load")
        return [definition for _name, definition in found]

    def _recreate_indexes(self, definitions: list[str]) -> None:
        self._sql("SET maintenance_work_mem = '256MB'")
        for number, definition in enumerate(definitions, 1):
            self._sql(definition)
            if number % 10 == 0 or number == len(definitions):
                self._say(f"indexes rebuilt: {number}/{len(definitions)}")

    # --- people, organisations, groups ---------------------------------------------------------

    def _people(self) -> None:
        m = self.m
        self.orgs = max(20, m // 25)
        bu, bo = self._base("core_user"), self._base("core_organisation")
        self.user_base, self.org_base = bu, bo
        first_member = COORDINATORS + STAKEHOLDERS + 1
        first_partner = first_member + GROUPS * MEMBERS_PER_GROUP
        self._sql(
            """INSERT INTO core_user (id, password, is_superuser, email, display_name,
                 preferred_language, time_zone, is_coordinator, is_stakeholder, is_staff,
                 is_active, date_joined)
               SELECT %(bu)s + u, '!', false, 'scale' || (%(bu)s + u) || '@scale.example',
                 'Person ' || u, CASE WHEN u %% 10 = 0 THEN 'en' ELSE 'de' END, 'Europe/Berlin',
                 u <= %(c)s, u > %(c)s AND u <= %(s)s, false, true,
                 now() - make_interval(days => (u * 7) %% 1000)
               FROM generate_series(1, %(m)s) u""",
            {"bu": bu, "c": COORDINATORS, "s": COORDINATORS + STAKEHOLDERS, "m": m},
        )
        self._sql(
            """INSERT INTO core_organisation (id, name, kind, website, description,
                 contact_email, status, admitted_at, created_at, region_id, decline_reason)
               SELECT %(bo)s + i, 'Skalierungspartner ' || (%(bo)s + i),
                 (ARRAY['chamber','authority','employment_agency','municipality','employer',
                        'education','migrant_organisation','welfare'])[1 + i %% 8],
                 '', '', 'kontakt' || i || '@scale.example', 'admitted', now(), now(),
                 (SELECT id FROM core_region ORDER BY id OFFSET (i %% (SELECT count(*)
                    FROM core_region)) LIMIT 1), ''
               FROM generate_series(1, %(o)s) i""",
            {"bo": bo, "o": self.orgs},
        )
        # Every partner belongs to one organisation; group members to one working group.
        self._sql(
            """INSERT INTO core_membership (created_at, user_id, organisation_id, can_admit)
               SELECT now(), %(bu)s + u, %(bo)s + 1 + (u %% %(o)s), u < %(fp)s + %(o)s
               FROM generate_series(%(fp)s, %(m)s) u""",
            {"bu": bu, "bo": bo, "o": self.orgs, "fp": first_partner, "m": m},
        )
        self._sql(
            """INSERT INTO core_workinggroup (name, slug, purpose)
               SELECT 'Skalierungs-AG ' || bu || '-' || g, 'scale-' || bu || '-' || g, ''
               FROM generate_series(1, %(g)s) g, (SELECT %(bu)s AS bu) b""",
            {"g": GROUPS, "bu": bu},
        )
        self._sql(
            """INSERT INTO core_workinggroup_members (workinggroup_id, user_id)
               SELECT wg.id, %(bu)s + u FROM generate_series(%(fm)s, %(fp)s - 1) u
               JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM core_workinggroup
                     WHERE slug LIKE %(slug)s) wg ON wg.i = (u - %(fm)s) / %(per)s""",
            {"bu": bu, "fm": first_member, "fp": first_partner, "per": MEMBERS_PER_GROUP,
             "slug": f"scale-{bu}-%"},
        )
        # A tenth of the people read a weekly digest, the others none.
        self._sql(
            """INSERT INTO notifications_preference (user_id, immediate, digest)
               SELECT %(bu)s + u, false, CASE WHEN u %% 10 = 0 THEN 'weekly' ELSE 'off' END
               FROM generate_series(1, %(m)s) u""",
            {"bu": bu, "m": m},
        )
        # Lookup tables the challenge generator joins on (index i from 0).
        self._sql(
            """CREATE TEMP TABLE seed_org ON COMMIT PRESERVE ROWS AS
               SELECT o.id - %(bo)s - 1 AS i, o.id, o.region_id,
                      (SELECT min(user_id) FROM core_membership mm WHERE mm.organisation_id = o.id)
                        AS member_id
               FROM core_organisation o WHERE o.id > %(bo)s""",
            {"bo": bo},
        )
        self._sql("CREATE UNIQUE INDEX ON seed_org (i)")
        self._sql(
            """CREATE TEMP TABLE seed_group ON COMMIT PRESERVE ROWS AS
               SELECT row_number() OVER (ORDER BY wg.id) - 1 AS i, wg.id,
                      (SELECT min(user_id) FROM core_workinggroup_members m
                        WHERE m.workinggroup_id = wg.id) AS member_id
               FROM core_workinggroup wg WHERE slug LIKE %(slug)s""",
            {"slug": f"scale-{bu}-%"},
        )
        self._sql(
            "CREATE TEMP TABLE seed_ref ON COMMIT PRESERVE ROWS AS SELECT "
            "(SELECT array_agg(id ORDER BY id) FROM core_topic) AS topics, "
            "(SELECT array_agg(id ORDER BY id) FROM core_targetgroup) AS tgs, "
            "%(coord)s::bigint AS coordinator",
            {"coord": bu + 1},
        )
        self._say(f"{m:,} people, {self.orgs:,} organisations, {GROUPS} working groups")

    def _templates(self, count: int) -> None:
        from workflows.search.index import _analysed, _join, vector_literal

        rnd = random.Random(14)
        rows = []
        self.template_terms = []
        for i in range(count):
            title = f"{rnd.choice(PROBLEMS)} {rnd.choice(WHO)} {rnd.choice(PLACES)}"
            description = " ".join(rnd.sample(SENTENCES, 3))
            root = rnd.choice(SENTENCES)
            title_terms, all_terms = _analysed(title, [description, root])
            self.template_terms.append(all_terms)
            rows.append((i, title, description, root, _join(title_terms), _join(all_terms),
                         vector_literal(title, [description, root])))
        self._sql(
            "CREATE TEMP TABLE seed_tpl (i int PRIMARY KEY, title text, description text, "
            "root text, title_terms text, terms text, vector tsvector) ON COMMIT PRESERVE ROWS"
        )
        self.cur.executemany("INSERT INTO seed_tpl VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        states = []
        for state, share in STATE_SHARES:
            states += [state] * share
        self._sql("CREATE TEMP TABLE seed_state (i int PRIMARY KEY, state text) "
                  "ON COMMIT PRESERVE ROWS")
        self.cur.executemany("INSERT INTO seed_state VALUES (%s, %s)", list(enumerate(states)))
        steps = []
        for path, names in PATHS.items():
            for k, name in enumerate(names, 1):
                steps.append((path, k, len(names), name, TARGET[names[k - 2]] if k > 1 else "",
                              TARGET[name]))
        self._sql("CREATE TEMP TABLE seed_step (path text, k int, n int, transition text, "
                  "from_state text, to_state text) ON COMMIT PRESERVE ROWS")
        self.cur.executemany("INSERT INTO seed_step VALUES (%s, %s, %s, %s, %s, %s)", steps)

    # --- challenges and everything that hangs on them -------------------------------------------

    def _challenges(self) -> None:
        n = self.n
        self.challenge_base = base = self._base("workflows_challenge")
        self.templates = self._count("seed_tpl")
        done = 0
        while done < n:
            lo, hi = done + 1, min(done + CHUNK, n)
            with transaction.atomic():
                self._chunk(base, lo, hi)
            done = hi
            rate = done / max(time.monotonic() - self.started, 0.001)
            self._say(f"challenges {done:,}/{n:,} ({100 * done // n} %, {rate:,.0f}/s)")

    def _count(self, table: str) -> int:
        self.cur.execute(f"SELECT count(*) FROM {table}")
        return self.cur.fetchone()[0]

    def _chunk(self, base: int, lo: int, hi: int) -> None:
        # Rows of this chunk are found by their ids (above the maxima before it): the
        # secondary indexes are gone during the load.
        marks = {f"max_{t}": self._base(f"workflows_{t}")
                 for t in ("transitionlog", "comment", "approach", "trial")}
        p = {**marks, "b": base, "lo": lo, "hi": hi, "n": self.n, "t": self.templates,
             "o": self.orgs, "g": GROUPS, "stale": STALE_PERCENT, "years": YEARS}
        # created_at rises with the id over YEARS years; open challenges entered their state in
        # the last two weeks, except STALE_PERCENT of them which are months past their age.
        self._sql(
            """CREATE TEMP TABLE seed_c ON COMMIT DROP AS
               SELECT g, %(b)s + g AS id, tp.i AS tpl, o.id AS org, o.region_id AS region,
                 o.member_id AS reporter, st.state,
                 CASE WHEN st.state = 'closed' THEN
                   CASE WHEN g %% 2 = 0 THEN 'closed_r' ELSE 'closed_a' END
                   ELSE st.state END AS path,
                 CASE WHEN st.state = 'reported' AND g %% 4 <> 0 THEN NULL
                      WHEN st.state = 'closed' AND g %% 2 = 0 THEN NULL
                      ELSE wg.id END AS wg, wg.member_id AS member,
                 now() - make_interval(secs => (1 - g::float8 / %(n)s) * %(years)s * 365 * 86400
                                              + 3600 + (g %% 97) * 60) AS created
               FROM generate_series(%(lo)s, %(hi)s) g
               JOIN seed_tpl tp ON tp.i = g %% %(t)s
               JOIN seed_org o ON o.i = (g::bigint * 31) %% %(o)s
               JOIN seed_state st ON st.i = (g::bigint * 7919) %% 100
               JOIN seed_group wg ON wg.i = (g::bigint * 17) %% %(g)s""",
            p,
        )
        self._sql(
            "ALTER TABLE seed_c ADD COLUMN entered timestamptz"
        )
        self._sql(
            """UPDATE seed_c SET entered = CASE
                 WHEN state IN ('evaluated', 'closed') THEN
                   created + (now() - created) * (((g::bigint * 53) %% 100) / 100.0)
                 WHEN (g::bigint * 37) %% 100 < %(stale)s THEN
                   greatest(created, now() - make_interval(days => 45 + g %% 300))
                 ELSE greatest(created, now() - make_interval(days => g %% 12, secs => g %% 86400))
               END""",
            p,
        )
        self._sql("ANALYZE seed_c")
        self._sql(
            """INSERT INTO workflows_challenge (id, title, description, visibility, state,
                 state_entered_at, closure_reason, referred_to, created_at, updated_at,
                 organisation_id, region_id, reporter_id, topic_id, working_group_id
                 {vector_column})
               SELECT c.id, tp.title || ' (' || c.g || ')', tp.description,
                 CASE WHEN (c.g::bigint * 13) %% 10 < 2 THEN 'restricted' ELSE 'network' END, c.state,
                 c.entered, CASE WHEN c.state = 'closed' THEN 'out_of_scope' ELSE '' END, '',
                 c.created, c.entered, c.org, c.region, c.reporter,
                 r.topics[1 + c.g %% array_length(r.topics, 1)], c.wg {vector_value}
               FROM seed_c c JOIN seed_tpl tp ON tp.i = c.tpl, seed_ref r""".format(
                **self._vector_on("workflows_challenge", "search_vector")),
            p,
        )
        self._sql(
            """INSERT INTO workflows_challenge_target_groups (challenge_id, targetgroup_id)
               SELECT c.id, r.tgs[1 + c.g %% array_length(r.tgs, 1)] FROM seed_c c, seed_ref r
               UNION ALL
               SELECT c.id, r.tgs[1 + (c.g + 3) %% array_length(r.tgs, 1)]
               FROM seed_c c, seed_ref r WHERE c.g %% 3 = 0""",
        )
        self._sql(
            """INSERT INTO workflows_challengesearch (challenge_id, title_terms, terms,
                 indexed_at {vector_column})
               SELECT c.id, tp.title_terms, tp.terms, now() {vector_value} FROM seed_c c
               JOIN seed_tpl tp ON tp.i = c.tpl""".format(
                **self._vector_on("workflows_challengesearch", "vector"))
        )
        # The transition log: one row per step of the challenge's path, evenly spread from
        # filing to the entry into its state; filing by the reporter, closing by a
        # coordinator, the rest by a member of the group.
        self._sql(
            """INSERT INTO workflows_transitionlog (transition, from_state, to_state, at, note,
                 actor_id, challenge_id, inputs)
               SELECT s.transition, s.from_state, s.to_state,
                 CASE WHEN s.n = 1 THEN c.created
                      ELSE c.created + (c.entered - c.created) * ((s.k - 1)::float8 / (s.n - 1))
                 END,
                 '', CASE s.transition WHEN 'file' THEN c.reporter WHEN 'close' THEN r.coordinator
                   ELSE c.member END, c.id, '{}'::jsonb
               FROM seed_c c JOIN seed_step s ON s.path = c.path, seed_ref r
               ORDER BY c.id, s.k"""
        )
        self._sql(
            """INSERT INTO workflows_event (kind, created_at, notified_at, actor_id, challenge_id,
                 transition_log_id)
               SELECT CASE WHEN l.transition = 'file' THEN 'challenge_filed' ELSE 'transition' END,
                 l.at, l.at, l.actor_id, l.challenge_id, l.id
               FROM workflows_transitionlog l WHERE l.id > %(max_transitionlog)s ORDER BY l.id""",
            p,
        )
        # The records the steps produced.
        self._sql(
            """INSERT INTO workflows_analysis (root_causes, affected, created_at, author_id,
                 challenge_id)
               SELECT tp.root, 'Fachkräfte aus dem Ausland und ihre Arbeitgeber',
                 c.created + (c.entered - c.created) * 0.25, c.member, c.id
               FROM seed_c c JOIN seed_tpl tp ON tp.i = c.tpl
               WHERE c.path NOT IN ('reported', 'closed_r')"""
        )
        self._sql(
            """INSERT INTO workflows_approach (title, description, selected, created_at,
                 author_id, challenge_id)
               SELECT 'Lotsenprogramm mit festen Ansprechpartnern',
                 'Ein fester Ansprechpartner begleitet das Verfahren vom Antrag bis zum Bescheid.',
                 true, c.created + (c.entered - c.created) * 0.5, c.member, c.id
               FROM seed_c c
               WHERE c.state IN ('approach_proposed', 'trialled', 'evaluated')"""
        )
        self._sql(
            """INSERT INTO workflows_trial (plan, start, planned_end, status, abandoned_reason,
                 created_at, approach_id, author_id, challenge_id)
               SELECT 'Sechs Monate mit zwei Partnern', (c.created + (c.entered - c.created) * 0.75)::date,
                 CASE WHEN c.state = 'trialled' AND (c.g::bigint * 37) %% 100 < %(stale)s
                      THEN c.entered::date + 10 ELSE c.entered::date + 180 END,
                 CASE WHEN c.state = 'evaluated' THEN 'evaluated' ELSE 'running' END, '',
                 c.created + (c.entered - c.created) * 0.75, a.id, c.member, c.id
               FROM seed_c c JOIN workflows_approach a
                 ON a.challenge_id = c.id AND a.id > %(max_approach)s
               WHERE c.state IN ('trialled', 'evaluated')""",
            p,
        )
        self._sql(
            """INSERT INTO workflows_trial_partners (trial_id, organisation_id)
               SELECT t.id, c.org FROM seed_c c JOIN workflows_trial t
                 ON t.challenge_id = c.id AND t.id > %(max_trial)s""",
            p,
        )
        self._sql(
            """INSERT INTO workflows_evaluation (outcome, evidence, lessons_learned, created_at,
                 author_id, challenge_id, trial_id)
               SELECT (ARRAY['successful', 'partly', 'not_successful'])[1 + c.g %% 3],
                 'Bearbeitungszeit von zwölf auf sechs Wochen gesenkt',
                 'Früh alle Beteiligten an einen Tisch holen', c.entered, c.member, c.id, t.id
               FROM seed_c c JOIN workflows_trial t
                 ON t.challenge_id = c.id AND t.id > %(max_trial)s
               WHERE c.state = 'evaluated'""",
            p,
        )
        # Every other challenge has a comment by its reporter, with its event.
        self._sql(
            """INSERT INTO workflows_comment (body, created_at, author_id, challenge_id)
               SELECT 'Bei uns ist es genauso, wir unterstützen gern.',
                 c.created + (c.entered - c.created) * 0.6, c.reporter, c.id
               FROM seed_c c WHERE c.g %% 2 = 0"""
        )
        self._sql(
            """INSERT INTO workflows_event (kind, created_at, notified_at, actor_id, challenge_id,
                 comment_id)
               SELECT 'comment', m.created_at, m.created_at, m.author_id, m.challenge_id, m.id
               FROM workflows_comment m WHERE m.id > %(max_comment)s""",
            p,
        )
        # Reporters follow their challenges; the first coordinator one in a thousand.
        self._sql(
            """INSERT INTO workflows_follow (created_at, challenge_id, user_id)
               SELECT c.created, c.id, c.reporter FROM seed_c c
               UNION ALL
               SELECT c.created, c.id, r.coordinator FROM seed_c c, seed_ref r
               WHERE c.g %% 1000 = 0 AND c.reporter <> r.coordinator"""
        )
        # A sent notification for every fifth challenge (the outbox keeps sent rows).
        self._sql(
            """INSERT INTO notifications_outgoingmail (kind, key, to_email, subject, body_text,
                 body_html, headers, attachments, status, attempts, last_error, created_at,
                 sent_at, recipient_id)
               SELECT 'event', 'scale:' || c.id, u.email, 'Neuer Stand: ' || left(tp.title, 200),
                 tp.description, '', '{}'::jsonb, '[]'::jsonb, 'sent', 1, '', c.entered, c.entered,
                 c.reporter
               FROM seed_c c JOIN seed_tpl tp ON tp.i = c.tpl JOIN core_user u ON u.id = c.reporter
               WHERE c.g %% 5 = 0"""
        )

    def _search_vocabulary(self, templates: int) -> None:
        # In how many challenges each term occurs: template i is used by every g ≡ i (mod T).
        documents: Counter[str] = Counter()
        for i, all_terms in enumerate(self.template_terms):
            uses = self.n // templates + (1 if 0 < i <= self.n % templates else 0)
            for term in all_terms:
                documents[term[:100]] += uses
        documents[""] += self.n
        self.cur.executemany(
            """INSERT INTO workflows_searchterm (scope, term, documents)
               VALUES ('challenge', %s, %s)
               ON CONFLICT (scope, term)
               DO UPDATE SET documents = workflows_searchterm.documents + EXCLUDED.documents""",
            sorted(documents.items()),
        )
        self._say(f"search vocabulary: {len(documents):,} terms")

    def _backfill(self) -> None:
        """What later schema added, filled set-based from the rows already there: a missing
        search vector on the challenge row from the stored terms, and the statistics' stays
        and daily rollups from the transition log (``workflows.stats_rollup``)."""
        self._vector_on("workflows_challenge", "search_vector")
        if "workflows_challenge.search_vector" in self._columns:
            filled = self._sql(
                """UPDATE workflows_challenge c SET search_vector =
                     setweight(to_tsvector('simple', s.title_terms), 'A')
                     || setweight(to_tsvector('simple', s.terms), 'C')
                   FROM workflows_challengesearch s
                   WHERE s.challenge_id = c.id AND c.search_vector IS NULL""")
            self._say(f"search vectors filled: {filled:,}")
        try:
            from workflows import stats_rollup
        except ImportError:  # a schema before the statistics rollup
            return
        if self._count("workflows_challengestay") != self._count("workflows_transitionlog"):
            stays = stats_rollup.backfill_stays()  # the migration's backfill did not run
            self._say(f"statistics: {stays:,} stays")
        done = stats_rollup.refresh(rebuild=True)
        self._say(f"statistics rollup: {done}")
        # VACUUM too: freshly loaded tables have an empty visibility map, so "index-only" scans
        # still read every heap page and the benchmarks would measure that, not the product.
        self._sql("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self._say("vacuumed and analysed")

    def _finish(self) -> None:
        for table in ("core_user", "core_organisation", "workflows_challenge"):
            self._sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        self._say("analysing tables")
        self._sql("ANALYZE")
