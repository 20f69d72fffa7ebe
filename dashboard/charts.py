"""The dashboard's charts as data: categories and series, with Chinese labels, made from the cached figures.

The JSON endpoints answer them and the page writes the same data as the accessible table beside each chart, so a
chart and its table can never disagree. Percentages are 0–100 with one decimal; a missing figure is null.
"""
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.choices import Grade
from plans.choices import Light


def pct(fraction):
    return None if fraction is None else round(float(fraction) * 100, 1)


def num(value):
    return None if value is None else float(value)


def _series(key, name, data, unit=""):
    return {"key": key, "name": name, "data": data, "unit": unit}


def _drill(board, rows):
    year = board["year"]
    return [f"{reverse('dashboard:organization', args=[row['code']])}?year={year}" for row in rows]


def sections(board):
    rows = board["sections"]
    return {
        "title": _("Completion by section"), "categories": [r["title"] for r in rows],
        "series": [_series("completion", _("Completion"), [pct(r["completion"]) for r in rows], "%"),
                   _series("expected", _("Expected progress"), [pct(r["expected"]) for r in rows], "%")],
    }


def children_completion(board):
    rows = sorted(board["children"], key=lambda r: (r["completion"] is None, -(r["completion"] or 0), r["code"]))
    return {
        "title": _("Child organisations by completion"), "categories": [r["display_name"] for r in rows],
        "links": _drill(board, rows),
        "series": [_series("completion", _("Completion"), [pct(r["completion"]) for r in rows], "%"),
                   _series("expected", _("Expected progress"), [pct(r["expected"]) for r in rows], "%")],
    }


def children_score(board):
    rows = sorted(board["children"], key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))
    return {
        "title": _("Child organisations by published score"), "categories": [r["display_name"] for r in rows],
        "links": _drill(board, rows),
        "series": [_series("score", _("Score"), [num(r["score"]) for r in rows]),
                   _series("rank", _("Rank"), [r["rank"] for r in rows])],
    }


def score_trend(board):
    rows = board["trend"]
    return {
        "title": _("Published scores by month"), "categories": [f"{r['month']:%Y-%m}" for r in rows],
        "series": [_series("total", _("Score of this organisation"), [num(r["total"]) for r in rows]),
                   _series("rank", _("Rank"), [r["rank"] for r in rows]),
                   _series("children_average", _("Average of the child organisations"),
                           [num(r["children_average"]) for r in rows])],
    }


LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.DONE, Light.NOT_STARTED]
# the colours of the light badges (plans/templatetags/plans.py LIGHT_CLASSES: Bootstrap's danger … secondary)
LIGHT_COLOURS = {Light.RED: "#dc3545", Light.YELLOW: "#ffc107", Light.GREEN: "#198754", Light.DONE: "#0d6efd",
                 Light.NOT_STARTED: "#6c757d"}


def lights(board):
    counts = board["headline"]["lights"]
    return {
        "title": _("Targets by light"), "categories": [str(Light(light).label) for light in LIGHT_ORDER],
        "keys": [str(light) for light in LIGHT_ORDER], "colors": [LIGHT_COLOURS[light] for light in LIGHT_ORDER],
        "series": [_series("count", _("Targets"), [counts.get(light, 0) for light in LIGHT_ORDER])],
    }


def report_rate(board):
    rows = board["report_months"]
    return {
        "title": _("Monthly reports by month"), "categories": [f"{r['month']:%Y-%m}" for r in rows],
        "series": [_series("rate", _("Submission rate"), [r["rate"] for r in rows], "%"),
                   _series("due", _("Due"), [r["due"] for r in rows]),
                   _series("sent", _("Submitted"), [r["sent"] for r in rows]),
                   _series("late", _("Late"), [r["late"] for r in rows]),
                   _series("missing", _("Missing"), [r["missing"] for r in rows])],
    }


def volunteer_hours(board):
    rows = board["volunteer_months"]
    return {
        "title": _("Volunteer hours by month"), "categories": [f"{r['month']:%Y-%m}" for r in rows],
        "series": [_series("hours", _("Confirmed volunteer hours"), [num(r["hours"]) for r in rows])],
    }


CHARTS = {
    "sections": sections,
    "children-completion": children_completion,
    "children-score": children_score,
    "score-trend": score_trend,
    "lights": lights,
    "report-rate": report_rate,
    "volunteer-hours": volunteer_hours,
}

# How each chart is drawn (static/js/charts.js): its kind and the series drawn (the table beside it shows them all).
DRAWING = {
    "sections": ("hbar", ["completion", "expected"]),
    "children-completion": ("hbar", ["completion", "expected"]),
    "children-score": ("hbar", ["score"]),
    "score-trend": ("line", ["total", "children_average"]),
    "lights": ("bar", ["count"]),
    "report-rate": ("bar", ["rate"]),
    "volunteer-hours": ("bar", ["hours"]),
}


def chart(board, name):
    """The chart ``name`` of a board, with its name."""
    kind, draw = DRAWING[name]
    return {"name": name, "kind": kind, "draw": draw, **CHARTS[name](board)}


def grade_label(grade):
    return str(Grade(grade).label) if grade else ""


def table_rows(data):
    """The accessible table of a chart: [(category, link or "", [(value, unit)] per series)]."""
    links = data.get("links") or [""] * len(data["categories"])
    return [(category, links[i], [(s["data"][i], s["unit"]) for s in data["series"]])
            for i, category in enumerate(data["categories"])]
