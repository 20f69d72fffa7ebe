"""Plan documents in, structured plan out: a 工作要点 text or .docx → sections, points, targets.

The output has the shape of the annotated samples (tests/plan_samples/*.expected.json):
``{"title", "year", "sections": [{"number", "title", "points": [{"number", "group", "title",
"text", "targets": [{"text", "metric", "comparator", "value", "unit", "deadline"}]}]}]}``.

Real documents come from web pages: navigation, notices, dates, click counts, copyright lines
and page markers surround the plan. The parser first cleans the text, then reads the numbered
structure (一、 / （一） / 1. 1、 （1） ① / 一是…), then finds quantified commitments in each
point. It never raises on any text and returns the same result for the same input.
"""
import functools
import html
import io
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext_lazy as _

# --- reading -------------------------------------------------------------------------------

MAX_BYTES = 5 * 1024 * 1024
# characters of text, pasted or read from a file: a 工作要点 has some 2,000 to 20,000
MAX_CHARS = 100_000
# Far above any real plan (some 100 points and 50 targets): a text built to hold tens of
# thousands of items would otherwise cost the worker, and the review page that shows each item
# as a form, seconds per request. Items beyond these are left out. (Sections are numbered in
# sequence with at most three numerals, so there are never many.)
MAX_POINTS, MAX_TARGETS = 500, 1000


class DocumentError(Exception):
    """The document cannot be read; the message says why (shown to the user)."""


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 (BOM), else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 10:
        # UTF-16 without a BOM shows a NUL in every other byte of ASCII text
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
        raise DocumentError("binary")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _looks_like_text(text: str) -> bool:
    """Few control characters, and mostly Chinese, ASCII or common punctuation."""
    if not text:
        return False
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    readable = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                   or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f")
    return controls <= len(sample) // 50 and readable >= len(sample) * 0.6


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx, with Word's own list numbering written out where present."""
    from docx import Document

    document = Document(io.BytesIO(data))
    counters: dict[tuple[str, int], int] = {}
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        numbering = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if numbering is not None and numbering.numId is not None and text:
            key = (str(numbering.numId.val), int(numbering.ilvl.val) if numbering.ilvl is not None else 0)
            counters[key] = counters.get(key, 0) + 1
            for other in [k for k in counters if k[0] == key[0] and k[1] > key[1]]:
                del counters[other]  # a new item at one level restarts the levels below it
            n = counters[key]
            text = (f"{to_chinese(n)}、" if key[1] == 0 else f"{n}.") + text
        lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def read_document(name: str, data: bytes) -> str:
    """Text of an uploaded .txt or .docx; DocumentError with a reason for anything else, or the upload
    guard's UploadRejected for a .docx it refuses (damaged, a zip bomb, a DTD)."""
    if len(data) > MAX_BYTES:
        raise DocumentError("too_large")
    if not data.strip():
        raise DocumentError("empty")
    if name.lower().endswith(".docx") or data[:4] == b"PK\x03\x04":
        from core.uploads import check_zip

        check_zip(data, kind=".docx")  # a zip bomb or a DTD is refused before python-docx opens the file
        try:
            text = docx_text(data)
        except Exception as exc:  # python-docx raises many kinds on a damaged file
            raise DocumentError("unreadable_docx") from exc
    else:
        text = decode(data)
        if not _looks_like_text(text):
            raise DocumentError("binary")
    if not text.strip():
        raise DocumentError("empty")
    if len(text) > MAX_CHARS:
        raise DocumentError("too_long")
    return text


# --- scripts ---------------------------------------------------------------------------------


@functools.cache
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified, one character for one (OpenCC's character dictionary, first reading):
    a text keeps its length, so what is found in the simplified reading is found at the same place in
    the original, which is what the user sees and keeps."""
    import opencc

    table = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for row in path.read_text(encoding="utf-8").splitlines():
        traditional, _tab, readings = row.partition("\t")
        simplified = readings.split(" ")[0] if readings else ""
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            table[ord(traditional)] = simplified
    return table


def simplified(text: str) -> str:
    """``text`` read in simplified characters (個 → 个, 萬 → 万, 場 → 场), character for character."""
    return text.translate(_t2s_table())


# --- numbers ---------------------------------------------------------------------------------

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def chinese_to_int(text: str) -> int | None:
    """一 → 1, 十九 → 19, 二十一 → 21, 一百零五 → 105; None when not a numeral."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS and ch not in CN_BIG for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (digit if digit is not None else 1) * CN_UNITS[ch]
            digit = None
        else:
            total += (section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


# --- cleaning --------------------------------------------------------------------------------
#
# Every pattern on this path must be linear on any text a user can send (a digit and 1,500 en
# spaces once held a worker for over a minute): quantifiers next to each other over overlapping
# classes are possessive (*+, ++, {m,n}+), and a number is only tried where a run of digits or
# numerals starts. Patterns are compiled here at module level, where
# tests/plans/test_parser_linear.py finds each one and feeds it adversarial strings; the same
# test refuses a re.* call inside a function.

# what \s matches (str.isspace), but the line break: each becomes one ASCII space before any
# pattern runs, so titles read the same however a page spaced them, and no pattern meets a long
# run of exotic spaces; zero-width characters that web pages carry go altogether
UNICODE_SPACES = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
ZERO_WIDTH = "\u200b\u2060\ufeff"
FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": ".",
                           **dict.fromkeys(UNICODE_SPACES, " "), **dict.fromkeys(ZERO_WIDTH, None)})
SPACE_RUN = re.compile(r" {2,}+")
HTML_HINT = re.compile(r"</?(p|br|div|span|td|li)\b", re.IGNORECASE)
HTML_LINE_END = re.compile(r"<br\s*+/?>|</(p|div|li|tr|h\d)>", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]{1,300}+>")
# html.unescape reads &#NNN…; with int(), which refuses more than 4,300 digits (a ValueError)
LONG_DECIMAL_REFERENCE = re.compile(r"&#([0-9]{8,}+);?")
PAGE_MARKER = (
    r"(第\s*+\d++\s*+页\s*+[/／,，]?\s*+共\s*+\d++\s*+页)|(共\s*+\d++\s*+页\s*+第\s*+\d++\s*+页)|(\[\s*+page\s*+\d++\s*+\])"
    r"|(-\s*+\d++\s*+-)(?=\s*+$)"
)
PAGE_MARKERS = re.compile(PAGE_MARKER, re.IGNORECASE)
# a page marker on a line of its own between two halves of a sentence goes with its line breaks
PAGE_MARKER_LINE = re.compile(r"\n[ \t]*+(?:" + PAGE_MARKER + r")[ \t]*+\n", re.IGNORECASE)
NOISE_LINE = re.compile(
    r"(版权所有|copyright|ICP备|公网安备|技术支持|联系电话|联系我们|邮编|地址[:：]|点击[:：数量]|浏览次数|阅读次数|来源[:：]|"
    r"发布时间|发布日期|更新时间|作者[:：]|编辑[:：]|责任编辑|当前位置|现在的位置|您的位置|首页\s*+[>›»]|今天是|字体[:：]|"
    r"【\s*+[大中小]\s*+】|打印本页|关闭窗口|上一篇|下一篇|分享到|扫一扫|设为首页|加入收藏|网站地图|栏目名称|相关链接|"
    r"^\s*+(通知公告|近年工作|新闻中心|首页)\s*+$|^\s*+(首页\s*+[|｜]|相关推荐|相关文章|热门推荐|往期回顾|猜你喜欢)|违法和不良信息|举报电话|all rights reserved|备案号|本文档由|如有侵权|"
    r"^\s*+(附件\s*+\d*+|（[^）]{0,20}+供稿）|\([^)]{0,20}+供稿\))\s*+$)",
    re.IGNORECASE,
)
# what starts a site's footer (copyright, licence number, upload notice)
FOOTER = re.compile(r"©|copyright|all rights reserved|ICP[备证]|本文档?由用户上传|版权归原作者|如有侵权", re.IGNORECASE)
# what document-sharing sites put inside the text: "read more" links and their own names after a title
INLINE_NOISE = re.compile(
    r"(点击查看更多|点击阅读全文|展开阅读全文|查看全文|继续阅读|下载文档|收藏此文档)[ \t]*+(>>|》》|»|>)?"
    r"|[.…]{0,6}+此处隐藏[:：]?\d{1,6}+个?字[.…]{0,6}+"
    r"|[-_—|] ?(豆丁网|百度文库|道客巴巴|原创力文档|人人文库|360文库|淘豆网|文档投稿赚钱网|docin|doc88)"
)
# a section heading glued to the end of a line ("…制定本计划一、总体目标"): the line is finished
GLUED_AT_END = re.compile(rf"[\u4e00-\u9fff][{CN_NUMERAL}]{{1,3}}+、[^。，,；;！？!?\s{CN_NUMERAL}]{{2,24}}+$")
# the page number a document-sharing site starts each page with ("2、主业。")
CHUNK_MARK = re.compile(r"(\d{1,3}+)、")
# what a page appends to a title on the same line ("…2022年度工作计划 来源：网友投稿 发布时间：…"): the
# line keeps its title, the rest goes
TRAILING_META = re.compile(r"\s(来源[:：]|发布时间|发布日期|作者[:：]|浏览|阅读[:：量]|点击[:：数量])")
NOTICE_HEAD = re.compile(r"^\s*+(温馨提示|友情提示|特别提示|注意事项|说明)[:：]?\s*+$")
DATE_LINE = re.compile(r"[\d\s/:.\-年月日时分秒]+")
SENTENCE_END = tuple("。！？!?；;：:”」』）)")

