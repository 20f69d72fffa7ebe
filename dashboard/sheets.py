"""The 工作台 as an Excel summary: one sheet per part (headline figures, children, lagging targets, reports by
month, scores by month, sections), each printed by core.spreadsheets.print_layout (A4 landscape fitted to the page
width, its title and header rows on every page, page numbers). Written through core.spreadsheets' cell factory,
so no text ever becomes a formula."""
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.spreadsheets import cell, fitting_height, new_workbook, print_layout, workbook_bytes
from plans.choices import Light

from .charts import grade_label

PERCENT = "0.0%"
POINTS = "0.00"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _styles():
    return {
        "dash_title": NamedStyle(name="dash_title", font=Font(bold=True, size=14)),
        "dash_head": NamedStyle(name="dash_head", font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"),
                                border=BORDER, alignment=Alignment(horizontal="center", vertical="center",
                                                                   wrap_text=True)),
        "dash_cell": NamedStyle(name="dash_cell", border=BORDER, alignment=Alignment(vertical="center",
                                                                                     wrap_text=True)),
    }


def _sheet(workbook, title, heading, columns):
    """A sheet set up for printing, with its title row and header row: ``columns`` are (header, width)."""
    ws = workbook.create_sheet(title[:31])
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    print_layout(ws, title_rows=(1, 2))
    height = fitting_height([(header, width) for header, width in columns], bold=True)
    if height:
        ws.row_dimensions[2].height = height
    ws.freeze_panes = "A3"
    ws.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    ws.append([cell(ws, heading, "dash_title")] + [None] * (len(columns) - 1))
    ws.append([cell(ws, header, "dash_head") for header, _width in columns])
    return ws


def _row(ws, values):
    """A row of (value, number format or None)."""
    ws.append([cell(ws, value, "dash_cell", number_format=fmt) for value, fmt in values])


def _light(light):
    return str(Light(light).label) if light else ""


def summary(board) -> bytes:
    organization, year = board["organization"], board["year"]
    name = organization["name"]
    workbook = new_workbook(_styles())
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    # the headline figures
    ws = _sheet(workbook, _("Overview"), _("%(name)s · dashboard %(year)s (as of %(when)s)") % {
        "name": name, "year": year, "when": made}, [(_("Figure"), 36), (_("Value"), 18), (_("Note"), 40)])
    head, reporting, score = board["headline"], board["reporting"], board["score"]
    _row(ws, [(_("Overall completion"), None), (head["completion"], PERCENT), (_light(head["light"]), None)])
    _row(ws, [(_("Expected progress (时序进度)"), None), (head["expected"], PERCENT), ("", None)])
    for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE, Light.NOT_STARTED):
        _row(ws, [(_("Targets: %(light)s") % {"light": _light(light)}, None), (head["lights"].get(light, 0), None),
                  ("", None)])
    month = f"{reporting['month']:%Y-%m}"
    for label, key in ((_("Reports due"), "due"), (_("Reports submitted"), "sent"), (_("Reports late"), "late"),
                       (_("Reports missing"), "missing")):
        _row(ws, [(label, None), (reporting[key], None), (month, None)])
    _row(ws, [(_("Submission rate"), None), (None if reporting["rate"] is None else reporting["rate"] / 100, PERCENT),
              (month, None)])
    if score:
        _row(ws, [(_("Latest published score"), None), (score["total"], POINTS),
                  (f"{score['scheme']} · {score['month']:%Y-%m}", None)])
        _row(ws, [(_("Rank"), None), (score["rank"], None),
                  (_("of %(n)s") % {"n": score["group_size"]} if score["group_size"] else "", None)])
        _row(ws, [(_("Grade"), None), (grade_label(score["grade"]), None), ("", None)])
    _row(ws, [(_("Average published score of the child organisations"), None), (board["children_average"], POINTS),
              (_("%(n)s scored") % {"n": board["children_scored"]}, None)])

    # the children compared
    ws = _sheet(workbook, _("Child organisations"), _("%(name)s · child organisations") % {"name": name}, [
        (_("Code"), 16), (_("Organisation"), 30), (_("Completion"), 11), (_("Expected progress"), 11),
        (_("Light"), 9), (_("Red"), 7), (_("Yellow"), 7), (_("Submission rate"), 11), (_("Score"), 9),
        (_("Rank"), 7)])
    for row in board["children"]:
        _row(ws, [(row["code"], None), (row["name"], None), (row["completion"], PERCENT), (row["expected"], PERCENT),
                  (_light(row["light"]), None), (row["red"], None), (row["yellow"], None),
                  (None if row["report_rate"] is None else row["report_rate"] / 100, PERCENT),
                  (row["score"], POINTS), (row["rank"], None)])

    # the targets behind
    ws = _sheet(workbook, _("Red and yellow"), _("%(name)s · red and yellow targets (%(n)s)") % {
        "name": name, "n": board["lagging_count"]}, [
        (_("Organisation"), 26), (_("Target"), 30), (_("Plan"), 26), (_("Lead department"), 14),
        (_("Responsible person"), 12), (_("Light"), 9), (_("Completion"), 11), (_("Expected progress"), 11),
        (_("Days behind"), 9)])
    for row in board["lagging"]:
        _row(ws, [(row["organization"]["name"], None), (row["what"], None), (row["plan"], None),
                  (row["department"], None), (row["person"], None), (_light(row["light"]), None),
                  (row["completion"], PERCENT), (row["expected"], PERCENT), (row["days_behind"], None)])

    # reports and scores month by month, and the sections
    ws = _sheet(workbook, _("Reports by month"), _("%(name)s · monthly reports %(year)s") % {
        "name": name, "year": year}, [(_("Month"), 10), (_("Due"), 8), (_("Submitted"), 10), (_("Late"), 8),
                                      (_("Missing"), 8), (_("Submission rate"), 11)])
    for row in board["report_months"]:
        _row(ws, [(f"{row['month']:%Y-%m}", None), (row["due"], None), (row["sent"], None), (row["late"], None),
                  (row["missing"], None), (None if row["rate"] is None else row["rate"] / 100, PERCENT)])
    ws = _sheet(workbook, _("Scores by month"), _("%(name)s · published scores %(year)s") % {
        "name": name, "year": year}, [(_("Month"), 10), (_("Score"), 9), (_("Rank"), 7),
                                      (_("Average of the child organisations"), 16)])
    for row in board["trend"]:
        _row(ws, [(f"{row['month']:%Y-%m}", None), (row["total"], POINTS), (row["rank"], None),
                  (row["children_average"], POINTS)])
    ws = _sheet(workbook, _("Sections"), _("%(name)s · completion by section") % {"name": name}, [
        (_("Plan"), 30), (_("Section"), 36), (_("Completion"), 11), (_("Expected progress"), 11), (_("Light"), 9)])
    for row in board["sections"]:
        _row(ws, [(row["plan"], None), (row["title"], None), (row["completion"], PERCENT),
                  (row["expected"], PERCENT), (_light(row["light"]), None)])
    return workbook_bytes(workbook)
