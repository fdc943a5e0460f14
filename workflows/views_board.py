"""The board: one column per state, and moving a card on it: by drag and drop (``static/js/board.js``) or by the card's own
menu of next steps (keyboard, no JavaScript needed). A move runs the same step as the
challenge page: it opens the step's form (every step asks for input) and comes back to the
board; a move the step would refuse is refused with the message the API would give."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.pagination import GLANCE_BOUND, bounded_counts

from . import selectors, services
from .models import Challenge, State, days_in_state_words
from .search import saved_views
from .transitions import TRANSITIONS

BOARD_COLUMN_SIZE = 30
STATE_LABELS = dict(State.choices)


@login_required
def challenge_board(request: HttpRequest) -> HttpResponse:
    """One column per state; each shows the challenges that waited longest first."""
    form, qs, _prepared = saved_views.filtered_challenges(request.user, request.GET)
    states = [state for state, _label in State.choices]
    # Bounded per column (one query): a GROUP BY would count every visible challenge.
    counts = bounded_counts({state: qs.filter(state=state) for state in states})
    cards_of = selectors.first_of_each_state(qs, states, size=BOARD_COLUMN_SIZE)
    cards = [card for state in states for card in cards_of[state]]
    # Addresses reversed once per page, each card filling in its own id (card_links).
    links = CardLinks()
    for card, specs in zip(cards, selectors.allowed_transitions_for_each(request.user, cards)):
        links.fill(card, specs)  # the card's own menu of next steps (keyboard moves)
    columns = []
    for state, label in State.choices:
        total = min(counts.get(state, 0), GLANCE_BOUND)
        beyond = counts.get(state, 0) > GLANCE_BOUND
        more = max(total - len(cards_of[state]), 0)
        columns.append(
            {"state": state, "label": label, "cards": cards_of[state],
             "total": f"{total}+" if beyond else total,
             "more": f"{more}+" if beyond else more}
        )
    query = request.GET.copy()
    return render(
        request,
        "workflows/challenge_board.html",
        {"form": form, "columns": columns, "query": query.urlencode()},
    )


PK_MARK = 987654321012345  # an id no challenge has, replaced by each card's own
NAME_MARK = "x-step-mark-x"


class CardLinks:
    """What a card links to, for a page of cards at the cost of a few ``reverse`` calls: each
    address is reversed once with marker arguments and each card's is that string with its id
    (and step) in place of the markers, the same string ``reverse`` gives (ids are digits and
    step names slugs: nothing to quote). The step's label and target are read once per step."""

    def __init__(self) -> None:
        self.detail = reverse("challenge-detail", args=[PK_MARK])
        self.move = {
            state: reverse("challenge-move", args=[PK_MARK, state]) for state in State.values
        }
        self.step = (
            reverse("challenge-step", args=[PK_MARK, NAME_MARK])
            + "?next=" + reverse("challenge-board")
        )
        self.labels: dict[str, str] = {}
        self.days: dict[int, str] = {}

    def fill(self, card: Challenge, specs: list) -> None:
        pk = str(card.pk)
        mark = str(PK_MARK)
        card.detail_url = self.detail.replace(mark, pk)
        card.move_url = self.move[card.state].replace(mark, pk)
        days = card.days_in_state
        if days not in self.days:
            self.days[days] = days_in_state_words(days)
        card.days_label = self.days[days]
        card.steps = []
        for spec in specs:
            if spec.name not in self.labels:
                self.labels[spec.name] = f"{spec.label} → {STATE_LABELS[spec.target]}"
            card.steps.append(
                (spec.name, self.step.replace(mark, pk).replace(NAME_MARK, spec.name),
                 self.labels[spec.name])
            )


def step_to(challenge: Challenge, target: str) -> str | None:
    """The step that leads from the challenge's state to ``target``, if there is one."""
    for transition in challenge.get_all_state_transitions():
        if transition.source != challenge.state or transition.name not in TRANSITIONS:
            continue
        targets = {TRANSITIONS[transition.name].target}
        if transition.name == "reopen":
            targets.add(State.REPORTED)  # reopen resumes where the work done allows
        if target in targets:
            return transition.name
    return None


def step_url(challenge: Challenge, name: str) -> str:
    return (
        reverse("challenge-step", args=[challenge.pk, name])
        + "?"
        + urlencode({"next": reverse("challenge-board")})
    )


@login_required
def challenge_move(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """Move a card to the column ``state``: open the step that leads there, or go back to the
    board with the reason it is refused. ``seen`` is the state the card showed."""
    challenge = selectors.challenges_visible_to(request.user).prefetch_related(None).filter(
        pk=pk
    ).first()
    if challenge is None or state not in State.values:
        raise Http404()
    board = reverse("challenge-board")
    name = step_to(challenge, state)
    if name is None:
        messages.error(
            request,
            _("No step leads from “%(from)s” to “%(to)s”.")
            % {"from": challenge.get_state_display(), "to": STATE_LABELS[state]},
        )
        return redirect(board)
    try:
        services.challenge_check_step(
            actor=request.user, challenge=challenge, name=name,
            expected_state=request.GET.get("seen"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(board)
    return redirect(step_url(challenge, name))