SECTION = re.compile(rf"^\s*+([{CN_NUMERAL}]{{1,3}}+)\s*+[、.．]\s*+(\S.*)$")
GROUP = re.compile(rf"^\s*+[（(]\s*+([{CN_NUMERAL}]{{1,3}}+)\s*+[）)]\s*+(\S.*)$")
# 1. 1、 1） or 1 followed by a space (not 1.5, not 1 2020年), （1）, ①: after the number either its
# mark (and no digit), or a space; the two ways are separate branches so that no run of spaces can
# be shared out between quantifiers
POINT = re.compile(
    r"^\s*+(?:(\d{1,2}+)(?:\s*+[.．、)）](?!\d)|\s(?:\s|(?!\d)))|[（(]\s*+(\d{1,2}+)\s*+[）)]|([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))"
    r"\s*+(\S.*)$"
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# 一是… / 第一，… / 其一、… (an ordinal 第一 only before a comma, so that 位列第一。 is none)
ENUMERATED = re.compile(
    rf"([{CN_NUMERAL}]{{1,3}}+是|其[{CN_NUMERAL}]{{1,3}}+(?=[、，,：:])|(?<![{CN_NUMERAL}])第[{CN_NUMERAL}]{{1,3}}+(?=[，,、：:]))"
)
TITLE_WORDS = re.compile(r"(工作要点|工作计划|工作安排|工作思路|工作打算|任务书|重点工作|工作任务)")
YEAR = re.compile(r"(20\d\d|19\d\d)\s*+年")


def normalize(text: str) -> str:
    """One line end, markup and entities gone, full-width digits and exotic spaces read as ASCII."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text and HTML_HINT.search(text):
        text = HTML_LINE_END.sub("\n", text)
        text = HTML_TAG.sub("", text)  # a page saved as text with its markup
    text = LONG_DECIMAL_REFERENCE.sub(_decimal_reference, text)
    text = html.unescape(text).replace("\ufffd", "").translate(FULLWIDTH)
    return SPACE_RUN.sub(" ", text)


def clean_lines(text: str) -> list[str]:
    """Lines of the plan with page markers, navigation, footers and notice blocks removed, a sentence
    that a page break or a document viewer cut in two joined again (``text`` is normalised already)."""
    text = PAGE_MARKER_LINE.sub("\n", text)
    text = PAGE_MARKERS.sub("", text)
    text = INLINE_NOISE.sub("", text)
    lines, in_notice, blank_before = [], False, False
    for raw in text.split("\n"):
        line = raw.strip()
        if "  " in line:  # where a page marker was taken out
            line = SPACE_RUN.sub(" ", line)
        if not line:
            in_notice, blank_before = False, True
            continue
        if NOTICE_HEAD.match(line) or line.startswith(("温馨提示", "友情提示")):
            in_notice = True
            continue
        if in_notice and (POINT.match(line) or len(line) < 80):
            continue
        in_notice = False
        footer = FOOTER.search(line)
        if footer and footer.start() > 0:  # a site's footer run on after the plan's last sentence
            line = _text_before_a_footer(line, footer) or line
        if len(line) < 200 and NOISE_LINE.search(line):
            meta = TRAILING_META.search(line)
            head = line[:meta.start()].strip() if meta else ""
            if not (head and TITLE_WORDS.search(head) and not NOISE_LINE.search(head)):
                head = _text_before_a_footer(line)
                if not head:
                    continue
            line = head
        if DATE_LINE.fullmatch(line) and not line.isdigit():  # dates and times alone (a number alone may be a table cell)
            continue
        lines.append((line, blank_before))
        blank_before = False
    return _join_broken_lines(lines)


def _text_before_a_footer(line, match=None):
    """The finished sentences before a site's footer that a page glued to the plan's last line
    ("…开设团建宣传栏。本文档由用户上传…"): a footer is taken out, never the text before it."""
    match = match or NOISE_LINE.search(line)
    head = line[:match.start()].rstrip()
    ends = [at for at, char in enumerate(head) if char in "。！？!?；;"]
    head = head[:ends[-1] + 1] if ends else ""
    return head if len(head) >= 20 else ""


def _decimal_reference(match) -> str:
    """&#00065; as html.unescape reads it; a number beyond Unicode (html gives U+FFFD) as nothing."""
    digits = match.group(1).lstrip("0") or "0"
    return f"&#{digits};" if len(digits) <= 7 else ""


def _join_broken_lines(lines):
    """Rejoin a sentence a document viewer broke in the middle: a long line not ending a
    sentence, directly followed (no blank line) by one that starts no numbered item.

    Document-sharing sites cut a text into pages and start each with its page number ("…聚焦主责",
    blank line, "2、主业。紧紧…"): a line after a blank that starts with the next page number
    (2, 3, …) where the line before stopped mid-sentence is the same sentence going on."""
    joined = []  # each a list of parts, joined once at the end (a long run of pieces stays linear)
    length, heading, page = 0, False, 2  # of the last joined line; the next page number expected
    last_point = 0  # the last numbered point read so far, in sequence
    for line, blank_before in lines:
        unfinished = joined and not heading and not joined[-1][-1].endswith(SENTENCE_END)
        chunk = CHUNK_MARK.match(line) if unfinished and blank_before and length > 15 else None
        # the page number, or any number that is not the next point's: a point never starts mid-sentence
        if chunk and (int(chunk.group(1)) == page or int(chunk.group(1)) != last_point + 1):
            page = int(chunk.group(1)) + 1
            rest = line[chunk.end():]
            joined[-1].append(rest)
            length += len(rest)
            last_point = _last_point(rest, last_point)
        elif (
            unfinished
            and not blank_before
            and length > 30
            and not (SECTION.match(line) or GROUP.match(line) or POINT.match(line))
            and not (len(line) <= 40 and TITLE_WORDS.search(line))  # a title after a navigation line
            and not GLUED_AT_END.search(joined[-1][-1][-30:])  # "…制定本计划一、总体目标" ends in a heading
        ):
            joined[-1].append(line)
            length += len(line)
            last_point = _last_point(line, last_point)
        else:
            joined.append([line])
            length, heading = len(line), bool(SECTION.match(line) or GROUP.match(line))
            last_point = _last_point(line, last_point)
    return ["".join(parts) for parts in joined]


POINT_MARK = re.compile(r"(?:^|(?<=[。！？!?；;\s]))(\d{1,2}+)[.．、](?![\d.])")


def _last_point(line, last):
    """The last point number of a sequence (1, 2, … or a new 1) read up to the end of ``line``."""
    for match in POINT_MARK.finditer(line):
        number = int(match.group(1))
        if number in (last + 1, 1):
            last = number
    return last


# --- run-on text -----------------------------------------------------------------------------
#
# A page copied from a viewer may hold a whole plan on a few long lines ("…开展。 二、工作目标 (一)推动…"),
# or glue a heading to the text before it ("…团委工作计划一、工作目标"). A numbered mark inside a line
# starts a new line where it is the next number of its kind (the numbering read so far decides) and
#   - it follows the end of a sentence or a space, or
#   - it is a section mark glued to the text before, followed by a short heading that ends the line
#     or a space.
# Each split is remembered (its kind), so that the structure can say how sure it is.

INLINE_MARK = re.compile(
    rf"([{CN_NUMERAL}]{{1,3}}+)[、．](?![{CN_NUMERAL}、])"
    rf"|[（(]([{CN_NUMERAL}]{{1,3}}+)[）)]"
    r"|(?<![\d.])(\d{1,2}+)[.．、](?![\d.])"
    r"|[（(](\d{1,2}+)[）)]"
)
BREAK_BEFORE = tuple("。！？!?；; ")
# a glued heading: a few characters with no sentence punctuation, up to the line's end, a space or a mark
GLUED_HEADING = re.compile(r"[^。，,；;！？!?\s（(]{2,24}+(?=$|\s|[（(])")


def split_run_on(lines):
    """Lines with every numbered item that started inside a line moved to a line of its own, and the
    set of line indexes that came from such a split (mid-line) or from a glued heading."""
    out, doubtful = [], {}
    counters = {"section": 0, "group": 0, "point": 0, "bracket": 0}
    for line in lines:
        kind, number = _line_mark(line)
        if kind:
            _count(counters, kind, number)
        start = 0
        for match in INLINE_MARK.finditer(line):
            at = match.start()
            if at == 0 or at < start:
                continue
            kind, number = _mark_of(match)
            if number is None or not _is_next_in(counters, kind, number):
                continue
            before = line[at - 1]
            if before in BREAK_BEFORE:
                how = "inline"
            elif kind == "group" and "\u4e00" <= before <= "\u9fff" and before != "第" and _after_a_heading(line, start, at):
                how = "inline"  # 一、突出政治引领，筑牢青年思想根基（一）加强理论武装。
            elif kind == "section" and "\u4e00" <= before <= "\u9fff" and GLUED_HEADING.match(line, match.end()):
                how = "glued"
            else:
                continue
            out.append(line[start:at].rstrip())
            start = at
            doubtful[len(out)] = how
            _count(counters, kind, number)
        out.append(line[start:])
    return [line for line in out], doubtful


def _after_a_heading(line, start, at):
    """Whether line[start:at] is a section heading alone (一、突出政治引领，筑牢根基): no sentence in it."""
    match = SECTION.match(line[start:at])
    return bool(match) and len(match.group(2)) <= 30 and not any(mark in match.group(2) for mark in "。；;！？!?")


def _line_mark(line):
    match = INLINE_MARK.match(line)
    return _mark_of(match) if match else (None, None)


def _mark_of(match):
    if match.group(1):
        return "section", chinese_to_int(match.group(1))
    if match.group(2):
        return "group", chinese_to_int(match.group(2))
    if match.group(3):
        return "point", int(match.group(3))
    return "bracket", int(match.group(4))


def _is_next_in(counters, kind, number):
    last = counters[kind]
    if kind == "section":
        return number == last + 1
    return number == last + 1 or number == 1


def _count(counters, kind, number):
    if number is None:
        return
    counters[kind] = number
    if kind == "section":
        counters["group"] = 0
        counters["bracket"] = 0
    elif kind in ("group", "point"):
        counters["bracket"] = 0


# --- structure -------------------------------------------------------------------------------


LEAD_PHRASE = re.compile(r"[^。！？!?]++")


def lead_phrase(text: str) -> str:
    """A point's title: its lead phrase up to the first 。 (or the first ；/： when shorter)."""
    match = LEAD_PHRASE.match(text)
    head = match.group() if match else text
    for stop in ("；", ";", "：", ":"):
        if stop in head and len(head.split(stop)[0]) >= 4:
            head = head.split(stop)[0]
    return head.strip(" ，,、")[:200]


def find_title(lines):
    """The document's title and year: a short line naming a plan, the first with a year. The year is
    the title's (its latest: 2018年总结和2019年计划 is a plan for 2019), else the body's, where a year
    next to planning words wins; a navigation line listing other years is never read."""
    heads = [_title_part(line) for line in lines[:40]]
    candidates = [
        line for line in heads
        if TITLE_WORDS.search(line) and len(line) <= 60 and "/" not in line and ">" not in line and not SECTION.match(line)
        and not any(mark in line for mark in "。，,；;") and len(YEAR.findall(line)) < 3  # a navigation line lists several years
    ]
    if not candidates:  # a news report's or a table's headline: a short first line that is no sentence
        candidates = [line for line in heads[:3] + [head for head in heads if head.endswith("表")] if 6 <= len(line) <= 40 and not any(mark in line for mark in "。，,；;：:!！?？")
                      and not (SECTION.match(line) or POINT.match(line) or GROUP.match(line))]
    title = next((c for c in candidates if YEAR.search(c)), candidates[0] if candidates else "")
    years = [int(m.group(1)) for m in YEAR.finditer(title)]
    if years:
        return title, max(years)
    body = [line for line in lines[:40] if len(YEAR.findall(line)) < 3 and "/" not in line and "|" not in line]
    planned = next((int(m.group(1)) for line in body for m in YEAR.finditer(line)
                    if PLANNED_YEAR.match(line, m.end())), None)
    first = next((int(m.group(1)) for line in body for m in YEAR.finditer(line)), None)
    return title, planned or first


# what a site appends to a page's title ("…工作计划 - 文档分享网", "…工作要点_文库"): a short name after a dash
SITE_SUFFIX = re.compile(r"\s?[-_|｜—]\s?[^-_|｜—\s\d]{1,10}+$")
# a title a run-on page starts its only line with ("…2025年工作要点_文库 …2025年工作要点 2025年是…")
TITLE_HEAD = re.compile(r"^([^\s。，,；;]{4,60}+)\s")


def _title_part(line):
    """A line as a title: the title a run-on line starts with, without the name of the site it came from."""
    head = TITLE_HEAD.match(line)
    if head and TITLE_WORDS.search(head.group(1)):
        title = _without_site(head.group(1))
        if len(line) > 60 or line[head.end():].startswith(title):  # a run-on line, or the title again (the page's heading)
            return title
    return _without_site(line)


def _without_site(line):
    suffix = SITE_SUFFIX.search(line)
    if suffix and TITLE_WORDS.search(line[:suffix.start()]) and not TITLE_WORDS.search(suffix.group()):
        return line[:suffix.start()]
    return line


PLANNED_YEAR = re.compile(r"[^。，,]{0,12}?(部署|计划|要点|安排|重点任务|工作思路)")


def _is_next(previous: str | None, current: str) -> bool:
    value = chinese_to_int(current)
    if value is None:
        return False
    return value == 1 if previous is None else value == chinese_to_int(previous) + 1


# How sure the parser is of an item, with the reason shown to the user. Items below LOW_CONFIDENCE are
# marked on the review page for the user to confirm.
SURE, FAIR, DOUBTFUL = 0.95, 0.8, 0.5
LOW_CONFIDENCE = 0.7
HEADING_LIKE = re.compile(r"[^。，,；;！？!?：:]{2,20}+")


# Reasons are English msgids translated (zh_Hans) when an item is rated, in the language of the request
# that parses: the review page and the API show them as the user reads the interface.
R_SECTION = _("Number “%(number)s、” at the start of a line, in sequence")
R_FIRST_NOT_ONE = _("The first section number is not “一”: sections before it may be missing")
R_GLUED = _("The heading is glued to the text before it (no punctuation between): please confirm")
R_SECTION_INLINE = _("The heading stood inside a line (after the end of a sentence): split onto a line of its own")
R_LONG_TITLE = _("A long heading: it may be body text")
R_GROUP_AS_POINT = _("No numbered points under the group heading “（%(number)s）”: listed as a point")
R_POINT = _("Number “%(number)s” at the start of a line")
R_THIRD_LEVEL = _("Three levels: item %(number)s under the heading “%(group)s.”")
R_OUT_OF_SEQUENCE = _("Numbering out of sequence (the item before is %(previous)s): please confirm")
R_POINT_INLINE = _("The number stood inside a line (after the end of a sentence): split into an item of its own")
R_LEVEL_AS_POINT = _("No numbered points under the heading: listed as a point")
R_ORDINAL = _("Ordinal “%(number)s” inside a paragraph")
R_COMPARATOR = _("Comparison word “%(word)s”")
R_NO_COMPARATOR = _("A number with a unit and no comparison word: read as “at least”")
R_LIST_VALUE = _("One of a list of values: comparison word and metric carried over from the one before")
R_CHINESE_NUMERAL = _("the value is written in Chinese numerals")
R_NO_METRIC = _("no metric name recognised")
R_FULL_COVERAGE = _("“Full coverage” (全覆盖), read as one hundred percent")
R_GROUP_AS_SECTION = _("No “一、” top-level headings: “（%(number)s）” taken as a section")
R_ONE_SECTION = _("No section numbers found: the whole text as one section")
R_POINT_NO_SECTION = _("Number “%(number)s” at the start of a line, but under no section")
R_PARAGRAPH_POINT = _("No numbering: a paragraph holding targets listed as a point")
R_NOTHING = _("No structure found at all: the whole text as one point, please structure it by hand")
R_TABLE_ROW = _("A row of a table")
R_TABLE = _("Read from a table (one cell per line)")
R_TABLE_COLUMN = _("Column “%(column)s” of a table")
R_TABLE_SECOND = _("Column “%(column)s” of a table (the second tier, to strive for)")
R_SUMMARY = _("this is the summary part: its numbers are results already reached, not targets")
R_JOINED = _("%(first)s; %(second)s")


def _reason(message, **values) -> str:
    """``message`` in the active language, with its values."""
    return str(message) % values if values else str(message)


def _also(reason, message) -> str:
    """A reason with a doubt added to it."""
    return _reason(R_JOINED, first=reason, second=_reason(message))


def _rated(item, confidence, reason):
    item["confidence"], item["reason"] = confidence, str(reason)
    return item


def _number_of_point(match):
    return match.group(1) or match.group(2) or str(CIRCLED.index(match.group(3)) + 1)


def _point_kind(match):
    return "plain" if match.group(1) else "bracket" if match.group(2) else "circled"


def parse_structure(lines, doubtful=None):
    """Sections (一、), their groups (（一） or a "1. 组织建设" heading over （1） items) and points
    (1. 1、 （1） ① or 一是… / 第一，… / 其一、…), each rated.

    The leaf numbered items of a section are its points: where a section has groups but no
    numbered items below them, the groups themselves are its points. While reading, an item's
    text is a list of parts, joined once at the end: appending to a growing string would copy it
    for every line a long paragraph runs on.
    """
    doubtful = doubtful or {}
    sections, section, group = [], None, None
    heading_kind = None  # the kind of point whose short lines head a third level ("1. 组织建设" over "（1）")
    previous_number = None
    kinds = [(_point_kind(m) if (m := POINT.match(line)) and not SECTION.match(line) and not GROUP.match(line) else None)
             for line in lines]
    for index, line in enumerate(lines):
        match = SECTION.match(line)
        if match and (_is_next(section["number"] if section else None, match.group(1))
                      or (section is None and chinese_to_int(match.group(1)) == 2 and doubtful.get(index) is None)):
            title = lead_phrase(match.group(2))
            enumeration = ENUMERATED.search(title, 2)
            if enumeration and _ordinal(enumeration.group())[0] == "一":
                title = title[:enumeration.start()]  # 二、青年服务一是开展技能培训…
            if len(title) <= 50:
                confidence, reason = SURE, _reason(R_SECTION, number=match.group(1))
                if section is None and match.group(1) != "一":
                    confidence, reason = DOUBTFUL, R_FIRST_NOT_ONE
                elif doubtful.get(index) == "glued":
                    confidence, reason = DOUBTFUL, R_GLUED
                elif doubtful.get(index) == "inline":
                    confidence, reason = FAIR, R_SECTION_INLINE
                if len(title) > 30:
                    confidence, reason = DOUBTFUL, R_LONG_TITLE
                section = _rated({"number": match.group(1), "title": title, "points": [], "groups": [], "body": []},
                                 confidence, reason)
                sections.append(section)
                group, heading_kind, previous_number = None, None, None
                rest = match.group(2)[len(title):].lstrip("。：: ")
                if rest:
                    section["body"].append((None, rest))
                continue
        if section is None:
            continue
        match = GROUP.match(line)
        if match and chinese_to_int(match.group(1)):
            group, heading_kind, previous_number = match.group(1), None, None
            body = match.group(2)
            section["groups"].append(_rated({"number": group, "group": None, "title": lead_phrase(body), "text": [body]},
                                            FAIR, _reason(R_GROUP_AS_POINT, number=group)))
            continue
        match = POINT.match(line)
        if match:
            number, kind, body = _number_of_point(match), kinds[index], match.group(4)
            if kind == heading_kind or (heading_kind is None and _heads_a_level(lines, kinds, index, body)):
                heading_kind, group, previous_number = kind, number, None
                section["groups"].append({"number": number, "group": None, "title": lead_phrase(body), "text": [body],
                                          "level": True})
                continue
            confidence, reason = SURE, _reason(R_POINT, number=number)
            if heading_kind:
                confidence, reason = FAIR, _reason(R_THIRD_LEVEL, group=group, number=number)
            if previous_number is not None and number.isdigit() and int(number) not in (int(previous_number) + 1, 1):
                confidence, reason = DOUBTFUL, _reason(R_OUT_OF_SEQUENCE, previous=previous_number)
            elif doubtful.get(index) == "inline":
                confidence, reason = FAIR, R_POINT_INLINE
            previous_number = number if number.isdigit() else None
            section["points"].append(_rated({"number": number, "group": group, "title": lead_phrase(body), "text": [body]},
                                            confidence, reason))
            continue
        if section["points"] and section["points"][-1]["group"] == group:
            section["points"][-1]["text"].append(line)  # a point's paragraph that went on
        elif section["groups"] and not section["points"]:
            section["groups"][-1]["text"].append(line)
        else:
            section["body"].append((group, line))
    for section in sections:
        groups = section.pop("groups")
        if not section["points"] and groups:
            section["points"] = [g for g in groups if not g.pop("level", False)] or _levels_as_points(groups)
        else:
            if not section["points"]:
                section["points"] = _enumerated_points(section.pop("body"))
            if groups:
                section["groups"] = [{"number": g["number"], "title": g["title"]} for g in groups]
        section.pop("body", None)
        for point in section["points"]:
            point["text"] = "".join(point["text"])
    return sections


def _heads_a_level(lines, kinds, index, body):
    """A short numbered line with no sentence in it ("1. 组织建设") whose next numbered line is of
    another kind, numbered 1 ("（1）优化组织设置。"): the middle level of three."""
    if not HEADING_LIKE.fullmatch(body.strip()):
        return False
    for following in range(index + 1, min(len(lines), index + 40)):
        if kinds[following]:
            match = POINT.match(lines[following])
            return kinds[following] != kinds[index] and _number_of_point(match) == "1"
        if SECTION.match(lines[following]) or GROUP.match(lines[following]):
            return False
    return False


def _levels_as_points(groups):
    for g in groups:
        g.pop("level", None)
        _rated(g, DOUBTFUL, R_LEVEL_AS_POINT)
    return groups


def _enumerated_points(body):
    """Points written as 一是…二是…, 第一，…第二，… or 其一、…其二、… inside the paragraphs of a section
    (texts as lists of parts)."""
    points = []
    previous, style = None, None  # the sequence runs on across paragraphs (第一，… on a line each)
    for group, paragraph in body:
        parts = ENUMERATED.split(paragraph)
        if len(parts) > 1 and _ordinal(parts[1])[0] == "一":
            previous = None  # a paragraph may start its own 一是…二是…
        elif parts[0].strip() and previous is not None and points:
            points[-1]["text"].append(parts[0])  # a paragraph before the next ordinal goes on the last point
        for i in range(1, len(parts) - 1, 2):
            number = parts[i]
            numeral, this_style = _ordinal(number)
            if not _is_next(previous, numeral) or (previous is not None and this_style != style):
                if points and previous is not None:
                    points[-1]["text"] += [number, parts[i + 1]]
                continue
            previous, style = numeral, this_style
            body_text = parts[i + 1].lstrip("，,、：: ")
            points.append(_rated({"number": number, "group": group, "title": lead_phrase(body_text), "text": [body_text]},
                                 FAIR if this_style == "是" else FAIR - 0.05, _reason(R_ORDINAL, number=number)))
    return points


def _ordinal(number):
    """一是 → (一, 是); 第二 → (二, 第); 其三 → (三, 其)."""
    if number.endswith("是"):
        return number[:-1], "是"
    return number[1:], number[0]


# --- targets ---------------------------------------------------------------------------------

UNITS = sorted(
    ["个", "处", "场次", "场", "次", "期", "批", "人次", "万人", "人", "名", "家", "张", "元", "万元", "亿元", "小时", "学时",
     "%", "所", "支", "项", "篇", "户", "遍", "座", "条", "部", "本", "份", "件", "天", "课时", "万小时", "公里", "平方米",
     "亩", "岗位", "队", "届", "间", "批次", "台", "套", "对"],
    key=len, reverse=True,
)
# A number starts where its run of digits (or numerals) starts: tried inside a run it would
# rescan the rest of the run at every position. Possessive: a shorter number never helps, since
# no multiplier or unit begins with a digit, a numeral, "," or ".".
NUMBER = rf"(?P<num>(?<!\d)\d++(?:,\d{{3}}){{0,4}}+(?:\.\d++)?|(?<![{CN_NUMERAL}])[{CN_NUMERAL}]++)"
MULTIPLIER = r"(?P<mult>万|亿)?"
UNIT = "(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + ")"
TARGET = re.compile(NUMBER + r"\s*+" + MULTIPLIER + r"\s*+(?P<approx>余|多)?\s*+" + UNIT)
MAX_INTEGER_DIGITS = 12  # a target's value has 16 digits, 4 of them decimals (plans/models/target.py)
RATE_WORDS = re.compile(r"率|比例|覆盖|占比")
CLAUSE_REACH = 200  # characters either side of a number that its clause may span (real ones: < 40)
AT_LEAST_BEFORE = ("不少于", "不低于", "至少", "达到", "突破", "超过", "多于", "达", "逾", "覆盖", "实现", "不得少于", "不得低于",
                   "不能少于", "不能低于", "最少", "提高到", "提高至", "提升到", "提升至", "保持在", "稳定在", "力争")
