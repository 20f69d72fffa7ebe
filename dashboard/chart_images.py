"""The 工作通报's charts as PNG images, drawn on the server with matplotlib (Agg) for the .docx and the PDF alike.

Each image draws one chart of ``charts`` (the same data the 工作台's JSON endpoints answer, made from the cached
``figures.board``): nothing is recomputed here, a chart is only cut to the circular's month and, for a long list of
children, to its top and bottom ``CHILDREN_SHOWN`` (the caption says so). The colours are those of
static/js/charts.js. Labels are Chinese, so a CJK font is needed: Noto Sans CJK (Debian's fonts-noto-cjk) or another
one fontconfig knows; without any, no chart is drawn and the circular says why (its tables carry the same figures).

Every image has a fixed size in centimetres at ``DPI``, so a province with hundreds of children costs what a county
with five does. matplotlib is imported on first use (the web process that never writes a circular never loads it).
"""
import functools
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import charts

logger = logging.getLogger(__name__)

# static/js/charts.js's COLOURS, in the same order (a test compares the two)
COLOURS = ["#c8161d", "#2f6fb0", "#e07b39", "#3a9d5d", "#8a5cb8", "#6c757d"]
DPI = 160
CM = 1 / 2.54
CHILDREN_SHOWN = 12  # the top and the bottom 12 children when there are more than twice as many
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                 "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")
PROBE = "工作通报"


@dataclass(frozen=True)
class ChartImage:
    """One chart of the circular: a PNG, its title and caption, and its width on the page in centimetres."""

    name: str
    title: str
    caption: str
    png: bytes
    width_cm: float
    height_cm: float


def _covers_chinese(path):
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in PROBE)


@functools.cache
def cjk_family():
    """The family name of a font with Chinese glyphs that matplotlib can use, or None: the known families first,
    then whatever fontconfig (``fc-match :lang=zh-cn``) offers, if it really has the glyphs."""
    from matplotlib import font_manager

    for family in FONT_FAMILIES:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        if _covers_chinese(path):
            return family
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            path = subprocess.run([fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                                  timeout=10, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            path = ""
        if path and _covers_chinese(path):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                pass
    logger.warning("No font with Chinese glyphs found (install fonts-noto-cjk): the circular has no charts.")
    return None


def _figure(width_cm, height_cm):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    return figure


def _style(axes, family, *, value_axis="y"):
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis=value_axis, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        label.set_fontfamily(family)
    axes.tick_params(labelsize=7.5)


def _png(figure):
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    figure.clear()
    return out.getvalue()


def _rc(family):
    """matplotlib's settings of one drawing: the CJK family for every text, and a hyphen for the minus sign."""
    import matplotlib

    return matplotlib.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False,
                                  "font.size": 8})


def _drawn(data):
    """The series of a chart that the page draws (``charts.DRAWING``), each with its colour of charts.js."""
    wanted = data["draw"]
    return [(s, COLOURS[i % len(COLOURS)]) for i, s in enumerate(s for s in data["series"] if s["key"] in wanted)]


def _legend(axes, drawn, family):
    if len(drawn) > 1:
        axes.legend(prop={"family": family, "size": 7.5}, frameon=False, loc="lower left",
                    bbox_to_anchor=(0, 1.0), ncols=len(drawn), borderaxespad=0.2)


def _until(data, month):
    """A monthly chart cut to the circular's month (the board runs to the month reported on now)."""
    keep = [i for i, c in enumerate(data["categories"]) if c <= f"{month:%Y-%m}"]
    return {**data, "categories": [data["categories"][i] for i in keep],
            "series": [{**s, "data": [s["data"][i] for i in keep]} for s in data["series"]]}


