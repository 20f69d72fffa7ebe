"""Plan documents in, structured plan out: a 工作要点 text or .docx → sections, points, targets.

The output has the shape of the annotated samples (tests/plan_samples/*.expected.json):
``{"title", "year", "sections": [{"number", "title", "points": [{"number", "group", "title",
"text", "targets": [{"text", "metric", "comparator", "value", "unit", "deadline"}]}]}]}``.

Real documents come from web pages: navigation, notices, dates, click counts, copyright lines
and page markers surround the plan. The parser first cleans the text, then reads the numbered
structure (一、 / （一） / 1. 1、 （1） ① / 一是…), then finds quantified commitments in each
point. It never raises on any text and returns the same result for the same input.
"""
import html
import io
import re
import unicodedata
from decimal import Decimal

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
    r"^\s*+(通知公告|近年工作|新闻中心|首页)\s*+$|违法和不良信息|举报电话)",
    re.IGNORECASE,
)
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
ENUMERATED = re.compile(rf"([{CN_NUMERAL}]{{1,3}}是)")
TITLE_WORDS = re.compile(r"(工作要点|工作计划|工作安排|工作思路|任务书|重点工作|工作任务)")
YEAR = re.compile(r"(20\d\d|19\d\d)\s*+年")


def clean_lines(text: str) -> list[str]:
    """Lines of the plan with page markers, navigation, footers and notice blocks removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text and HTML_HINT.search(text):
        text = HTML_LINE_END.sub("\n", text)
        text = HTML_TAG.sub("", text)  # a page saved as text with its markup
    text = LONG_DECIMAL_REFERENCE.sub(_decimal_reference, text)
    text = html.unescape(text).replace("\ufffd", "").translate(FULLWIDTH)
    text = SPACE_RUN.sub(" ", text)
    text = PAGE_MARKER_LINE.sub("\n", text)
    text = PAGE_MARKERS.sub("", text)
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
        if len(line) < 200 and NOISE_LINE.search(line):
            continue
        if DATE_LINE.fullmatch(line):  # dates and times alone
            continue
        lines.append((line, blank_before))
        blank_before = False
    return _join_broken_lines(lines)


def _decimal_reference(match) -> str:
    """&#00065; as html.unescape reads it; a number beyond Unicode (html gives U+FFFD) as nothing."""
    digits = match.group(1).lstrip("0") or "0"
    return f"&#{digits};" if len(digits) <= 7 else ""


def _join_broken_lines(lines):
    """Rejoin a sentence a document viewer broke in the middle: a long line not ending a
    sentence, directly followed (no blank line) by one that starts no numbered item."""
    joined = []  # each a list of parts, joined once at the end (a long run of pieces stays linear)
    length, heading = 0, False  # of the last joined line
    for line, blank_before in lines:
        if (
            joined
            and not blank_before
            and length > 30
            and not heading
            and not joined[-1][-1].endswith(SENTENCE_END)
            and not (SECTION.match(line) or GROUP.match(line) or POINT.match(line))
        ):
            joined[-1].append(line)
            length += len(line)
        else:
            joined.append([line])
            length, heading = len(line), bool(SECTION.match(line) or GROUP.match(line))
    return ["".join(parts) for parts in joined]


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
    """The document's title and year: a short line naming a plan, the first with a year."""
    candidates = [
        line for line in lines[:40]
        if TITLE_WORDS.search(line) and len(line) <= 60 and "/" not in line and ">" not in line and not SECTION.match(line)
        and not line.endswith(("。", "，"))
    ]
    title = next((c for c in candidates if YEAR.search(c)), candidates[0] if candidates else "")
    year_match = YEAR.search(title) or next((YEAR.search(line) for line in lines[:40] if YEAR.search(line)), None)
    return title, int(year_match.group(1)) if year_match else None


def _is_next(previous: str | None, current: str) -> bool:
    value = chinese_to_int(current)
    if value is None:
        return False
    return value == 1 if previous is None else value == chinese_to_int(previous) + 1


def parse_structure(lines):
    """Sections (一、), their groups (（一）) and points (1. 1、 （1） ① or 一是…).

    The leaf numbered items of a section are its points: where a section has groups but no
    numbered items below them, the groups themselves are its points. While reading, an item's
    text is a list of parts, joined once at the end: appending to a growing string would copy it
    for every line a long paragraph runs on.
    """
    sections, section, group = [], None, None
    for line in lines:
        match = SECTION.match(line)
        if match and _is_next(section["number"] if section else None, match.group(1)):
            title = lead_phrase(match.group(2))
            if len(title) <= 50:
                section = {"number": match.group(1), "title": title, "points": [], "groups": [], "body": []}
                sections.append(section)
                group = None
                rest = match.group(2)[len(title):].lstrip("。：: ")
                if rest:
                    section["body"].append((None, rest))
                continue
        if section is None:
            continue
        match = GROUP.match(line)
        if match and chinese_to_int(match.group(1)):
            group = match.group(1)
            body = match.group(2)
            section["groups"].append({"number": group, "group": None, "title": lead_phrase(body), "text": [body]})
            continue
        match = POINT.match(line)
        if match:
            number = match.group(1) or match.group(2) or str(CIRCLED.index(match.group(3)) + 1)
            body = match.group(4)
            section["points"].append({"number": number, "group": group, "title": lead_phrase(body), "text": [body]})
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
            section["points"] = groups
        else:
            if not section["points"]:
                section["points"] = _enumerated_points(section.pop("body"))
            if groups:
                section["groups"] = [{"number": g["number"], "title": g["title"]} for g in groups]
        section.pop("body", None)
        for point in section["points"]:
            point["text"] = "".join(point["text"])
    return sections


