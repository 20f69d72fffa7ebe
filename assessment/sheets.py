"""考核评分表: a month's scores as the Excel sheet assessors print, and the year's summary workbook.

Written with openpyxl in write-only mode (rows stream out, memory stays flat for large groups):
a merged title row, the issuing organisation and date, two header rows with each 一级指标 merged
over its 二级指标 (their heights fit the wrapped names), one row per organisation with points, total,
rank and grade, 合计 and 平均 rows, the 制表单位/制表人/审核人/日期 line to sign; frozen panes,
borders, widths, number formats, printed by core.spreadsheets.print_layout (A4 landscape fitted to
the page width, header rows on every page, page numbers); a second sheet holds every explanation.
"""
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.spreadsheets import cell, fitting_height, new_workbook, print_layout, workbook_bytes

from .choices import ItemKind, RunStatus
from .models import AssessmentRun, Score, ScoreItem
from .rules import fmt, ranks

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
POINTS_FORMAT = "0.00"
GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
FIXED = ["序号", "组织编码", "组织名称"]
ITEM_KINDS = {ItemKind.BONUS: "加分", ItemKind.DEDUCTION: "扣分", ItemKind.APPEAL: "申诉调整"}
TAIL = [*ITEM_KINDS.values(), "总分", "排名", "等次"]
FIXED_WIDTHS, LEAF_WIDTH, TAIL_WIDTHS = [6, 16, 30], 12, [8, 8, 9, 9, 7, 8]
TITLE_SIZE = 16


def title_of(run):
    scheme = run.scheme
    name = scheme.title.removeprefix(f"{scheme.year}年")
    return f"{run.month.year}年{run.month.month}月 {scheme.organization.display_name}{name}评分表"


def indicator_tree(scheme):
    """[(一级指标, [二级指标, …])]; a 一级指标 scored by itself is its own only column."""
    indicators = list(scheme.indicators.all())
    tops = [i for i in indicators if i.parent_id is None]
    children = {t.pk: [i for i in indicators if i.parent_id == t.pk] for t in tops}
    return [(top, children[top.pk] or ([top] if top.rule else [])) for top in tops]


def scores_of(run):
    return (Score.objects.filter(run=run).select_related("organization").order_by("rank", "organization__path")
            .prefetch_related(Prefetch("items", queryset=ScoreItem.objects.all())))


STYLES = {
    # name: (font, fill, alignment, border, number format); a named style is set on a cell far faster than its parts
    "title": (Font(bold=True, size=TITLE_SIZE), None, CENTER, None, None),
    "info": (None, None, LEFT, None, None),
    "head": (Font(bold=True), HEADER_FILL, CENTER, BORDER, None),
    "cell": (None, None, CENTER, BORDER, None),
    "text": (None, None, LEFT, BORDER, None),
    "points": (None, None, CENTER, BORDER, POINTS_FORMAT),
    "total": (Font(bold=True), None, CENTER, BORDER, POINTS_FORMAT),
    "sum_label": (Font(bold=True), HEADER_FILL, CENTER, BORDER, None),
    "sign": (None, None, Alignment(horizontal="left", vertical="bottom"), None, None),
}


def _named_styles():
    styles = {}
    for name, (font, fill, alignment, border, number_format) in STYLES.items():
        style = NamedStyle(name=name, alignment=alignment)
        if font:
            style.font = font
        if fill:
            style.fill = fill
        if border:
            style.border = border
        if number_format:
            style.number_format = number_format
        styles[name] = style
    return styles


def _cell(ws, value, style="cell"):
    return cell(ws, value, style)


def _title_rows(ws, title, info, widths):
    """Rows 1 and 2: the title and the line under it, each merged across the table and as high as its text."""
    last, across = get_column_letter(len(widths)), sum(widths)
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.row_dimensions[1].height = fitting_height([(title, across)], font_size=TITLE_SIZE, bold=True)
    height = fitting_height([(info, across)])
    if height:
        ws.row_dimensions[2].height = height
    ws.append([_cell(ws, title, "title")] + [None] * (len(widths) - 1))
    ws.append([_cell(ws, info, "info")] + [None] * (len(widths) - 1))