AT_MOST_BEFORE = ("不超过", "不高于", "控制在", "低于", "降至", "少于", "压缩到", "压缩至", "不得超过", "不能超过", "不得高于",
                  "不多于", "最多")
NOT_TARGET_AFTER = ("年", "月", "日", "周年", "届", "号", "期间", "大", "中全会", "届全会", "后", "岁")
DEADLINE = re.compile(r"(年内|全年|今年|到年底|年底前|年底|\d{1,2}月(?:底)?前|\d{1,2}月底|上半年|下半年|到20\d\d年(?:底)?|每年|每学期|每月|每季度)")


# A Chinese numeral counts only right after one of these (至少建设一个); 一批, 一支, 六项措施 do not.
COMMITTING = ("至少", "不少于", "不低于", "达到", "突破", "超过", "新建", "建设", "建成", "新增", "增加", "培养", "组建", "成立")


def _not_a_count(text, match, before):
    """Years, dates, ordinals, editions, anniversaries, congresses, programme names and vague 一批."""
    number, unit = match.group("num"), match.group("unit")
    if before.endswith(("第", "首", "前", "后", "近", "每")) or unit == "届":
        return True
    if before.rstrip().endswith(("+", "＋")) or text[match.end():match.end() + 2].lstrip()[:1] in ("+", "＋"):
        return True  # 1+100, 8+4
    if not match.group("mult") and text[match.end("num"):].startswith(NOT_TARGET_AFTER):
        return True
    if unit == "对" and text[match.end():match.end() + 1] in "0123456789" + CN_NUMERAL + "象":
        return True  # 1对1帮扶, 一对一, 对象
    if number[0].isdigit():
        return False
    if unit == "%" or chinese_to_int(number) is None:
        return True
    if unit in ("批", "支", "线") and chinese_to_int(number) == 1:
        return True
    return not any(word in before[-6:] for word in COMMITTING)


