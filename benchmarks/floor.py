"""The floor of the scale benchmark: bare Django views answering the same requests as the
product, each from ONE hand-written SQL query with the same visibility filter, no ORM models,
no serializers, no middleware work beyond Django's own. What the product costs above this is
its own overhead. Bench-only URLconf (``benchmarks.settings``): the product's URLs plus
``/_floor/…``; never part of the product.

Who asks is given as ``?user=<id>`` (the floor does not authenticate: a lookup of a token by
its digest is one indexed read the product pays and the floor does not, noted in the report).
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

# The visibility rule of workflows.permissions.visible_challenges_q in SQL: coordinators see
# everything; others network challenges (if they read the network: every partner, group member
# or stakeholder), their organisations' and their groups' challenges.
VISIBLE = """
  (u.is_coordinator
   OR (c.visibility = 'network' AND (u.is_stakeholder
        OR EXISTS (SELECT 1 FROM core_membership m WHERE m.user_id = u.id)
        OR EXISTS (SELECT 1 FROM core_workinggroup_members w WHERE w.user_id = u.id)))
   OR c.organisation_id IN (SELECT m.organisation_id FROM core_membership m
                            JOIN core_organisation o ON o.id = m.organisation_id
                            WHERE m.user_id = u.id AND o.status = 'admitted')
   OR c.working_group_id IN (SELECT w.workinggroup_id FROM core_workinggroup_members w
                             WHERE w.user_id = u.id))
"""

ROW = """
  {obj}('id', c.id, 'title', c.title, 'state', c.state, 'visibility', c.visibility,
    'state_entered_at', c.state_entered_at, 'created_at', c.created_at,
    'updated_at', c.updated_at,
    'topic', {obj}('id', t.id, 'slug', t.slug, 'name', t.name_de),
    'region', {obj}('id', r.id, 'slug', r.slug, 'name', r.name),
    'organisation', {obj}('id', o.id, 'name', o.name),
    'reporter', {obj}('id', p.id, 'display_name', p.display_name),
    'working_group', CASE WHEN g.id IS NULL THEN NULL
                          ELSE {obj}('id', g.id, 'name', g.name) END,
    'target_groups', (SELECT coalesce({agg}({obj}('id', tg.id, 'slug', tg.slug,
                        'name', tg.name_de)), '[]') FROM workflows_challenge_target_groups ct
                      JOIN core_targetgroup tg ON tg.id = ct.targetgroup_id
                      WHERE ct.challenge_id = c.id))
"""

JOINS = """
  FROM workflows_challenge c
  JOIN core_user u ON u.id = %(user)s
  JOIN core_topic t ON t.id = c.topic_id
  JOIN core_region r ON r.id = c.region_id
  JOIN core_organisation o ON o.id = c.organisation_id
  JOIN core_user p ON p.id = c.reporter_id
  LEFT JOIN core_workinggroup g ON g.id = c.working_group_id
"""


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _row() -> str:
    """The JSON of one challenge row in this database's dialect (PostgreSQL or SQLite)."""
    if _sqlite():
        return ROW.format(obj="json_object", agg="json_group_array")
    return ROW.format(obj="json_build_object", agg="json_agg")


def _json(sql: str, params: dict) -> HttpResponse:
    with connection.cursor() as cur:
        # As text: the bytes go out as the database wrote them (psycopg would parse json).
        cur.execute(sql if _sqlite() else f"SELECT ({sql})::text", params)
        row = cur.fetchone()
    return HttpResponse(row[0] if row and row[0] is not None else "null",
                        content_type="application/json")


def challenge_list(request):
    """A page of 50 newest first; ``offset``, ``search`` (one stored term), ``state``,
    ``topic`` as the product's list."""
    params = {"user": int(request.GET["user"]), "offset": int(request.GET.get("offset", 0)),
              "limit": int(request.GET.get("limit", 50))}
    where = [VISIBLE]
    if "search" in request.GET:
        where.append("c.id IN (SELECT challenge_id FROM workflows_challengesearch "
                     "WHERE terms LIKE %(search)s)")
        params["search"] = f"% {request.GET['search']} %"
    if "state" in request.GET:
        where.append("c.state = %(state)s")
        params["state"] = request.GET["state"]
    if "topic" in request.GET:
        where.append("c.topic_id = %(topic)s")
        params["topic"] = int(request.GET["topic"])
    # The page's ids first (the offset walks ids only), then its rows as JSON.
    if _sqlite():  # the embedded default: the same query in SQLite's JSON functions
        sql = (
            "WITH page AS (SELECT c.id, c.created_at FROM workflows_challenge c "
            f"JOIN core_user u ON u.id = %(user)s WHERE {' AND '.join(where)} "
            "ORDER BY c.created_at DESC, c.id DESC LIMIT %(limit)s OFFSET %(offset)s) "
            "SELECT json_object('results', json(coalesce(json_group_array(json(row)), '[]'))) "
            f"FROM (SELECT {_row()} AS row {JOINS} JOIN page ON page.id = c.id "
            "ORDER BY page.created_at DESC, page.id DESC) rows"
        )
        return _json(sql, params)
    sql = (
        "WITH page AS (SELECT c.id, c.created_at FROM workflows_challenge c "
        f"JOIN core_user u ON u.id = %(user)s WHERE {' AND '.join(where)} "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT %(limit)s OFFSET %(offset)s) "
        "SELECT json_build_object('results', coalesce(json_agg(row ORDER BY created DESC, "
        f"id DESC), '[]')) FROM (SELECT {_row()} AS row, c.created_at AS created, c.id {JOINS} "
        "JOIN page ON page.id = c.id) rows"
    )
    return _json(sql, params)