def children_completion(board, family):
    """The children ranked by completion (horizontal bars, the first at the top), with expected progress beside;
    more than twice ``CHILDREN_SHOWN`` children: the top and the bottom ones, and the caption says how many."""
    data = charts.chart(board, "children-completion")
    total = len(data["categories"])
    if not total:
        return None
    index = list(range(total))
    caption = _("%(n)s child organisations, ranked by completion.") % {"n": total}
    if total > 2 * CHILDREN_SHOWN:
        index = index[:CHILDREN_SHOWN] + index[-CHILDREN_SHOWN:]
        caption = _("The %(shown)s highest and the %(shown)s lowest of %(n)s child organisations by completion; "
                    "the table below lists them all.") % {"shown": CHILDREN_SHOWN, "n": total}
    drawn = _drawn(data)
    rows = len(index)
    width, height = 24.0, max(5.5, 2.0 + 0.42 * rows)
    with _rc(family):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        bar = 0.8 / len(drawn)
        for n, (series, colour) in enumerate(drawn):
            values = [series["data"][i] for i in index]
            positions = [r + (n - (len(drawn) - 1) / 2) * bar for r in range(rows)]
            bars = axes.barh(positions, [v or 0 for v in values], height=bar, color=colour, label=series["name"])
            axes.bar_label(bars, labels=["—" if v is None else f"{v:.1f}%" for v in values], fontsize=6.5,
                           padding=2, family=family)
        axes.set_yticks(range(rows), [data["categories"][i] for i in index])
        if total > 2 * CHILDREN_SHOWN:  # a gap line between the top and the bottom
            axes.axhline(CHILDREN_SHOWN - 0.5, color="#999999", linewidth=0.8, linestyle="--")
        axes.invert_yaxis()
        axes.set_xlim(0, max(100.0, *(v or 0 for s, _c in drawn for v in s["data"])) * 1.1)
        axes.xaxis.set_major_formatter("{x:.0f}%")
        _style(axes, family, value_axis="x")
        _legend(axes, drawn, family)
        png = _png(figure)
    return ChartImage("children-completion", data["title"], caption, png, width, height)


def lights(board, family):
    """The plan's targets by light (bars)."""
    data = charts.chart(board, "lights")
    counts = data["series"][0]["data"]
    width, height = 12.5, 7.0
    with _rc(family):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        (series, colour), = _drawn(data)
        bars = axes.bar(data["categories"], counts, color=data.get("colors") or colour, width=0.6)
        axes.bar_label(bars, fontsize=7.5, padding=2, family=family)
        axes.set_ylim(0, max(counts + [1]) * 1.2)
        axes.yaxis.get_major_locator().set_params(integer=True)
        _style(axes, family)
        png = _png(figure)
    return ChartImage("lights", data["title"], _("%(n)s targets in all.") % {"n": sum(counts)}, png, width, height)


def report_rate(board, month, family):
    """The submission rate of the monthly reports, month by month up to the circular's month."""
    data = _until(charts.chart(board, "report-rate"), month)
    if not data["categories"]:
        return None
    width, height = 12.5, 7.0
    with _rc(family):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        (series, colour), = _drawn(data)
        values = series["data"]
        positions = range(len(values))
        bars = axes.bar(positions, [v or 0 for v in values], color=colour, width=0.6)
        axes.set_xticks(positions, [c[5:] for c in data["categories"]])  # the months of one year: 01 … 12
        axes.bar_label(bars, labels=["—" if v is None else f"{v:g}%" for v in values], fontsize=7, padding=2,
                       family=family)
        axes.set_ylim(0, 115)
        axes.set_yticks([0, 25, 50, 75, 100])
        axes.yaxis.set_major_formatter("{x:.0f}%")
        _style(axes, family)
        png = _png(figure)
    return ChartImage("report-rate", data["title"], _("Month by month, %(year)s.") % {"year": month.year}, png,
                      width, height)


def score_trend(board, month, family):
    """The published totals of the organisation and its children's average by month; None when none is published
    (provisional scores never reach the board)."""
    data = _until(charts.chart(board, "score-trend"), month)
    drawn = _drawn(data)
    if not any(v is not None for s, _c in drawn for v in s["data"]):
        return None
    width, height = 25.0, 7.0
    with _rc(family):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        for series, colour in drawn:
            points = [(c, v) for c, v in zip(data["categories"], series["data"], strict=True) if v is not None]
            if not points:
                continue
            xs = [data["categories"].index(c) for c, _v in points]
            axes.plot(xs, [v for _c, v in points], color=colour, marker="o", markersize=3.5, linewidth=1.6,
                      label=series["name"])
            for x, (_c, v) in zip(xs, points, strict=True):
                axes.annotate(f"{v:.2f}", (x, v), textcoords="offset points", xytext=(0, 5), ha="center",
                              fontsize=6.5, family=family, color=colour)
        axes.set_xticks(range(len(data["categories"])), data["categories"])
        axes.set_xlim(-0.5, len(data["categories"]) - 0.5)
        low = min(v for s, _c in drawn for v in s["data"] if v is not None)
        axes.set_ylim(max(0, low - 10), 105)
        _style(axes, family)
        _legend(axes, drawn, family)
        png = _png(figure)
    return ChartImage("score-trend", data["title"], _("Published scores only."), png, width, height)


def draw(board, month):
    """The circular's charts: {"headline": [lights, report rate, score trend], "children": [completion]} (a chart
    with nothing to show is left out), or None when no font with Chinese glyphs is installed."""
    family = cjk_family()
    if family is None:
        return None
    headline = [lights(board, family), report_rate(board, month, family), score_trend(board, month, family)]
    return {"headline": [c for c in headline if c], "children": [c for c in [children_completion(board, family)] if c]}