def _value(number: str, multiplier: str | None) -> Decimal | None:
    """The number's value, or None when it is no numeral or more than a target can hold."""
    if number[0].isdigit():
        if len(number.split(".")[0].replace(",", "")) > MAX_INTEGER_DIGITS:
            return None  # (thousands of digits would not even print: Python refuses such an int)
        value = Decimal(number.replace(",", ""))
    else:
        parsed = chinese_to_int(number)
        if parsed is None:
            return None
        value = Decimal(parsed)
    if multiplier:
        value *= CN_BIG[multiplier]
    return value if value < 10 ** MAX_INTEGER_DIGITS else None


def _clause_bounds(text, start, end):
    """The clause around text[start:end], between punctuation marks, at most CLAUSE_REACH either side."""
    low, high = max(0, start - CLAUSE_REACH), min(len(text), end + CLAUSE_REACH)
    left = max(text.rfind(p, low, start) for p in "，,。；;：:、（(“\"")
    rights = [i for i in (text.find(p, end, high) for p in "，,。；;：:）)”\"") if i != -1]
    return (left + 1 if left != -1 else low), (min(rights) if rights else high)


def find_targets(text: str, limit: int = MAX_TARGETS, year: int | None = None) -> list[dict]:
    """Quantified commitments in a point's text, with comparator, value, unit, deadline, and how sure
    the parser is (the first ``limit`` of them). Results already reached (past tense, an earlier
    year) are achievements, not targets."""
    found, last_end, lists = [], -2, []  # lists: for each found, whether it continues a list, its lead, its words
    text = text or ""
    for match in TARGET.finditer(text):
        if len(found) >= limit:
            break
        number, unit = match.group("num"), match.group("unit")
        start, end = match.span()
        before = text[max(0, start - 8):start]
        continues_list = last_end == start - 1 and text[last_end:start] in ("、", "，", ",")
        if _not_a_count(text, match, before):
            continue
        value = _value(number, match.group("mult"))
        if value is None:
            continue
        clause_start, clause_end = _clause_bounds(text, start, end)
        clause = text[clause_start:clause_end].strip()
        head = text[clause_start:start]
        tail = text[end:clause_end]
        if _not_a_commitment(text, start, end, head, tail, clause, unit, value, year):
            continue
        comparator, word = _comparator(head, tail)
        confidence, reason = (SURE, _reason(R_COMPARATOR, word=word)) if word else (FAIR, _reason(R_NO_COMPARATOR))
        if continues_list and found:
            comparator, confidence, reason = found[-1]["comparator"], FAIR, _reason(R_LIST_VALUE)
        elif unit == "%" and not word and not tail.startswith("的"):
            if not RATE_WORDS.search(clause):
                continue  # a bare percentage in passing (同比增长20%) is not a commitment
        metric = found[-1]["metric"] if continues_list and found else _metric(head, tail, unit)
        if not number[0].isdigit():
            confidence, reason = min(confidence, FAIR), _also(reason, R_CHINESE_NUMERAL)
        if metric == unit or not metric:
            confidence, reason = DOUBTFUL, _also(reason, R_NO_METRIC)
        deadline = DEADLINE.search(text[max(0, clause_start - 12):clause_end])
        found.append(_rated({
            "text": clause,
            "metric": metric,
            "comparator": comparator,
            "value": int(value) if value == value.to_integral_value() else float(value),
            "unit": "%" if unit == "%" else unit,
            "deadline": deadline.group(1) if deadline and deadline.group(1) != "每年" else None,
        }, confidence, reason))
        last_end = end + len(TAIL_WORDS.match(tail).group()) if TAIL_WORDS.match(tail) else end
        lead_start = max(text.rfind(mark, max(0, start - CLAUSE_REACH), start) for mark in "，,。；;：:（(“\"") + 1
        lists.append((continues_list, text[max(lead_start, start - CLAUSE_REACH):start], match.group()))
    _each_its_subject(found, lists)
    return found + _full_coverage(text, found, limit - len(found), year)


