"""The monthly 工作通报 (progress circular) of an organisation: its title, the month's headline figures, the children's
table, the red list with the responsible units, the reporting roll (late or missing) and the published ranking — as a
.docx (python-docx) and as a PDF (WeasyPrint, Noto CJK), both written from the same ``contents``.

It reads what the 工作台 reads (``figures.board``, cached) and, for the month, the report states and published scores
the apps store; nothing is recomputed. Provisional scores never appear (``published_scores`` reads published runs
only). Its charts are PNG images drawn by ``chart_images`` from the same chart data as the 工作台's, placed alike in
both files. A circular made is kept (``services.circular_file``) with the ``stamp`` of what it was made from, and
served again while that stamp holds; Celery beat makes and announces them after a month's scores are published.
"""
import base64
import datetime
import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.selectors import published_scores
from core import months
from core.dates import parse_month
from orgs.models import Organization
from plans.choices import Light
from plans.selectors import days_behind, lagging
from reports import grid
from reports.choices import ReportStatus
from reports.models import MonthlyReport

from . import chart_images, figures
from .charts import grade_label

RED_LIST_LENGTH = 200
ROLL_LENGTH = 300
RANKING_LENGTH = 300
LAYOUT = "2"  # raised when what a circular says or shows changes: every stored copy is then made again
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WIDTH_CM = 26.0  # the text's width on an A4 landscape page with 1.8 cm margins
SCALE = 0.98  # two small charts and the space between them on one line


def circular_month(value, year_of=None, today=None):
    """The month of a circular from ``?month=YYYY-MM`` (default: the month being reported on now): a month that has
    been reported on, from January of last year; ValidationError otherwise."""
    today = today or timezone.localdate()
    latest = figures.reporting_month(today.year, today)
    if value in (None, ""):
        return latest
    month = parse_month(value)
    if month > latest or month.year < today.year - 1:
        raise ValidationError(_("A circular covers a month already reported on, from January of last year to %(m)s.")
                              % {"m": f"{latest:%Y-%m}"})
    return month


def _pct(value):
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _rate(value):
    return "—" if value is None else f"{value}%"


def _points(value):
    return "—" if value is None else f"{value:.2f}"


def _hours(value):
    return "—" if value is None else f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def _light(light):
    return str(Light(light).label) if light else "—"