def _enumerated_points(body):
    """Points written as 一是…二是… inside the paragraphs of a section (texts as lists of parts)."""
    points = []
    for group, paragraph in body:
        parts = ENUMERATED.split(paragraph)
        previous = None
        for i in range(1, len(parts) - 1, 2):
            number = parts[i]
            if not _is_next(previous, number[:-1]):
                if points and previous is not None:
                    points[-1]["text"] += [number, parts[i + 1]]
                continue
            previous = number[:-1]
            body_text = parts[i + 1].lstrip("，,：: ")
            points.append({"number": number, "group": group, "title": lead_phrase(body_text), "text": [body_text]})
    return points


# --- targets ---------------------------------------------------------------------------------

UNITS = sorted(
    ["个", "处", "场次", "场", "次", "期", "批", "人次", "万人", "人", "名", "家", "张", "元", "万元", "亿元", "小时", "学时",
     "%", "所", "支", "项", "篇", "户", "遍", "座", "条", "部", "本", "份", "件", "天", "课时", "万小时", "公里", "平方米",
     "亩", "岗位", "队", "届"],
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
AT_LEAST_BEFORE = ("不少于", "不低于", "至少", "达到", "突破", "超过", "多于", "达", "逾", "覆盖", "实现")
AT_MOST_BEFORE = ("不超过", "不高于", "控制在", "低于", "降至", "少于", "压缩到", "压缩至")
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


def find_targets(text: str, limit: int = MAX_TARGETS) -> list[dict]:
    """Quantified commitments in a point's text, with comparator, value, unit and deadline
    (the first ``limit`` of them)."""
    found = []
    for match in TARGET.finditer(text or ""):
        if len(found) >= limit:
            break
        number, unit = match.group("num"), match.group("unit")
        start, end = match.span()
        before = text[max(0, start - 8):start]
        if _not_a_count(text, match, before):
            continue
        value = _value(number, match.group("mult"))
        if value is None:
            continue
        clause_start, clause_end = _clause_bounds(text, start, end)
        clause = text[clause_start:clause_end].strip()
        head = text[clause_start:start]
        tail = text[end:clause_end]
        comparator = _comparator(head, tail)
        if unit == "%" and not any(w in head for w in AT_LEAST_BEFORE + AT_MOST_BEFORE) and not tail.startswith(("以上", "以内", "的")):
            if not RATE_WORDS.search(clause):
                continue  # a bare percentage in passing (同比增长20%) is not a commitment
        metric = _metric(head, tail, unit)
        deadline = DEADLINE.search(text[max(0, clause_start - 12):clause_end])
        found.append({
            "text": clause,
            "metric": metric,
            "comparator": comparator,
            "value": int(value) if value == value.to_integral_value() else float(value),
            "unit": "%" if unit == "%" else unit,
            "deadline": deadline.group(1) if deadline and deadline.group(1) != "每年" else None,
        })
    return found


COMPARATOR_WORDS = sorted([(w, ">=") for w in AT_LEAST_BEFORE] + [(w, "<=") for w in AT_MOST_BEFORE],
                          key=lambda item: len(item[0]), reverse=True)


def _comparator(head: str, tail: str) -> str:
    """The comparator word nearest before the number (不少于 before 少于), else the word after it."""
    head = head.rstrip()
    best = None
    for word, comparator in COMPARATOR_WORDS:
        position = head.rfind(word)
        if position != -1 and (best is None or position + len(word) > best[0]):
            best = (position + len(word), comparator)
    if tail.startswith(("以内", "以下")):
        return "<="
    if tail.startswith("左右"):
        return "="
    return best[1] if best else ">="


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
    text is one section whose points are its numbered items, or its paragraphs that hold targets."""
    promoted = [SECTION_FROM_GROUP.sub(r"\1、", line) for line in lines]
    if any(SECTION.match(line) for line in promoted) and promoted != lines:
        sections = parse_structure(promoted)
        if sections:
            return sections
    section = {"number": "", "title": title or "", "points": []}
    for line in lines:
        match = POINT.match(line)
        if match:
            number = match.group(1) or match.group(2) or str(CIRCLED.index(match.group(3)) + 1)
            section["points"].append({"number": number, "group": None, "title": lead_phrase(match.group(4)), "text": [match.group(4)]})
        elif section["points"]:
            section["points"][-1]["text"].append(line)
    for point in section["points"]:
        point["text"] = "".join(point["text"])
    if not section["points"]:
        section["points"] = [{"number": "", "group": None, "title": lead_phrase(line), "text": line}
                             for line in lines if line != title and find_targets(line, limit=1)]
    return [section] if section["points"] else []


SECTION_FROM_GROUP = re.compile(rf"^\s*+[（(]\s*+([{CN_NUMERAL}]{{1,3}}+)\s*+[）)]\s*+")


def parse_text(text: str) -> dict:
    """The plan in ``text``: title, year and sections with points and targets (the first
    MAX_POINTS and MAX_TARGETS of them). Never raises."""
    lines = clean_lines(text)
    title, year = find_title(lines)
    sections = parse_structure(lines) or _without_sections(lines, title)
    points_left, targets_left = MAX_POINTS, MAX_TARGETS
    for section in sections:
        section["points"] = section["points"][:points_left]
        points_left -= len(section["points"])
        for point in section["points"]:
            point["targets"] = find_targets(point["text"], limit=targets_left)
            targets_left -= len(point["targets"])
    return {"title": title, "year": year, "sections": sections}


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