def _each_its_subject(found, lists):
    """A list of values after 分别 (机关、事业单位、国有企业团组织达标率分别不低于90%、60%、30%): each value's text
    and metric name its own subject (机关团组织达标率不低于90%, 事业单位…60%), when the subjects are listed as
    many as the values; else the whole subject phrase with each value."""
    index = 0
    while index < len(found):
        end = index + 1
        while end < len(found) and lists[end][0]:
            end += 1
        head = lists[index][1]
        if end - index > 1 and "分别" in head:
            subject, _, word = head.rpartition("分别")
            subject = DEADLINE_LEAD.sub("", subject.strip())
            subjects = _listed_subjects(subject, end - index) or [subject] * (end - index)
            for target, (_, _, value), own in zip(found[index:end], lists[index:end], subjects, strict=True):
                target["text"] = f"{own}{word.strip()}{value}"
                target["metric"] = own[-60:]
        index = end


DEADLINE_LEAD = re.compile(r"^(?:其中)?(?:(?:到|至|在)?(?:年底前|年底|年内|全年|今年|上半年|下半年|20\d\d年(?:底)?)[,，]?)?")


def _listed_subjects(subject, count):
    """机关、事业单位、国有企业团组织达标率 with 3 values: 机关团组织达标率, 事业单位团组织达标率, 国有企业团组织达标率
    (the last item is as long as the longest other one, the rest is what they share); None when unsure."""
    parts = subject.split("、")
    if len(parts) != count or any(not part or len(part) > 12 for part in parts[:-1]):
        return None
    if "的" in parts[-1]:  # 主城区、县城、重点镇的入驻率
        last, common = parts[-1][:parts[-1].rindex("的")], parts[-1][parts[-1].rindex("的"):]
    elif count >= 3:  # the first item may carry the sentence's lead (到年底机关): the middle ones give the width
        width = max(len(part) for part in parts[1:-1])
        last, common = parts[-1][:width], parts[-1][width:]
    else:
        return None
    if len(common) < 2 or not RATE_WORDS.search(common) and not common.endswith(("数", "量", "时长")):
        return None
    return [part + common for part in parts[:-1]] + [last + common]