def challenge_detail(request, pk: int):
    """One challenge with its transition log, comments and changes (the history)."""
    sql = f"""
      SELECT json_build_object('challenge', {_row()},
        'log', (SELECT coalesce(json_agg(json_build_object('transition', l.transition,
                  'from', l.from_state, 'to', l.to_state, 'at', l.at, 'actor', a.display_name,
                  'inputs', l.inputs) ORDER BY l.at, l.id), '[]')
                FROM workflows_transitionlog l JOIN core_user a ON a.id = l.actor_id
                WHERE l.challenge_id = c.id),
        'comments', (SELECT coalesce(json_agg(json_build_object('body', m.body,
                  'at', m.created_at) ORDER BY m.created_at, m.id), '[]')
                FROM workflows_comment m WHERE m.challenge_id = c.id))
      {JOINS} WHERE c.id = %(pk)s AND {VISIBLE}"""
    if _sqlite():
        sql = f"""
      SELECT json_object('challenge', {_row()},
        'log', (SELECT json_group_array(json_object('transition', l.transition,
                  'from', l.from_state, 'to', l.to_state, 'at', l.at, 'actor', l.actor,
                  'inputs', json(l.inputs)))
                FROM (SELECT l.*, a.display_name AS actor FROM workflows_transitionlog l
                      JOIN core_user a ON a.id = l.actor_id WHERE l.challenge_id = c.id
                      ORDER BY l.at, l.id) l),
        'comments', (SELECT json_group_array(json_object('body', m.body, 'at', m.created_at))
                FROM (SELECT * FROM workflows_comment m WHERE m.challenge_id = c.id
                      ORDER BY m.created_at, m.id) m))
      {JOINS} WHERE c.id = %(pk)s AND {VISIBLE}"""
    return _json(sql, {"user": int(request.GET["user"]), "pk": pk})


def stats(request):
    """Counts per state, topic and region of the visible challenges filed in the last year."""
    sql = f"""
      WITH v AS (SELECT c.state, c.topic_id, c.region_id FROM workflows_challenge c
                 JOIN core_user u ON u.id = %(user)s
                 WHERE c.created_at >= now() - interval '1 year' AND {VISIBLE})
      SELECT json_build_object(
        'total', (SELECT count(*) FROM v),
        'by_state', (SELECT json_object_agg(state, n) FROM
                      (SELECT state, count(*) n FROM v GROUP BY state) s),
        'by_topic', (SELECT json_object_agg(topic_id, n) FROM
                      (SELECT topic_id, count(*) n FROM v GROUP BY topic_id) s),
        'by_region', (SELECT json_object_agg(region_id, n) FROM
                      (SELECT region_id, count(*) n FROM v GROUP BY region_id) s))"""
    return _json(sql, {"user": int(request.GET["user"])})


@csrf_exempt
def transition(request, pk: int):
    """The bare step: lock the row, update it, insert the log row, one transaction."""
    user = int(request.GET["user"])
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT state FROM workflows_challenge WHERE id = %s FOR UPDATE", [pk])
        row = cur.fetchone()
        if row is None or row[0] != "reported":
            return JsonResponse({"detail": "conflict"}, status=409)
        cur.execute(
            "UPDATE workflows_challenge SET state = 'analysed', state_entered_at = now(), "
            "updated_at = now() WHERE id = %s", [pk])
        cur.execute(
            "INSERT INTO workflows_transitionlog (transition, from_state, to_state, at, note, "
            "actor_id, challenge_id, inputs) VALUES ('analyse', 'reported', 'analysed', now(), "
            "'', %s, %s, %s)", [user, pk, json.dumps({"bench": True})])
    return JsonResponse({"id": pk, "state": "analysed"})


urlpatterns = [
    path("_floor/challenges/", challenge_list),
    path("_floor/challenges/<int:pk>/", challenge_detail),
    path("_floor/stats/", stats),
    path("_floor/transition/<int:pk>/", transition),
    path("", include("core.urls")),
]
