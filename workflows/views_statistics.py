"""The statistics page for the network meeting: a time window, charts (server-rendered SVG,
each with its data table) and a CSV download of every table. Figures come from
``workflows.stats`` (current counts) and ``workflows.stats_window`` (the window), the same as
the API's ``/stats/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import MissingInput

from . import stats, stats_web
from .models import State
from .stats_window import WindowStats, window_for, window_stats_for


class WindowForm(forms.Form):
    """``from`` and ``to`` (a keyword in Python, so the fields are added by name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"), required=False, input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To"), required=False, input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["window"] = window_for(data.get("from"), data.get("to"))
            except MissingInput as exc:
                for name, errors in exc.fields.items():
                    for error in errors:
                        self.add_error(name, error)
        return data


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]


def _days(value: float | None) -> Any:
    return "" if value is None else value


def tables(figures: WindowStats) -> dict[str, Table]:
    """Every table of the page, in the order shown; the CSV download serves the same rows."""
    states = [s for s in State]
    out = [
        Table(
            "cumulative_flow", _("Challenges per state at the end of each week"),
            [_("Week ending")] + [str(s.label) for s in states],
            [[w.week_ending] + [w.counts[s.value] for s in states] for w in figures.weeks],
        ),
        Table(
            "cycle_time", _("Cycle time per state (days)"),
            [_("State"), _("Completed stays"), _("Median"), _("80th percentile")],
            [[d.label, d.count, _days(d.median_days), _days(d.p80_days)]
             for d in figures.cycle_time],
        ),
        Table(
            "waiting_time", _("Waiting time per state at the end of the window (days)"),
            [_("State"), _("Challenges waiting"), _("Median"), _("80th percentile")],
            [[d.label, d.count, _days(d.median_days), _days(d.p80_days)]
             for d in figures.waiting_time],
        ),
        Table(
            "throughput", _("Filed and finished per week"),
            [_("Week ending"), _("Filed"), _("Finished (evaluated or closed)")],
            [[w.week_ending, w.filed, w.finished] for w in figures.weeks],
        ),
    ]
    for key, title in (
        ("topic", _("By topic")),
        ("region", _("By region")),
        ("organisation", _("By organisation")),
        ("target_group", _("By target group")),
    ):
        out.append(Table(
            key, title, [_("Name"), _("Filed"), _("Finished")],
            [[b.name, b.filed, b.finished] for b in figures.breakdowns[key]],
        ))
    return {t.key: t for t in out}


def _window(request: HttpRequest) -> tuple[WindowForm, Any]:
    form = WindowForm(request.GET or None)
    if form.is_bound:
        if form.is_valid():
            return form, form.cleaned_data["window"]
        return form, None
    return form, window_for(None, None)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Charts for the network meeting, over the challenges the person may see."""
    form, window = _window(request)
    current = stats.challenge_stats_for(request.user)
    if window is None:
        return render(
            request, "workflows/statistics.html",
            {"form": form, "total": current.total, "window": None}, status=400,
        )
    figures = window_stats_for(request.user, window)
    flow_points = [stats_web.FlowPoint(day=w.week_ending, counts=w.counts) for w in figures.weeks]
    state_labels = dict(State.choices)
    flow_order = list(reversed(stats_web.FLOW_ORDER))

    def largest_first(rows):
        return [(b.name, b.filed) for b in sorted(rows, key=lambda b: -b.filed) if b.filed]

    all_tables = tables(figures)
    query = request.GET.urlencode()
    return render(
        request,
        "workflows/statistics.html",
        {
            "form": form,
            "window": window,
            "query": query,
            "total": current.total,
            "filed": figures.filed,
            "finished": figures.finished,
            "flow": stats_web.flow_chart(flow_points),
            "flow_table": all_tables["cumulative_flow"],
            "flow_states": [state_labels[s] for s in flow_order],
            "medians": stats_web.bar_chart(
                [(d.label, d.median_days) for d in figures.cycle_time]
            ),
            "p80s": stats_web.bar_chart([(d.label, d.p80_days) for d in figures.cycle_time]),
            "waiting": stats_web.bar_chart(
                [(d.label, d.median_days) for d in figures.waiting_time]
            ),
            "throughput": stats_web.bar_chart(
                [(formats.date_format(w.week_ending, "SHORT_DATE_FORMAT"), w.finished)
                 for w in figures.weeks]
            ),
            "breakdown_charts": [
                (key, all_tables[key], stats_web.bar_chart(largest_first(figures.breakdowns[key])))
                for key in ("topic", "region", "organisation", "target_group")
            ],
            "tables": all_tables,
        },
    )


@login_required
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the page as CSV (UTF-8 with BOM, so spreadsheet programs read umlauts)."""
    form, window = _window(request)
    if window is None:
        return HttpResponse(
            "\n".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
            status=400, content_type="text/plain; charset=utf-8",
        )
    all_tables = tables(window_stats_for(request.user, window))
    if table not in all_tables:
        raise Http404()
    chosen = all_tables[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{table}-{window.start}-{window.end}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(chosen.header)
    for row in chosen.rows:
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return response