def _full_coverage(text, found, limit, year):
    """全覆盖 promised ("实现…成绩单全覆盖"): a target of 100 %, unless the clause already holds a
    number, says it is not reached (未, 尚未) or reports it reached."""
    extra = []
    for match in FULL_COVERAGE.finditer(text):
        if len(extra) >= limit:
            break
        start, end = match.span()
        clause_start, clause_end = _clause_bounds(text, start, end)
        clause = text[clause_start:clause_end].strip()
        head = text[clause_start:start]
        if any(clause_start <= text.find(t["text"]) < clause_end for t in found if t["text"]) or any(word in head for word in NOT_YET) \
                or TARGET.search(clause) or _reached(text, start, year) or not (PROMISE.search(head) or not head.strip()):
            continue
        metric = _without_words_at_end(head, PROMISE_WORDS).strip()[-40:]
        metric = metric[len(next((w for w in PROMISE_WORDS if metric.startswith(w)), "")):]
        deadline = DEADLINE.search(text[max(0, clause_start - 12):clause_end])
        extra.append(_rated({"text": clause, "metric": (metric + "覆盖率") if metric else "覆盖率", "comparator": ">=", "value": 100,
                             "unit": "%", "deadline": deadline.group(1) if deadline and deadline.group(1) != "每年" else None},
                            FAIR, R_FULL_COVERAGE))
    return extra


FULL_COVERAGE = re.compile(r"全覆盖")
PROMISE = re.compile(r"实现|做到|达到|推动|推进|确保|力争|基本")
PROMISE_WORDS = ("实现", "做到", "达到", "推动", "推进", "确保", "力争", "基本")
NOT_YET = ("未", "没有", "不能")


# A count that is a condition or a scope rather than a commitment: "团员人数超过20人的社区", "50人以上的企业"
CONDITION_BEFORE = ("超过", "满", "不足", "不到", "达到", "以上", "低于")
RANGE_MARKS = ("至", "到", "-", "~", "～", "—")
RANGE_ENDS = set("0123456789个人名场次期项家元%所支件条间")
SCORING_WORDS = ("扣", "加分", "得分", "满分", "记分", "计分")
ATTENDANCE = re.compile(r"(?:余|多)?(?:参加|出席|参与)(?:了)?(?:本次|此次)?(?:会议|大会|仪式|座谈会)")
# the rest of a sentence naming a head count that came to a meeting (the number was one group of them)
ATTENDED_BY = re.compile(r"[^。；;！？!?]{0,60}?(?<!\d)\d{1,6}+\s{0,2}+(?:余|多)?\s{0,2}+人" + ATTENDANCE.pattern)
# a rate of the things just counted, then its value (…团支部按期换届率达到100%)
RATE_OF_THEM = re.compile(r"[^，,。；;！？!?]{0,20}?(?:率|比例|占比)[^，,。；;！？!?\d]{0,8}?\d{1,3}+(?:\.\d{1,3}+)?\s{0,2}+%")
ALL_OF_THEM = re.compile(r"[^，,。；;、]{0,8}?(?:全部|均已|均)")
# results reached: 截至5月, 去年, 已建成, 达到了92%
PAST_WORDS = ("截至", "截止", "去年", "上年", "上一年", "已经", "已", "了", "过去", "一年来", "以来")
PAST_NOT = ("为了", "了解", "除了", "了如", "已于")