def contents(organization, month, user, today=None):
    """Everything the circular says, as plain rows of text (the .docx and the PDF write the same)."""
    today = today or timezone.localdate()
    board = figures.board(organization, month.year, user, today)
    subtree = Organization.objects.within(organization).restrict(user)
    (reporting,) = grid.month_columns(subtree, [month], today)
    by_child = grid.columns_by_child(organization, month, today)
    child_ids = [row["pk"] for row in board["children"]]

    # the month's published scores: of the children for their table, of the whole subtree for the ranking
    month_scores = {}
    for score in published_scores(child_ids, month.year, user).filter(run__month=month):
        month_scores.setdefault(score["organization_id"], score)
    ranking, seen = [], set()
    ranked = (published_scores(subtree.values("pk"), month.year, user).filter(run__month=month)
              .values("organization__name", "organization_id", "total", "rank", "grade", "run__scheme_id",
                      "run__scheme__title", "run__version")
              .order_by("run__scheme__title", "run__scheme_id", "-run__version", "rank", "organization__path"))
    for score in ranked[:RANKING_LENGTH * 2]:
        key = (score["run__scheme_id"], score["organization_id"])
        if key in seen:  # an older published version of the same month
            continue
        seen.add(key)
        ranking.append([score["run__scheme__title"], str(score["rank"]), score["organization__name"],
                        _points(score["total"]), grade_label(score["grade"])])
    ranking = ranking[:RANKING_LENGTH]

    red = lagging(organization, month.year, user).filter(light=Light.RED)
    red_rows = [[a.organization.name, a.target.metric if a.target else a.point.title,
                 a.point.lead_department.name if a.point.lead_department else "—", a.point.responsible_person or "—",
                 f"{_pct(a.completion)} / {_pct(a.expected)}", str(days_behind(a, today) or "—")]
                for a in red[:RED_LIST_LENGTH]]
    red_count = red.count()

    late = (MonthlyReport.objects.restrict(user)
            .filter(organization__path__startswith=organization.path, month=month, days_late__gt=0)
            .exclude(status=ReportStatus.DRAFT).select_related("organization").order_by("organization__path"))
    missing = grid.missing_reports(subtree, month, today)
    roll = ([[r.organization.name, _("Late"), _("%(n)s days") % {"n": r.days_late},
              f"{timezone.localtime(r.submitted_at):%Y-%m-%d}" if r.submitted_at else "—"]
             for r in late[:ROLL_LENGTH]]
            + [[o.name, _("Missing"), "—", f"{months.due_date(month, o.due_day):%Y-%m-%d}"]
               for o in missing[:ROLL_LENGTH]])

    head, score, volunteers = board["headline"], board["score"], board["volunteers"]
    headline = [
        [_("Overall completion"), _pct(head["completion"]), _light(head["light"])],
        [_("Expected progress (时序进度)"), _pct(head["expected"]), ""],
        [_("Targets: red / yellow / green / done / not started"),
         " / ".join(str(head["lights"].get(light, 0)) for light in
                    (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE, Light.NOT_STARTED)), ""],
        [_("Reports due"), str(reporting.due), f"{month:%Y-%m}"],
        [_("Reports submitted"), str(reporting.sent), f"{month:%Y-%m}"],
        [_("Reports late"), str(reporting.late), f"{month:%Y-%m}"],
        [_("Reports missing"), str(reporting.missing), f"{month:%Y-%m}"],
        [_("Submission rate"), _rate(reporting.rate), f"{month:%Y-%m}"],
        [_("Latest published score"), _points(score["total"]) if score else "—",
         f"{score['scheme']} · {score['month']:%Y-%m} · " + _("rank %(rank)s") % {"rank": score["rank"]}
         + f" · {grade_label(score['grade'])}" if score else ""],
        [_("Average published score of the child organisations"), _points(board["children_average"]),
         _("%(n)s scored") % {"n": board["children_scored"]}],
        [_("League members registered as volunteers"),
         "—" if volunteers["share"] is None else f"{volunteers['share']}%", ""],
        [_("Confirmed volunteer hours"), _hours(volunteers["hours"]), f"{volunteers['month']:%Y-%m}"],
    ]
    child_paths = dict(Organization.objects.filter(pk__in=child_ids).values_list("pk", "path"))
    children = []
    for row in board["children"]:
        column = by_child.get(child_paths.get(row["pk"]))
        s = month_scores.get(row["pk"])
        children.append([row["name"], f"{_pct(row['completion'])} / {_pct(row['expected'])}", _light(row["light"]),
                         str(row["red"]), str(row["yellow"]), _rate(column.rate if column else None),
                         _points(s["total"]) if s else "—", str(s["rank"]) if s else "—",
                         _hours(row["volunteer_hours"])])
    return {
        "charts": chart_images.draw(board, month),
        "title": _("%(name)s work circular (%(year)s-%(month)02d)") % {
            "name": organization.name, "year": month.year, "month": month.month},
        "organization": organization.name, "month": month, "made": timezone.localtime(),
        "headline_columns": [_("Figure"), _("Value"), _("Note")], "headline": headline,
        "children_columns": [_("Organisation"), _("Completion / expected"), _("Light"), _("Red"), _("Yellow"),
                             _("Submission rate"), _("Score"), _("Rank"), _("Volunteer hours this year")],
        "children": children,
        "red_columns": [_("Organisation"), _("Target"), _("Lead department"), _("Responsible person"),
                        _("Completion / expected"), _("Days behind")],
        "red": red_rows, "red_count": red_count,
        "roll_columns": [_("Organisation"), _("State"), _("Days late"), _("Submitted or due")],
        "roll": roll,
        "ranking_columns": [_("Scheme"), _("Rank"), _("Organisation"), _("Score"), _("Grade")],
        "ranking": ranking,
        "sections": [_("Headline figures"), _("Child organisations"), _("Red targets and responsible units"),
                     _("Reporting roll: late or missing"), _("Published ranking")],
    }


