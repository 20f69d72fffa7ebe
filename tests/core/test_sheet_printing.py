"""core.spreadsheets' writers read back for how they print (page setup, print titles, page numbers, header
heights), the templates' drop-downs, locked header and 说明 sheet, and the streaming writer's memory."""
import datetime
import io
import time
import tracemalloc

from openpyxl import load_workbook

from core.spreadsheets import (
    PAGE_NUMBER_FOOTER,
    Column,
    fitting_height,
    read_table,
    wrapped_lines,
    write_large_xlsx,
    write_xlsx,
)

LONG = "本年度累计开展主题团日活动覆盖团员人数（人次）"
COLUMNS = [Column("组织编码", 14), Column(LONG, 10, "0", kind="whole", minimum=0, maximum=1000),
           Column("组织类型", 10, choices=("团委", "团工委", "团支部")), Column("日期", 12, "yyyy-mm-dd", kind="date")]


def _printed_like_a_report(sheet):
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # XlsxWriter leaves out fitToWidth="1", which is the format's default; openpyxl then reads None
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
    assert sheet.oddFooter.center.text == PAGE_NUMBER_FOOTER and "&P" in PAGE_NUMBER_FOOTER and "&N" in PAGE_NUMBER_FOOTER
    assert sheet.page_margins.bottom > sheet.page_margins.footer  # room for the page number under the table


def test_an_export_prints_landscape_fitted_to_the_width_with_its_header_on_every_page():
    book = load_workbook(io.BytesIO(write_xlsx(COLUMNS, [("A1", 3, "团支部", datetime.date(2026, 5, 1))],
                                               sheet_title="导出")))
    sheet = book.worksheets[0]
    _printed_like_a_report(sheet)
    assert sheet.row_dimensions[1].height > 15 * 4 and sheet["B1"].alignment.wrap_text
    assert book.sheetnames == ["导出"] and not sheet.protection.sheet  # an export is not a template


def test_the_large_writer_prints_the_same_way():
    book = load_workbook(write_large_xlsx(COLUMNS, [("A1", 3, "团支部", datetime.date(2026, 5, 1))],
                                          sheet_title="志愿者"))
    sheet = book.worksheets[0]
    _printed_like_a_report(sheet)
    assert sheet.row_dimensions[1].height > 15 * 4


def test_short_headers_keep_the_default_height():
    book = load_workbook(io.BytesIO(write_xlsx([Column("编码", 10), Column("名称", 30)], [], sheet_title="x")))
    assert book.worksheets[0].row_dimensions[1].height is None


def test_wrapped_text_is_measured_with_chinese_characters_twice_as_wide():
    assert wrapped_lines("一二三四五", 11) == 1 and wrapped_lines("一二三四五六", 11) == 2
    assert wrapped_lines("abcdefghij", 11) == 1 and wrapped_lines("第一行\n第二行", 30) == 2
    # a closing bracket never starts a line: "（20分）" moves down whole rather than leaving "）" alone
    assert wrapped_lines("一二三四（20分）", 11) == 2
    assert fitting_height([("短", 10)]) is None
    assert fitting_height([(LONG, 10)], bold=True) > fitting_height([(LONG, 20)], bold=True) > 15


def test_a_template_has_drop_downs_a_locked_header_free_rows_and_instructions():
    content = write_xlsx(COLUMNS, [("A1", 3, "团支部", None), ("=cmd|' /C calc'!A0", None, None, None)],
                         sheet_title="模板", instructions=["这是组织的导入模板。"])
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    checks = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert checks["C2"].type == "list" and checks["C2"].formula1 == '"团委,团工委,团支部"'
    assert checks["B2"].type == "whole" and (checks["B2"].formula1, checks["B2"].formula2) == ("0", "1000")
    assert checks["D2"].type == "date" and all(v.showErrorMessage and v.error for v in checks.values())
    assert str(checks["C2"].sqref).endswith(f":C{3 + 2000}")  # rows a user adds keep the drop-down
    assert sheet.protection.sheet and not sheet.protection.autoFilter and not sheet.protection.insertRows
    assert sheet["A1"].protection.locked and not sheet["A2"].protection.locked and not sheet["B3"].protection.locked
    assert not sheet.column_dimensions["A"].protection.locked  # cells never written stay editable too
    assert sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix  # still through the cell factory
    assert book.sheetnames == ["模板", "说明"]
    notes = [" ".join(str(v) for v in row if v) for row in book["说明"].iter_rows(values_only=True)]
    assert any("这是组织的导入模板" in line for line in notes) and any("表头" in line for line in notes)
    assert any(line.startswith("组织类型") and "团工委" in line for line in notes)
    assert read_table(io.BytesIO(content)).headers == [c.header for c in COLUMNS]  # the import reads the first sheet


def test_the_generic_writer_streams_twenty_thousand_rows_in_little_memory():
    """Measured in this process with tracemalloc (allocations, not wall time): an ordinary openpyxl workbook
    holds every cell (about 90 MB at this size); the streamed one holds a row and the finished file."""
    columns = [Column(f"第{i}列", 12) for i in range(5)]

    def rows(count):
        for i in range(count):
            yield (i, f"某某街道第{i}团支部", 12.5, datetime.date(2026, 5, 1), None)

    def peak(count):
        tracemalloc.start()
        try:
            started = time.process_time()
            size = len(write_xlsx(columns, rows(count), sheet_title="x"))
            return tracemalloc.get_traced_memory()[1], size, time.process_time() - started
        finally:
            tracemalloc.stop()

    small, _size, _cpu = peak(1_000)
    large, size, cpu = peak(20_000)
    assert large < 12 * 2**20, f"peak {large / 2**20:.1f} MB"
    # ten times the rows: the peak grows by about the file's size, not by the rows held
    assert large - small < size + 4 * 2**20 and cpu < 120