def _not_a_commitment(text, start, end, head, tail, clause, unit, value, year):
    """Conditions, scopes, ranges, scoring rules, impossible shares and results already reached."""
    if unit != "%" and (tail.startswith(("以上的", "以下的")) or (tail.startswith("的") and head.rstrip().endswith(CONDITION_BEFORE))) \
            and not any(word in head for word in COMMITTING if word not in CONDITION_BEFORE):
        return True
    if tail.startswith(("之外", "以外")):
        return True  # 8小时之外
    if "在" in text[max(0, start - 6):start] and "试点" in text[end:end + 14]:
        return True  # 在全区11个乡镇(街道)试点开展: where, not how many
    if tail[:1] in RANGE_MARKS and tail[1:2].isdigit() or (head.endswith(RANGE_MARKS) and head[-2:-1] in RANGE_ENDS):
        return True  # 10000人至25000人的学校, 3至5人
    if any(word in clause for word in SCORING_WORDS) and ("分" in clause):
        return True  # 每缺席1人扣1分, 得满分的80%
    if unit == "%" and value > 100:
        return True  # a share above 100 % (学习率超200%) is no plan's target
    if ATTENDANCE.match(tail):
        return True  # 共120余人参加会议: who came to the meeting a report tells of
    if ATTENDED_BY.match(text, end):
        return True  # 18个社区团组织书记、负责人等40余人参加会议: who they were, not a count to reach
    if unit != "%" and RATE_OF_THEM.match(tail) and not any(word in head for word in COMMITTING + AT_LEAST_BEFORE):
        return True  # 全镇18个行政村团支部按期换届率达到100%: how many the rate is of
    if ALL_OF_THEM.match(tail):
        return True  # 全校200个团支部全部完成…: how many there are, all of which do something
    return _reached(text, start, year)


def _reached(text, start, year):
    """Whether the sentence leading to the number reports a result: past-tense words, or a year
    before the plan's own."""
    sentence_start = max(text.rfind("。", 0, start), text.rfind("；", 0, start), start - 120) + 1
    lead = text[sentence_start:start]
    for word in PAST_WORDS:
        at = lead.find(word)
        if at != -1 and not any(lead.startswith(other, max(0, at - 1)) or lead.startswith(other, at) for other in PAST_NOT):
            return True
    if year:
        for match in YEAR.finditer(lead):
            if int(match.group(1)) < year and lead[max(0, match.start() - 1):match.start()] not in ("到", "至", "比", "较"):
                return True
    return False


COMPARATOR_WORDS = sorted([(w, ">=") for w in AT_LEAST_BEFORE] + [(w, "<=") for w in AT_MOST_BEFORE],
                          key=lambda item: len(item[0]), reverse=True)


def _comparator(head: str, tail: str) -> tuple[str, str]:
    """The comparator word nearest before the number (不少于 before 少于), else the word after it;
    with the word that decided it ("" when none did)."""
    head = head.rstrip()
    best = None
    for word, comparator in COMPARATOR_WORDS:
        position = head.rfind(word)
        if position != -1 and (best is None or position + len(word) > best[0]):
            best = (position + len(word), comparator, word)
    for word, comparator in (("以内", "<="), ("以下", "<="), ("左右", "="), ("以上", ">=")):
        if tail.startswith(word) and (comparator != ">=" or not best):
            return comparator, word
    return (best[1], best[2]) if best else (">=", "")


TAIL_WORDS = re.compile(r"^(?:以上|以内|以下|左右|的|余|多)++")
# longest first: 不超过 goes whole, not as 超过 leaving 不
HEAD_WORDS = ("不少于", "不低于", "不超过", "控制在", "至少", "达到", "突破", "超过", "低于", "降至", "比例", "达", "为")


def _metric(head: str, tail: str, unit: str) -> str:
    tail = TAIL_WORDS.sub("", tail).strip()
    if tail and unit != "%":
        return tail[:40]
    head = _without_words_at_end(head, HEAD_WORDS).strip()
    return (head + ("比例" if unit == "%" and tail == "" else tail))[:60] or unit


def _without_words_at_end(text: str, words) -> str:
    """``text`` without the run of ``words`` it ends with (spaces after the run go too).

    A loop from the end rather than a pattern searched from every position, which would rescan
    a long run of such words once per position."""
    end = len(text.rstrip())
    while word := next((w for w in words if text.endswith(w, 0, end)), None):
        end -= len(word)
    return text[:end]


# --- the whole -------------------------------------------------------------------------------


def _without_sections(lines, title):
    """A document with no 一、 sections: its （一） headings are the sections, or else the whole
    text is one section (unnumbered, which the review page offers to structure by hand) whose points
    are its numbered items, or its paragraphs that hold targets, or the whole text as one point."""
    promoted = [SECTION_FROM_GROUP.sub(r"\1、", line) for line in lines]
    if any(SECTION.match(line) for line in promoted) and promoted != lines:
        sections = parse_structure(promoted)
        if sections:
            for section in sections:
                _rated(section, FAIR, _reason(R_GROUP_AS_SECTION, number=section["number"]))
            return sections
    section = _rated({"number": "", "title": title or "", "points": []}, DOUBTFUL, R_ONE_SECTION)
    for line in lines:
        match = POINT.match(line)
        if match:
            section["points"].append(_rated({"number": _number_of_point(match), "group": None, "title": lead_phrase(match.group(4)),
                                             "text": [match.group(4)]}, FAIR, _reason(R_POINT_NO_SECTION, number=_number_of_point(match))))
        elif section["points"]:
            section["points"][-1]["text"].append(line)
    for point in section["points"]:
        point["text"] = "".join(point["text"])
    if not section["points"]:
        section["points"] = [_rated({"number": "", "group": None, "title": lead_phrase(line), "text": line},
                                    DOUBTFUL, R_PARAGRAPH_POINT)
                             for line in lines if line != title and find_targets(line, limit=1)]
    if not section["points"] and any(line != title for line in lines):
        body = "\n".join(line for line in lines if line != title)
        section["points"] = [_rated({"number": "", "group": None, "title": lead_phrase(body)[:60], "text": body},
                                    DOUBTFUL, R_NOTHING)]
    return [section] if section["points"] else []


# --- flattened tables ----------------------------------------------------------------------
#
# A 考核目标分解表 copied out of a page or a PDF comes one cell per line: a run of header cells
# (序号, 工作任务, 达标值, 争取值, 牵头部室 …), then the rows, as many cells each.

TABLE_HEADER = re.compile(
    r"(?:20\d\d年度?)?+(?:完成值|实际值|完成情况|基数)|(?:20\d\d年度?)?+(?:达标值|争取值|目标值)|序号|(?:考核|工作)?项目|(?:考核|指标)?类别|工作任务|重点任务|目标任务|任务|工作内容|考核内容|内容|指标名称|指标|考核指标|单位|计量单位|分值|达标值|争取值|目标值|"
    r"基准值|年度目标|考核目标[^\n]{0,12}+|责任单位|责任部门|牵头部室|牵头部门|牵头单位|配合单位|完成时限|时限|时间|备注"
)
VALUE_HEADER = re.compile(r"达标值|争取值|目标值|年度目标|考核目标")
UNIT_IN_NAME = re.compile(r"[（(]\s*+(" + "|".join(re.escape(u) for u in ["万元", "万人", "人次", "小时", "学时", "场次", "%", "个", "处", "场",
                                                                     "次", "期", "批", "人", "名", "家", "张", "元", "所", "支",
                                                                     "项", "篇", "户", "件", "条"]) + r")\s*+[）)]\s*+$")
CELL_NUMBER = re.compile(r"(\d++(?:\.\d++)?)\s*+(万|亿)?")
TABLE_END = re.compile(r"^(备注|评分标准|说明|注)[:：]")