def docx(data) -> bytes:
    """The circular as a Word document: a title, and one heading and table per part."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.8))
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Noto Sans CJK SC", Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")

    charts = data["charts"]

    def pictures(part):
        """The charts of ``part``, the small ones two to a line, each with its title and caption."""
        if charts is None:
            if part == "headline":
                document.add_paragraph(_("The charts are left out: the server has no font with Chinese glyphs "
                                         "(install fonts-noto-cjk). The tables carry the same figures."))
            return
        line = []
        for image in charts[part] + [None]:
            if line and (image is None or sum(i.width_cm for i in line) + image.width_cm > WIDTH_CM):
                titles = document.add_paragraph()
                titles.add_run(" / ".join(i.title for i in line)).bold = True
                pictures_ = document.add_paragraph()
                for i in line:
                    pictures_.add_run().add_picture(io.BytesIO(i.png), width=Cm(i.width_cm * SCALE))
                caption = document.add_paragraph()
                caption.add_run(" ".join(i.caption for i in line)).italic = True
                line = []
            if image is not None:
                line.append(image)

    document.add_heading(data["title"], level=0)
    document.add_paragraph(_("Issued on %(when)s") % {"when": f"{data['made']:%Y-%m-%d}"})

    def table(heading, columns, rows, empty, note="", part=None):
        document.add_heading(heading, level=1)
        if note:
            document.add_paragraph(note)
        if part:
            pictures(part)
        if not rows:
            document.add_paragraph(empty)
            return
        grid_ = document.add_table(rows=1, cols=len(columns))
        grid_.style = "Table Grid"
        for cell, text in zip(grid_.rows[0].cells, columns, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, text in zip(grid_.add_row().cells, row, strict=True):
                cell.text = text

    headings = data["sections"]
    table(f"一、{headings[0]}", data["headline_columns"], data["headline"], "")
    pictures("headline")
    table(f"二、{headings[1]}", data["children_columns"], data["children"], _("No child organisations."),
          part="children")
    table(f"三、{headings[2]}", data["red_columns"], data["red"], _("No target is red."),
          _("%(n)s red targets.") % {"n": data["red_count"]})
    table(f"四、{headings[3]}", data["roll_columns"], data["roll"], _("Every report came in on time."))
    table(f"五、{headings[4]}", data["ranking_columns"], data["ranking"], _("No score published for the month."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf(data) -> bytes:
    """The circular as an A4 landscape PDF (HTML through WeasyPrint, in Noto CJK)."""
    from weasyprint import HTML

    charts = data["charts"]
    figures_ = {part: [{"image": image, "src": "data:image/png;base64," + base64.b64encode(image.png).decode()}
                       for image in images] for part, images in (charts or {}).items()}
    html = render_to_string("dashboard/circular_pdf.html", {"c": data, "figures": figures_,
                                                            "no_charts": charts is None})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def stamp(organization, month, today=None):
    """What a circular of ``organization`` and ``month`` made now would be made from: the latest changes in its
    subtree and its year's published scores (``figures.subtree_stamp``, one query), the day (时序进度, days behind
    and who is missing move with it) and the layout's version. A stored copy with another stamp is made again."""
    today = today or timezone.localdate()
    made_from = f"{LAYOUT}:{month:%Y-%m}:{today.isoformat()}:{figures.subtree_stamp(organization, month.year)}"
    return hashlib.sha1(made_from.encode()).hexdigest()


def content_type(kind):
    return "application/pdf" if kind == "pdf" else DOCX_TYPE


def render(organization, month, user, kind, today=None):
    """(bytes, file name, content type) of the circular as ``kind`` ("docx" or "pdf"), in Chinese."""
    with translation.override("zh-hans"):
        data = contents(organization, month, user, today)
        name = _("work-circular-%(code)s-%(month)s.%(kind)s") % {
            "code": organization.code, "month": f"{month:%Y-%m}", "kind": kind}
        return (pdf(data) if kind == "pdf" else docx(data)), name, content_type(kind)


def months_offered(today=None):
    """The months a circular can be asked for, the newest first (the download's choice)."""
    today = today or timezone.localdate()
    latest = figures.reporting_month(today.year, today)
    found, month = [], latest
    while month.year >= today.year - 1:
        found.append(month)
        month = months.month_start(month - datetime.timedelta(days=1))
    return found