def _sign_off(ws, organization, width):
    """An empty row, then the line the sheet is signed on: who made it, who made and checked it, and when."""
    ws.append([])
    row = ws.row_count + 1
    ws.merged_cells.add(f"A{row}:{get_column_letter(width)}{row}")
    ws.row_dimensions[row].height = 24
    gap = "\u3000" * 8
    ws.append([_cell(ws, f"制表单位：{organization.name}{gap}制表人：{gap}审核人：{gap}"
                         f"日期：{timezone.localdate():%Y年%m月%d日}", "sign")])


def column_sums(rows):
    """(合计, 平均) of each column of ``rows`` (lists of numbers or None): the average is over the values there are,
    None for a column without any."""
    columns = list(zip(*rows, strict=True)) if rows else []
    sums = [sum(v for v in column if v is not None) if any(v is not None for v in column) else None
            for column in columns]
    counts = [sum(1 for v in column if v is not None) for column in columns]
    return sums, [total / count if count else None for total, count in zip(sums, counts, strict=True)]


def _month_sheet(workbook, run, sheet_title):
    """Write the run's score sheet and its explanations sheet into a write-only workbook."""
    tree = indicator_tree(run.scheme)
    leaves = [leaf for _top, group in tree for leaf in group]
    scores = list(scores_of(run))
    widths = FIXED_WIDTHS + [LEAF_WIDTH] * len(leaves) + TAIL_WIDTHS
    width = len(widths)
    ws = workbook.create_sheet(sheet_title[:31])
    # widths, print setup, heights and frozen panes are declared before the rows stream out
    for index, chars in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = chars
    print_layout(ws, title_rows=(3, 4))
    ws.freeze_panes = "D5"
    when = run.published_at or run.computed_at or timezone.now()
    state = {RunStatus.PUBLISHED: "已公布", RunStatus.SUPERSEDED: "已被新版本替代"}.get(run.status, "暂定，未公布")
    info = (f"发布单位：{run.scheme.organization.name}    日期：{timezone.localtime(when):%Y-%m-%d}    "
            f"版本：v{run.version}（{state}）    满分：{fmt(sum(leaf.max_points for leaf in leaves))}")
    _title_rows(ws, title_of(run), info, widths)
    # two header rows: fixed and tail columns merged down, each 一级指标 merged over its 二级指标
    first, second = [], []
    for label in FIXED:
        first.append(_cell(ws, label, "head"))
        second.append(_cell(ws, None, "head"))
    column = len(FIXED) + 1
    top_texts, leaf_texts = [], []
    for top, group in tree:
        top_text = f"{top.name}（{fmt(top.max_points)}分）"
        top_texts.append((top_text, LEAF_WIDTH * len(group)))
        for position, leaf in enumerate(group):
            first.append(_cell(ws, top_text if position == 0 else None, "head"))
            leaf_texts.append((f"{leaf.name}（{fmt(leaf.max_points)}分）", LEAF_WIDTH))
            second.append(_cell(ws, leaf_texts[-1][0], "head"))
        if len(group) > 1:
            ws.merged_cells.add(f"{get_column_letter(column)}3:{get_column_letter(column + len(group) - 1)}3")
        column += len(group)
    for label in TAIL:
        first.append(_cell(ws, label, "head"))
        second.append(_cell(ws, None, "head"))
    for index in list(range(1, len(FIXED) + 1)) + list(range(width - len(TAIL) + 1, width + 1)):
        letter = get_column_letter(index)
        ws.merged_cells.add(f"{letter}3:{letter}4")
    # the names wrap inside their columns: each header row is as high as its longest name needs
    for row, texts in ((3, top_texts), (4, leaf_texts)):
        ws.row_dimensions[row].height = fitting_height(texts, bold=True) or 20
    ws.append(first)
    ws.append(second)
    figures = []
    for number, score in enumerate(scores, start=1):
        by_indicator = {item.indicator_id: item.points for item in score.items.all() if item.kind == ItemKind.INDICATOR}
        appeal = sum((item.points for item in score.items.all() if item.kind == ItemKind.APPEAL), start=0)
        figures.append([by_indicator.get(leaf.pk) for leaf in leaves]
                       + [score.bonus, -score.deduction, appeal, score.total])
        ws.append(
            [_cell(ws, number), _cell(ws, score.organization.code), _cell(ws, score.organization.name, "text")]
            + [_cell(ws, value, "points") for value in figures[-1][:-1]]
            + [_cell(ws, score.total, "total"), _cell(ws, score.rank), _cell(ws, GRADES.get(score.grade, score.grade))]
        )
    if scores:  # 合计 and 平均 of every points column, over the organisations that have a figure there
        for label, values in zip(("合计", "平均"), column_sums(figures), strict=True):
            row = ws.row_count + 1
            ws.merged_cells.add(f"A{row}:C{row}")
            ws.append([_cell(ws, label, "sum_label"), _cell(ws, None, "sum_label"), _cell(ws, None, "sum_label")]
                      + [_cell(ws, value, "total") for value in values] + [_cell(ws, None), _cell(ws, None)])
    _sign_off(ws, run.scheme.organization, width)
    # the explanations
    notes = workbook.create_sheet(f"{sheet_title}计分说明"[:31])
    for index, chars in enumerate([16, 30, 22, 10, 8, 80], start=1):
        notes.column_dimensions[get_column_letter(index)].width = chars
    notes.freeze_panes = "A2"
    print_layout(notes)
    notes.append([_cell(notes, h, "head") for h in ("组织编码", "组织名称", "指标", "原始数据", "得分", "计分说明")])
    names = {leaf.pk: leaf.name for leaf in leaves}
    for score in scores:  # plain values: this sheet is read on screen, and styling every cell costs seconds
        for item in score.items.all():
            notes.append([score.organization.code, score.organization.name, names.get(item.indicator_id) or ITEM_KINDS[item.kind],
                          item.raw, item.points, item.explanation])
    return scores