def take_tables(lines):
    """The lines outside flattened tables, and each table read as one section whose points are its
    rows and whose targets are the value cells (达标值 and 争取值 as two targets)."""
    rest, tables, index = [], [], 0
    while index < len(lines):
        header_end = index
        while header_end < len(lines) and len(lines[header_end]) <= 16 and TABLE_HEADER.fullmatch(lines[header_end]):
            header_end += 1
        header = lines[index:header_end]
        if len(header) >= 3 and any(VALUE_HEADER.search(cell) for cell in header):
            title = rest.pop() if rest and len(rest[-1]) <= 40 and "表" in rest[-1] else ""
            rows, index = [], header_end
            while index + len(header) <= len(lines) and not any(
                    len(cell) > 30 or TABLE_END.match(cell) for cell in lines[index:index + len(header)]):
                rows.append(lines[index:index + len(header)])
                index += len(header)
            tables.append(_table_section(title, header, rows))
            continue
        rest.append(lines[index])
        index += 1
    return rest, tables


def _table_section(title, header, rows):
    points = []
    for number, row in enumerate(rows, 1):
        cells = dict(zip(header, row, strict=True))
        names = [cell for head, cell in cells.items() if head != "序号" and not VALUE_HEADER.search(head)
                 and TABLE_HEADER.fullmatch(head) and head.startswith(("工作", "重点", "目标任务", "任务", "内容", "考核内容", "指标", "考核指标"))]
        name = " ".join(names) or row[0]
        unit_column = next((cell for head, cell in cells.items() if head in ("单位", "计量单位")), "")
        named_unit = UNIT_IN_NAME.search(name)  # 推优入党人数（人）, 主题团日活动开展率（%）
        if not unit_column and named_unit:
            unit_column = named_unit.group(1)
        targets = []
        for head, cell in cells.items():
            if not VALUE_HEADER.search(head):
                continue
            tiers = head.split("/") if "/" in cell else [head]
            for tier, part in zip(tiers, cell.split("/"), strict=False):
                target = _cell_target(name, part.strip(), unit_column, tier)
                if target:
                    targets.append(target)
        points.append(_rated({"number": cells.get("序号", str(number)), "group": None, "title": name[:200],
                              "text": " ".join(row), "targets": targets}, FAIR, R_TABLE_ROW))
    return _rated({"number": "", "title": title or "目标分解表", "points": points}, FAIR, R_TABLE)


def _cell_target(name, cell, unit_column, tier):
    found = find_targets(cell, limit=1)
    if found:
        target = found[0]
    else:
        match = CELL_NUMBER.fullmatch(cell) or (TARGET.fullmatch(cell) if cell.endswith("%") else None)
        if not match or not (unit_column or cell.endswith("%")):
            return None
        value = _value(match.group(1), match.group(2) if match.lastindex and match.lastindex >= 2 and not cell.endswith("%") else None) \
            if not cell.endswith("%") else _value(match.group("num"), None)
        if value is None:
            return None
        unit = "%" if cell.endswith("%") else simplified(unit_column).strip()
        if unit[:1] in CN_BIG and len(unit) > 1:  # a 万元 column: 50 is 500000 元, as in a sentence (50万元)
            value, unit = value * CN_BIG[unit[0]], unit[1:]
        target = {"text": cell, "comparator": ">=", "value": int(value) if value == value.to_integral_value() else float(value),
                  "unit": unit, "deadline": None}
    second = "争取" in tier
    return _rated({**target, "text": f"{name} {cell}", "metric": name[:60]},
                  DOUBTFUL if second else FAIR, _reason(R_TABLE_SECOND if second else R_TABLE_COLUMN, column=tier))


NO_STRUCTURE = _("No sections or numbering were recognised: the whole text is listed as one section (paragraphs holding "
                 "targets as points); please structure it by hand.")
SUMMARY_WORDS = re.compile(r"总结|回顾|完成情况|主要成绩|取得的成效|工作成效")
PLAN_WORDS = re.compile(r"计划|要点|打算|安排|思路|任务|目标")


def _looks_back(title, year):
    """A section of a 工作总结及计划 that reports the past: 上半年工作总结, 2018年工作回顾, 2016年主要工作."""
    years = [int(m.group(1)) for m in YEAR.finditer(title or "")]
    if year and years and max(years) < year:
        return True
    return bool(SUMMARY_WORDS.search(title or "")) and not PLAN_WORDS.search(title or "")


SECTION_FROM_GROUP = re.compile(rf"^\s*+[（(]\s*+([{CN_NUMERAL}]{{1,3}}+)\s*+[）)]\s*+")


def parse_text(text: str) -> dict:
    """The plan in ``text``: title, year and sections with points and targets (the first
    MAX_POINTS and MAX_TARGETS of them). Never raises."""
    original = normalize(text)
    reading = simplified(original)
    lines, tables = take_tables(clean_lines(reading))
    lines, doubtful = split_run_on(lines)
    title, year = find_title(lines + [t["title"] for t in tables])
    sections = parse_structure(lines, doubtful) or _without_sections(lines, title)
    tables = [t for t in tables if t["points"]]
    points_left, targets_left = MAX_POINTS, MAX_TARGETS
    for section in sections + tables:
        section["points"] = section["points"][:points_left]
        points_left -= len(section["points"])
        looking_back = _looks_back(section["title"], year)
        for point in section["points"]:
            if section in tables:
                point["targets"] = point["targets"][:targets_left]
            else:
                point["targets"] = [] if looking_back else find_targets(point["text"], limit=targets_left, year=year)
            targets_left -= len(point["targets"])
        if looking_back:
            _rated(section, section["confidence"], _also(section["reason"], R_SUMMARY))
    structured = any(section["number"] for section in sections + tables) or bool(tables)
    plan = {"title": title, "year": year, "structured": structured, "sections": sections + tables,
            "notice": "" if structured else str(NO_STRUCTURE)}
    if reading != original:
        _restore_script(plan, reading, original)
    return plan


def _restore_script(plan, reading, original):
    """Titles and texts as the document wrote them (traditional where it was): each is found in the
    simplified reading, in document order, and taken from the same place of the original."""
    cursor = 0

    def restore(value, start):
        if not value:
            return value, start
        at = reading.find(value, start)
        if at == -1:
            at = reading.find(value)
        return (original[at:at + len(value)], at) if at != -1 else (value, start)

    plan["title"], _at = restore(plan["title"], 0)
    for section in plan["sections"]:
        section["title"], cursor = restore(section["title"], cursor)
        for group in section.get("groups", []):
            group["title"], _at = restore(group["title"], cursor)
        for point in section["points"]:
            point["title"], cursor = restore(point["title"], cursor)
            point["text"], _at = restore(point["text"], cursor)
            for target in point["targets"]:
                target["text"], at = restore(target["text"], cursor)
                target["metric"], _at = restore(target["metric"], at)


def doubtful_count(parsed: dict) -> int:
    """How many sections, points and targets the parser is unsure of (the review page marks them)."""
    count = 0
    for section in parsed.get("sections", []):
        count += section.get("confidence", 1) < LOW_CONFIDENCE
        for point in section.get("points", []):
            count += point.get("confidence", 1) < LOW_CONFIDENCE
            count += sum(target.get("confidence", 1) < LOW_CONFIDENCE for target in point.get("targets", []))
    return count


def highlight_targets(document: str, parsed: dict) -> str:
    """The document as HTML with every target's text marked, for the review page (escaped)."""
    from django.utils.html import escape

    html = escape(document)
    spans = sorted({t.get("text", "") for s in parsed.get("sections", []) for p in s.get("points", [])
                    for t in p.get("targets", []) if t.get("text")}, key=len, reverse=True)
    for span in spans:
        escaped = escape(span)
        html = html.replace(escaped, f'<mark class="target-span">{escaped}</mark>', 1)
    return html
