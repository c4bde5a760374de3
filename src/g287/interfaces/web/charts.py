"""Trend charts for the place pages: one state's agreements over time, by model.

Server-rendered SVG (no JavaScript, no library): the step lines of
:func:`g287.interfaces.web.pages_svg.timeline_chart`, drawn small (a 420-unit viewBox
whose tick labels stay about 11 px on a 390 px phone), a legend giving each line's value
on the newest list, a ``<title>``/``<desc>`` and the numbers as a table in ``<details>``
(``templates/trend.html``). Only numbers, dates and fixed labels go into the markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from g287.interfaces.web.pages_svg import MODEL_ORDER, Chart, timeline_chart
from g287.query.trends import state_timeline

WIDTH, HEIGHT = 420, 240


@dataclass(frozen=True)
class Trend:
    """A chart and its data, for ``trend.html``."""

    chart: Chart | None
    lists: list[dict[str, Any]]
    models: list[str]  # the models drawn, strongest first
    first: dict[str, Any] | None
    last: dict[str, Any] | None


def trend(lists: list[dict[str, Any]], *, month_label: Any, number: Any) -> Trend:
    """The chart of ``lists`` (each with published_date, total, by_model), oldest first."""
    chart = timeline_chart(
        lists, month_label=month_label, number=number, width=WIDTH, height=HEIGHT
    )
    seen = {m for x in lists for m in x["by_model"]}
    models = [m for m in MODEL_ORDER if m in seen] + sorted(seen - set(MODEL_ORDER))
    return Trend(chart, lists, models, lists[0] if lists else None, lists[-1] if lists else None)


def state_trend(conn: Connection, state: str, *, month_label: Any, number: Any) -> Trend:
    """One state's agreements on every list, as a chart and a table."""
    return trend(state_timeline(conn, state)["lists"], month_label=month_label, number=number)