def _workbook():
    return new_workbook(_named_styles())


def month_workbook(run) -> bytes:
    workbook = _workbook()
    _month_sheet(workbook, run, f"{run.month.month}月评分表")
    return workbook_bytes(workbook)


def year_workbook(scheme) -> bytes:
    """A sheet per published month and a totals sheet: each organisation's monthly totals, sum, average, rank."""
    workbook = _workbook()
    runs = {}
    for run in AssessmentRun.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED).order_by("month", "-version"):
        runs.setdefault(run.month, run)
    totals, names = {}, {}
    summary = workbook.create_sheet("年度汇总")
    for month, run in sorted(runs.items()):
        for score in _month_sheet(workbook, run, f"{month.month}月"):
            totals.setdefault(score.organization.code, {})[month.month] = score.total
            names[score.organization.code] = score.organization.name
    months = [m.month for m in sorted(runs)]
    widths = [16, 30] + [8] * len(months) + [10, 10, 7]
    for index, chars in enumerate(widths, start=1):
        summary.column_dimensions[get_column_letter(index)].width = chars
    summary.freeze_panes = "C4"
    print_layout(summary, title_rows=(1, 3))
    name = scheme.title.removeprefix(f"{scheme.year}年")
    _title_rows(summary, f"{scheme.year}年 {scheme.organization.display_name}{name}年度汇总",
                f"发布单位：{scheme.organization.name}    已公布月份：{len(months)}个    "
                f"制表日期：{timezone.localdate():%Y-%m-%d}", widths)
    summary.append([_cell(summary, h, "head") for h in ["组织编码", "组织名称", *(f"{m}月" for m in months),
                                                                     "合计", "月均", "排名"]])
    sums = {code: sum(by_month.values()) for code, by_month in totals.items()}
    rank = ranks(sums)
    for code in sorted(totals, key=lambda c: (rank[c], c)):
        by_month = totals[code]
        summary.append([_cell(summary, code), _cell(summary, names[code], "text")]
                       + [_cell(summary, by_month.get(m), "points") for m in months]
                       + [_cell(summary, sums[code], "total"),
                          _cell(summary, sums[code] / len(by_month), "points"), _cell(summary, rank[code])])
    _sign_off(summary, scheme.organization, len(widths))
    return workbook_bytes(workbook)
