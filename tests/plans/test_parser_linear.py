"""The plan parser is linear on any input: no text a user can send holds a worker.

Every regular expression on the parser path (plans/parser.py, and deadline_from_phrase in
plans/services.py) is compiled at module level, where the guard below finds it and feeds it
adversarial strings built from its own characters and from every kind of Unicode whitespace.
The whole parser gets 100,000-character texts of digits, numerals and the punctuation the
patterns look for, interleaved with long whitespace runs. Each must take well under a second of CPU time.
"""
import ast
import inspect
import json
import re
import signal
import sys
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from plans import parser, services, validators
from plans.parser import MAX_CHARS, MAX_POINTS, MAX_TARGETS, find_targets, parse_text

# The limits are on CPU time of the thread that parses (pytest runs the parser, and the test client's requests, in
# this thread), not wall time: wall time also counts waiting for a core, and on a loaded machine a parse that needs
# 0.2 s of CPU took 1.45 s and failed. CPU time counts the parser's own work only, so the limit still tells linear
# from quadratic: the slowest texts below need about 0.25 s of CPU, a quadratic parser many seconds at this size.
cpu_time = time.thread_time
LIMIT = 1.0  # CPU seconds per parse
SIZE = 100_000

# every character Python's \s matches, plus the zero-width ones web pages carry
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] + ["\u200b", "\u2060", "\ufeff"]
# what the patterns look for: digits, numerals, list marks, brackets, page and noise words, units
PIECES = ["1", "12", "2020", "1,000", "1.5", "一", "十二", "两", "〇", "、", "．", ".", "（", "）", "(", ")", "一是", "第", "页",
          "共", "万", "亿", "%", "％", "不少于", "不超过", "达到", "以上", "以内", "场", "个", "，", "。", "；", "：", ":", "-", "[page",
          "]", "①", "&#", "&nbsp;", "<p>", "<br", "<", ">", "首页", "【", "中", "】", "温馨提示", "年", "月", "底前", "+", "x", "率"]


