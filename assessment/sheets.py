"""考核评分表: a month's scores as the Excel sheet assessors print, and the year's summary workbook.

Written with XlsxWriter in constant-memory mode (each row goes to a temporary file once the next one starts, so
memory stays flat for a province's 10,000 branches): a merged title row, the issuing organisation and date, two
header rows with each 一级指标 merged over its 二级指标 (their heights fit the wrapped names), one row per
organisation with points, total, rank and grade, 合计 and 平均 rows, the 制表单位/制表人/审核人/日期 line to sign;
frozen panes, borders, widths, number formats, printed by core.spreadsheets.print_layout (A4 landscape fitted to
the page width, header rows on every page, page numbers); a second sheet holds every explanation. Scores and
items are read as plain values in one ordered pass, which writes both sheets at once.
"""
from django.utils import timezone

from core.spreadsheets import fitting_height, large_workbook, merge_down, print_layout, write_value

from .choices import ItemKind, RunStatus
from .models import AssessmentRun, Score, ScoreItem
from .rules import fmt, ranks

POINTS_FORMAT = "0.00"
GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
FIXED = ["序号", "组织编码", "组织名称"]
ITEM_KINDS = {ItemKind.BONUS: "加分", ItemKind.DEDUCTION: "扣分", ItemKind.APPEAL: "申诉调整"}
TAIL = [*ITEM_KINDS.values(), "总分", "排名", "等次"]
FIXED_WIDTHS, LEAF_WIDTH, TAIL_WIDTHS = [6, 16, 30], 12, [8, 8, 9, 9, 7, 8]
TITLE_SIZE = 16
_BOX = {"border": 1, "valign": "vcenter", "text_wrap": True}
STYLES = {  # XlsxWriter format properties, one format per kind of cell
    "title": {"bold": True, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter", "text_wrap": True},
    "info": {"align": "left", "valign": "vcenter", "text_wrap": True},
    "head": {"bold": True, "bg_color": "#DDEBF7", "align": "center", **_BOX},
    "cell": {"align": "center", **_BOX},
    "text": {"align": "left", **_BOX},
    "points": {"align": "center", "num_format": POINTS_FORMAT, **_BOX},
    "total": {"bold": True, "align": "center", "num_format": POINTS_FORMAT, **_BOX},
    "sum_label": {"bold": True, "bg_color": "#DDEBF7", "align": "center", **_BOX},
    "sign": {"align": "left", "valign": "bottom"},
    "note": {},  # the 计分说明 sheet: plain cells (text that starts like a formula still marked to stay text)
}


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


def column_sums(rows):
    """(合计, 平均) of each column of ``rows`` (lists of numbers or None): the average is over the values there are,
    None for a column without any."""
    columns = list(zip(*rows, strict=True)) if rows else []
    sums = [sum(v for v in column if v is not None) if any(v is not None for v in column) else None
            for column in columns]
    counts = [sum(1 for v in column if v is not None) for column in columns]
    return sums, [total / count if count else None for total, count in zip(sums, counts, strict=True)]


def _sheet(workbook, name):
    return workbook.add_worksheet(name[:31])


def _formats(workbook):
    """{style: (format, the same marked to stay text)} for write_value()."""
    return {name: (workbook.add_format(props), workbook.add_format({**props, "quote_prefix": True}))
            for name, props in STYLES.items()}


def _put(sheet, formats, row, column, value, style="cell"):
    write_value(sheet, row, column, value, *formats[style], blank=True)


def _title_rows(sheet, formats, title, info, widths):
    """Rows 1 and 2: the title and the line under it, each merged across the table and as high as its text."""
    across = sum(widths)
    sheet.set_row(0, fitting_height([(title, across)], font_size=TITLE_SIZE, bold=True))
    height = fitting_height([(info, across)])
    if height:
        sheet.set_row(1, height)
    for row, text, style in ((0, title, "title"), (1, info, "info")):
        sheet.merge_range(row, 0, row, len(widths) - 1, None, formats[style][0])
        _put(sheet, formats, row, 0, text, style)


def _sign_off(sheet, formats, row, organization, width):
    """After an empty row, the line the sheet is signed on: who made it, who made and checked it, and when."""
    row += 1
    sheet.set_row(row, 24)
    gap = "\u3000" * 8
    sheet.merge_range(row, 0, row, width - 1, None, formats["sign"][0])
    _put(sheet, formats, row, 0, f"制表单位：{organization.name}{gap}制表人：{gap}审核人：{gap}"
                                 f"日期：{timezone.localdate():%Y年%m月%d日}", "sign")


def _scored_rows(run):
    """(score, [its items]) in rank order, read as plain values: the scores in one query, the items streamed in the
    same order by a second one."""
    scores = Score.objects.filter(run=run).order_by("rank", "organization__path", "pk").values_list(
        "pk", "organization__code", "organization__name", "bonus", "deduction", "total", "rank", "grade")
    items = ScoreItem.objects.filter(score__run=run).order_by(
        "score__rank", "score__organization__path", "score_id", *ScoreItem._meta.ordering[1:],
    ).values_list("score_id", "indicator_id", "kind", "raw", "points", "explanation").iterator(chunk_size=5000)
    pending = next(items, None)
    for score in scores:
        own = []
        while pending is not None and pending[0] == score[0]:
            own.append(pending)
            pending = next(items, None)
        yield score, own


def _month_sheet(workbook, formats, run, sheet_title):
    """Write the run's score sheet and its explanations sheet; returns [(code, name, total)] of its scores."""
    tree = indicator_tree(run.scheme)
    leaves = [leaf for _top, group in tree for leaf in group]
    widths = FIXED_WIDTHS + [LEAF_WIDTH] * len(leaves) + TAIL_WIDTHS
    width = len(widths)
    ws = _sheet(workbook, sheet_title)
    notes = _sheet(workbook, f"{sheet_title}计分说明")
    # widths, print setup, heights and frozen panes are declared before the rows stream out
    for index, chars in enumerate(widths):
        ws.set_column(index, index, chars)
    print_layout(ws, title_rows=(3, 4))
    ws.freeze_panes(4, 3)
    when = run.published_at or run.computed_at or timezone.now()
    state = {RunStatus.PUBLISHED: "已公布", RunStatus.SUPERSEDED: "已被新版本替代"}.get(run.status, "暂定，未公布")
    info = (f"发布单位：{run.scheme.organization.name}    日期：{timezone.localtime(when):%Y-%m-%d}    "
            f"版本：v{run.version}（{state}）    满分：{fmt(sum(leaf.max_points for leaf in leaves))}")
    _title_rows(ws, formats, title_of(run), info, widths)
    # two header rows: fixed and tail columns merged down, each 一级指标 merged over its 二级指标
    top_texts, leaf_texts, column = [], [], len(FIXED)
    for top, group in tree:
        top_texts.append((f"{top.name}（{fmt(top.max_points)}分）", LEAF_WIDTH * len(group), column, len(group)))
        leaf_texts += [(f"{leaf.name}（{fmt(leaf.max_points)}分）", LEAF_WIDTH) for leaf in group]
        column += len(group)
    # the names wrap inside their columns: each header row is as high as its longest name needs
    ws.set_row(2, fitting_height([t[:2] for t in top_texts], bold=True) or 20)
    ws.set_row(3, fitting_height(leaf_texts, bold=True) or 20)
    down = list(range(len(FIXED))) + list(range(width - len(TAIL), width))
    for index, label in zip(down, FIXED + TAIL, strict=True):
        _put(ws, formats, 2, index, label, "head")
    for text, _width, first, count in top_texts:
        if count > 1:
            ws.merge_range(2, first, 2, first + count - 1, None, formats["head"][0])
        _put(ws, formats, 2, first, text, "head")
    for index in down:
        merge_down(ws, 2, index, 3)
        _put(ws, formats, 3, index, None, "head")
    for index, (text, _width) in enumerate(leaf_texts, start=len(FIXED)):
        _put(ws, formats, 3, index, text, "head")
    # the explanations sheet, written in the same pass
    for index, chars in enumerate([16, 30, 22, 10, 8, 80]):
        notes.set_column(index, index, chars)
    notes.freeze_panes(1, 0)
    print_layout(notes)
    for index, label in enumerate(("组织编码", "组织名称", "指标", "原始数据", "得分", "计分说明")):
        _put(notes, formats, 0, index, label, "head")
    names = {leaf.pk: leaf.name for leaf in leaves}
    figures, listed, row, note_row = [], [], 3, 0
    for number, ((_pk, code, name, bonus, deduction, total, rank, grade), items) in enumerate(_scored_rows(run), 1):
        by_indicator = {i[1]: i[4] for i in items if i[2] == ItemKind.INDICATOR}
        appeal = sum((i[4] for i in items if i[2] == ItemKind.APPEAL), start=0)
        figures.append([by_indicator.get(leaf.pk) for leaf in leaves] + [bonus, -deduction, appeal, total])
        listed.append((code, name, total))
        row += 1
        values = [(number, "cell"), (code, "cell"), (name, "text"), *((v, "points") for v in figures[-1][:-1]),
                  (total, "total"), (rank, "cell"), (GRADES.get(grade, grade), "cell")]
        for index, (value, style) in enumerate(values):
            _put(ws, formats, row, index, value, style)
        for _score, indicator, kind, raw, points, explanation in items:  # plain values: read on screen
            note_row += 1
            for index, value in enumerate((code, name, names.get(indicator) or ITEM_KINDS[kind], raw, points,
                                           explanation)):
                write_value(notes, note_row, index, value, *formats["note"])
    if figures:  # 合计 and 平均 of every points column, over the organisations that have a figure there
        for label, values in zip(("合计", "平均"), column_sums(figures), strict=True):
            row += 1
            ws.merge_range(row, 0, row, 2, None, formats["sum_label"][0])
            _put(ws, formats, row, 0, label, "sum_label")
            for index, value in enumerate(values, start=len(FIXED)):
                _put(ws, formats, row, index, value, "total")
            _put(ws, formats, row, width - 2, None)
            _put(ws, formats, row, width - 1, None)
    _sign_off(ws, formats, row + 1, run.scheme.organization, width)
    return listed


def month_workbook(run) -> bytes:
    workbook, output = large_workbook()
    _month_sheet(workbook, _formats(workbook), run, f"{run.month.month}月评分表")
    workbook.close()
    output.seek(0)
    return output.read()


def year_workbook(scheme) -> bytes:
    """A sheet per published month and a totals sheet: each organisation's monthly totals, sum, average, rank."""
    workbook, output = large_workbook()
    formats = _formats(workbook)
    runs = {}
    for run in AssessmentRun.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED).order_by("month", "-version"):
        runs.setdefault(run.month, run)
    totals, names = {}, {}
    summary = _sheet(workbook, "年度汇总")  # first in the book, written last (each sheet streams to its own file)
    for month, run in sorted(runs.items()):
        for code, name, total in _month_sheet(workbook, formats, run, f"{month.month}月"):
            totals.setdefault(code, {})[month.month] = total
            names[code] = name
    months = [m.month for m in sorted(runs)]
    widths = [16, 30] + [8] * len(months) + [10, 10, 7]
    for index, chars in enumerate(widths):
        summary.set_column(index, index, chars)
    summary.freeze_panes(3, 2)
    print_layout(summary, title_rows=(1, 3))
    name = scheme.title.removeprefix(f"{scheme.year}年")
    _title_rows(summary, formats, f"{scheme.year}年 {scheme.organization.display_name}{name}年度汇总",
                f"发布单位：{scheme.organization.name}    已公布月份：{len(months)}个    "
                f"制表日期：{timezone.localdate():%Y-%m-%d}", widths)
    for index, label in enumerate(["组织编码", "组织名称", *(f"{m}月" for m in months), "合计", "月均", "排名"]):
        _put(summary, formats, 2, index, label, "head")
    sums = {code: sum(by_month.values()) for code, by_month in totals.items()}
    rank = ranks(sums)
    row = 2
    for code in sorted(totals, key=lambda c: (rank[c], c)):
        by_month = totals[code]
        row += 1
        values = [(code, "cell"), (names[code], "text"), *((by_month.get(m), "points") for m in months),
                  (sums[code], "total"), (sums[code] / len(by_month), "points"), (rank[code], "cell")]
        for index, (value, style) in enumerate(values):
            _put(summary, formats, row, index, value, style)
    _sign_off(summary, formats, row + 1, scheme.organization, len(widths))
    workbook.close()
    output.seek(0)
    return output.read()