@contextmanager
def time_limit(seconds, what=""):
    """Fail instead of hanging: SIGALRM interrupts even a regular expression stuck in backtracking
    (the re engine checks for signals), and pytest runs tests in the main thread."""
    def expire(signum, frame):
        raise TimeoutError(f"{what!r:.80} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_parses_quickly(text):
    start = cpu_time()
    # a backstop in wall time, far above the limit: a regression fails here rather than hanging the suite
    with time_limit(LIMIT * 5, text):
        result = parse_text(text)
    elapsed = cpu_time() - start
    assert elapsed < LIMIT, f"{text[:60]!r}… ({len(text)} characters) took {elapsed:.2f} s of CPU"
    json.dumps(result)  # and the result can be sent (no integer too long to print)
    return result


def fill(unit, size=SIZE):
    return (unit * (size // max(len(unit), 1) + 1))[:size]


# --- the reported attack ---------------------------------------------------------------------

ATTACKS = {
    "a digit and 1,500 en spaces (4.5 KB)": "1" + "\u2002" * 1500,
    "a digit and 600 en spaces": "1" + "\u2002" * 600,
    "the same between two letters": "a1" + "\u2002" * 1500 + "b",
    "600 between two letters": "a1" + "\u2002" * 600 + "b",
    "inside a work point": "一、强化引领\n1.开展宣讲1" + "\u2002" * 1500 + "。",
    "repeated to 4.5 KB": fill("a1" + "\u2002" * 300, 1500),
    "repeated to 100,000 characters": fill("a1" + "\u2002" * 1500 + "b"),
}


@pytest.mark.parametrize("text", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_reported_attack_parses_in_well_under_a_second(text):
    assert_parses_quickly(text)


def test_the_attack_through_the_api_and_the_import_page_answers_at_once(api, client, people):
    text = "一、强化引领\n1.开展宣讲1" + "\u2002" * 1500 + "。"
    start = cpu_time()
    with time_limit(LIMIT * 5):
        response = api.login(people.leader).post("/api/v1/plans/parse/", {"text": text})
    assert response.status_code == 200 and cpu_time() - start < LIMIT
    client.force_login(people.staff)
    start = cpu_time()
    with time_limit(LIMIT * 5):
        response = client.post("/plans/import/", {"text": text})
    assert response.status_code == 200 and cpu_time() - start < LIMIT


# --- adversarial texts of 100,000 characters -----------------------------------------------

SHAPES = {
    "digit, run": lambda ws: "1" + ws * SIZE,
    "letter digit, run, letter": lambda ws: "a1" + ws * SIZE + "b",
    "year, run": lambda ws: "2020" + ws * SIZE + "x",
    "section mark, run, text": lambda ws: "一、" + ws * SIZE + "x",
    "numeral, run, mark": lambda ws: "一" + ws * SIZE + "、",
    "bracket, run, numeral, run": lambda ws: "（" + ws * (SIZE // 2) + "1" + ws * (SIZE // 2),
    "point number, run, digit": lambda ws: "1" + ws * SIZE + "2",
    "page marker, run": lambda ws: "第" + ws * 10 + "1" + ws * 10 + "页" + ws * SIZE + "x",
    "dash digit, run": lambda ws: "-1" + ws * SIZE + "x",
    "ten thousand, run": lambda ws: "开展1万" + ws * SIZE + "余",
    "navigation, run": lambda ws: "首页" + ws * SIZE + "x",
    "digits and runs interleaved": lambda ws: fill("1" + ws * 7),
    "list marks and runs interleaved": lambda ws: fill("（1）" + ws * 3 + "一、" + ws * 5 + "1." + ws),
    "targets and runs interleaved": lambda ws: fill("不少于" + ws * 2 + "1" + ws * 3 + "万" + ws + "场" + ws * 11),
}


@pytest.mark.parametrize("ws", WHITESPACE, ids=[f"U+{ord(ws):04X}" for ws in WHITESPACE])
def test_long_runs_of_any_whitespace_parse_in_well_under_a_second(ws):
    for shape in SHAPES.values():
        assert_parses_quickly(shape(ws))


REPEATS = {
    "digits": "1" * SIZE,
    "Chinese numerals": "一" * SIZE,
    "bracketed points": "（1）" * 20_000,
    "bracketed points on lines": "（1）\n" * 20_000,
    "numbered lines": "\n".join(["1"] * 50_000),
    "thousands separators": "1" + ",111" * 25_000,
    "commas after digits": "1," * 50_000,
    "a long decimal": "建设1." + "1" * SIZE + "个",
    "a huge count": "建设" + "9" * 5_000 + "个",
    "many targets": "一、强化引领\n1.开展宣讲。" + "不少于1个" * 20_000,
    "many numbered targets": "1.开展宣讲，" + "1个，" * 30_000,
    "enumerations": "一、强化\n" + "一是" * 50_000,
    "out-of-order enumerations": "一、强化\n" + "一是二是四是" * 15_000,
    "comparator words": "开展" + "达到" * 50_000 + "1%",
    "percent": "覆盖率" + "达到1%，" * 20_000,
    "page markers": "第1页共2页" * 15_000,
    "dashes": "-1-" * 30_000,
    "angle brackets": "<p>" + "<" * SIZE,
    "a huge numeric character reference": "&#" + "9" * SIZE + ";",
    "zero-padded character references": "&#" + "0" * 5_000 + "65;" + "&#x" + "0" * 5_000 + "41;",
    "broken lines to join": "开展" * 20 + "\n" + "x\n" * 50_000,
    "a long paragraph": "一、强化\n1." + "开展宣讲" * 25_000,
    "a point that goes on": "一、强化\n1.开展宣讲。\n" + "开展宣讲活动\n" * 14_000,
    "notice blocks": "温馨提示\n" * 20_000,
    "dates alone": "2020年1月1日\n" * 10_000,
    "deadline words": "年内6月底前到2020年" * 8_000,
    "mixed punctuation": fill("、．.（）()一是第万%不少于"),
}


@pytest.mark.parametrize("text", REPEATS.values(), ids=REPEATS.keys())
def test_repeated_pieces_parse_in_well_under_a_second(text):
    assert_parses_quickly(text)


def test_a_text_at_the_ceiling_parses_in_well_under_a_second():
    assert_parses_quickly(fill("一、强化引领\n1.开展宣讲1" + "\u2002" * 50 + "。全年不少于40场。\n", MAX_CHARS))


def test_a_text_built_to_hold_thousands_of_items_keeps_the_first_of_them():
    points = [p for s in parse_text("一、强化\n" + "1.开展宣讲。全年不少于1场。\n" * 5_000)["sections"] for p in s["points"]]
    assert len(points) == MAX_POINTS and all(len(p["targets"]) == 1 for p in points)
    points = parse_text("一、强化\n1.开展宣讲。" + "全年不少于1场，" * 3_000)["sections"][0]["points"]
    assert len(points[0]["targets"]) == MAX_TARGETS


def test_a_count_too_large_for_a_target_to_hold_is_not_a_target():
    assert find_targets("建设" + "9" * 5_000 + "个") == [] and find_targets("新增99999999亿个") == []
    assert find_targets("新增9999亿个")[0]["value"] == 999_900_000_000


RECIPES = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(WHITESPACE), st.integers(0, 3000)), min_size=1, max_size=8)


# no shrinking: each try of a slow example costs seconds, and the failing recipe is shown as found
FIND_ONLY = [Phase.explicit, Phase.reuse, Phase.generate]


@settings(max_examples=40, deadline=None, phases=FIND_ONLY)
@given(recipe=RECIPES)
def test_any_mix_of_pieces_and_whitespace_runs_parses_in_well_under_a_second(recipe):
    unit = "".join(piece + ws * n for piece, ws, n in recipe)
    assert_parses_quickly(fill(unit))


def test_the_cleaning_knows_every_whitespace_that_patterns_match():
    assert set(parser.UNICODE_SPACES) == {ch for ch in WHITESPACE if ch.isspace()} - {"\n"}


def test_whitespace_of_every_kind_reads_as_one_space():
    plan = parse_text("2024年工作要点\n一、\u2002强化\u3000\u2003思想引领\n1.\u2009开展\u200b宣讲\xa0\u2002活动。全年不少于\u20028\u2002场。\n")
    point = plan["sections"][0]["points"][0]
    assert plan["sections"][0]["title"] == "强化 思想引领"
    assert point["title"] == "开展宣讲 活动" and point["targets"][0]["value"] == 8


# --- the guard: every pattern on the parser path, on strings built to make it backtrack ------

GUARDED_MODULES = (parser, services)
GUARD_SIZE = 50_000
PATTERN_LIMIT = 0.5  # CPU seconds per pattern and string; a quadratic pattern needs seconds at this size


def module_patterns():
    for module in GUARDED_MODULES:
        for name, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern):
                yield f"{module.__name__}.{name}", value


def guard_strings(pattern):
    """Generic adversarial strings, and for each character the pattern names, runs of it alone,
    with whitespace between and after, and after whitespace."""
    strings = [ws * GUARD_SIZE + "x" for ws in (" ", "\u2002", "\u3000", "\n")]
    strings += [fill(piece + ws, GUARD_SIZE) for piece in ("1", "一", "（1）", "、") for ws in (" ", "\u2002\u3000")]
    literal = re.sub(r"\\[A-Za-z]|\{\d*,?\d*\}|\(\?P<\w+>", "", pattern.pattern)
    characters = sorted({ch for ch in literal if ch not in "\\^$*+?()[]{}|" and not ch.isspace()} | {"1", "一"})
    for ch in characters:
        strings += [ch * GUARD_SIZE, fill(ch + " ", GUARD_SIZE), ch + "\u2002" * GUARD_SIZE, "\u2002" * GUARD_SIZE + ch]
    return strings


def assert_linear(name, pattern, text):
    """Every way the parser runs a pattern, on one text, within the time a linear pattern needs."""
    start = cpu_time()
    with time_limit(PATTERN_LIMIT * 2, f"{name} on {text[:20]!r}"):
        for _ in pattern.finditer(text):
            pass
        pattern.match(text)
        pattern.fullmatch(text)
    elapsed = cpu_time() - start
    assert elapsed < PATTERN_LIMIT, f"{name} took {elapsed:.2f} s of CPU on {text[:20]!r}… ({len(text)} characters)"


@pytest.mark.parametrize("name, pattern", list(module_patterns()), ids=[name for name, _ in module_patterns()])
def test_every_parser_pattern_is_linear_on_adversarial_strings(name, pattern):
    for text in guard_strings(pattern):
        assert_linear(name, pattern, text)


PUMP = 30_000  # a quadratic pattern needs seconds on a run this long, a linear one well under a millisecond


@st.composite
def near_matches(draw, pattern):
    """A short string the pattern matches, and a filler: whitespace, or one of its characters."""
    sample = draw(st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= 24))
    return sample, draw(st.sampled_from(WHITESPACE + sorted(set(sample))))


def pumped(sample, filler):
    """The sample with one place pumped into a long run of the filler and its end cut or spoilt,
    at each place in turn: the shape that makes backtracking explode."""
    for at in range(len(sample) + 1):
        text = sample[:at] + filler * PUMP + sample[at:]
        yield text[:-1]
        yield text + "\x00"


@pytest.mark.parametrize("name, pattern", list(module_patterns()), ids=[name for name, _ in module_patterns()])
# short samples of patterns with lookarounds take Hypothesis some tries to find
@settings(max_examples=30, deadline=None, phases=FIND_ONLY, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_every_parser_pattern_is_linear_on_pumped_near_matches(name, pattern, data):
    for text in pumped(*data.draw(near_matches(pattern))):
        assert_linear(name, pattern, text)


REGEX_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def inline_patterns(source):
    """Calls to re.* inside functions: their patterns escape the guard above."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for node in ast.walk(function):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in REGEX_CALLS
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                    found.append(f"line {node.lineno}: re.{node.func.attr}")
    return found


@pytest.mark.parametrize("source", [inspect.getsource(parser), inspect.getsource(validators),
                                    inspect.getsource(services.deadline_from_phrase)], ids=["parser", "validators", "deadline_from_phrase"])
def test_the_parser_path_compiles_its_patterns_at_module_level_where_the_guard_sees_them(source):
    assert inline_patterns(source) == []


# --- the size ceiling -------------------------------------------------------------------------


def test_a_pasted_text_over_the_ceiling_is_refused_with_a_clear_message(api, client, people):
    text = "一、强化引领\n" + "开" * MAX_CHARS
    response = api.login(people.leader).post("/api/v1/plans/parse/", {"text": text})
    assert response.status_code == 400
    assert any(str(MAX_CHARS) in message for message in response.json()["errors"]["text"])
    client.force_login(people.staff)
    html = client.post("/plans/import/", {"text": text}).content.decode()
    assert f"文档超过 {MAX_CHARS} 个字符" in html


def test_an_uploaded_text_over_the_ceiling_is_refused_too(api, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("long.txt", ("开" * (MAX_CHARS + 1)).encode("utf-8"))
    response = api.login(people.leader).post("/api/v1/plans/parse/", {"file": upload}, multipart=True)
    assert response.status_code == 400 and str(MAX_CHARS) in response.json()["errors"]["file"][0]


def test_a_text_at_the_ceiling_is_accepted(api, people):
    response = api.login(people.leader).post("/api/v1/plans/parse/", {"text": "一、强化引领\n" + "开" * (MAX_CHARS - 7)})
    assert response.status_code == 200
