"""Every regular expression in the bot's code runs in linear time on any input.

One crafted message with a regex that backtracks can hold the whole server (a run of
newlines froze it for 47 s once), so this is checked for all of them, two ways:

- ``regexploit`` (static analysis) finds the cubic and exponential cases: nested or
  adjacent quantifiers that can share characters.
- It does not report quadratic ones (a search that re-scans the rest of a long run of
  digits from every digit, a lazy span that never closes). For those each pattern is run,
  as a search over the whole text, on runs built from its own characters and words; the
  worst run found at 200 characters is measured again at 16 times that length. Linear
  work grows about 16 times, quadratic work 256 times; a pattern fails above 64 times.
  Absolute times are only a floor under the ratio (below 2 ms at 3,200 characters any
  growth is noise), so a slow machine does not fail it.

The patterns are read from the source (every ``re.<function>("literal", ...)`` call), and a
guard test makes sure no regex is built in a way this scan cannot see.
"""

from __future__ import annotations

import ast
import re
import sre_constants
import sre_parse
import time
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "channels", "actions")
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
FLAGS_ARG = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
             "split": 3, "sub": 3, "subn": 3}

SMALL, BIG = 200, 3200
MAX_GROWTH = 64  # linear: ~16, quadratic: ~256
NOISE_FLOOR_S = 0.002
#: A pattern this slow on 200 characters is super-linear whatever the ratio says.
SMALL_LIMIT_S = 0.05
#: Characters every pattern is tried with, beside its own: blanks, digits, punctuation, odd Unicode.
EXTRA_CHARS = " \n\ta1.,é😀\u2028#*`<>|~_-/&+()[]!@:;'\""


class Found(NamedTuple):
    where: str
    pattern: re.Pattern


def _files() -> Iterator[Path]:
    for folder in SOURCES:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _re_calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in RE_FUNCTIONS):
            yield node


def _flags(call: ast.Call) -> int:
    node = next((k.value for k in call.keywords if k.arg == "flags"), None)
    position = FLAGS_ARG[call.func.attr]  # type: ignore[attr-defined]
    if node is None and len(call.args) > position:
        node = call.args[position]
    if node is None:
        return 0
    return int(eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re}))  # re.I | re.S


def project_patterns() -> list[Found]:
    found = []
    for path in _files():
        for call in _re_calls(ast.parse(path.read_text(encoding="utf-8"))):
            if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                found.append(Found(where, re.compile(call.args[0].value, _flags(call))))
    return found


PATTERNS = project_patterns()


def test_the_scan_sees_every_regex():
    """A pattern built at run time (a variable, an f-string) would escape both checks below."""
    hidden = []
    for path in _files():
        for call in _re_calls(ast.parse(path.read_text(encoding="utf-8"))):
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not hidden, f"regexes built from non-literal patterns: {hidden}"
    assert len(PATTERNS) >= 30  # the scan really reads the modules (about 35 today)


@pytest.mark.parametrize("found", PATTERNS, ids=lambda f: f.where)
def test_regexploit_finds_no_redos(found: Found):
    from regexploit.ast.sre import SreOpParser
    from regexploit.redos import find

    text = found.pattern.pattern
    variants = [text]
    if not text.startswith("^"):  # a search tries every start: as if the pattern began with .*?
        variants.append(r"[\s\S]*?(?:" + text + ")")
    for variant in variants:
        redos = find(SreOpParser().parse_sre(variant, found.pattern.flags))
        assert not redos, f"{found.where}: {text!r} backtracks super-linearly, e.g. on {redos[0].example()}"


# ----- quadratic cases, by growth -------------------------------------------------------------
def _pieces(pattern: re.Pattern) -> tuple[list[str], list[str]]:
    """The characters the pattern mentions (plus :data:`EXTRA_CHARS`) and its literal words."""
    chars, words = set(EXTRA_CHARS), set()

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        run = ""
        for op, arg in items:
            if op is sre_constants.LITERAL:
                run += chr(arg)
                chars.add(chr(arg))
                continue
            if len(run) > 1:
                words.add(run)
            run = ""
            if op is sre_constants.IN:
                for kind, value in arg:
                    if kind is sre_constants.LITERAL:
                        chars.add(chr(value))
                    elif kind is sre_constants.RANGE:
                        chars.update((chr(value[0]), chr(value[1])))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                walk(arg[2])
            elif op is sre_constants.SUBPATTERN:
                walk(arg[3])
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(arg[1])
        if len(run) > 1:
            words.add(run)

    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return sorted(chars), sorted(w for w in words if len(w) <= 12)


def _runs(pattern: re.Pattern) -> Iterator[tuple[str, str, str]]:
    """(prefix, repeated unit, final character): a way into the pattern, a long run of what
    one of its quantifiers takes, and an ending that makes the match fail late."""
    chars, words = _pieces(pattern)
    units = chars + [" " + c for c in chars] + [w + " " for w in words]
    prefixes = [""] + words + [c for c in chars if not (c.isalnum() or c.isspace())]
    for unit in units:
        for prefix in prefixes:
            for last in ("", "a"):
                yield prefix, unit, last


def _text(prefix: str, unit: str, last: str, size: int) -> str:
    return prefix + unit * (size // len(unit)) + last


def _seconds(pattern: re.Pattern, text: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _match in pattern.finditer(text):  # a search from every position, as sub/split/findall do
            pass
        best = min(best, time.perf_counter() - start)
    return best


def growth_problems(pattern: re.Pattern) -> list[str]:
    """Inputs on which ``pattern`` takes super-linear time, described; empty when none."""
    timed = []
    for prefix, unit, last in _runs(pattern):
        text = _text(prefix, unit, last, SMALL)
        seconds = _seconds(pattern, text)
        if seconds > SMALL_LIMIT_S:  # or the machine was busy: measure again
            seconds = _seconds(pattern, text, repeat=3)
        if seconds > SMALL_LIMIT_S:
            return [f"{seconds * 1000:.0f} ms on {text[:40]!r}... ({len(text)} characters)"]
        timed.append((seconds, prefix, unit, last))
    timed.sort(reverse=True)
    problems = (_growth(pattern, prefix, unit, last) for _s, prefix, unit, last in timed[:3])
    return [p for p in problems if p]


def _growth(pattern: re.Pattern, prefix: str, unit: str, last: str) -> str:
    """What is wrong when a run grown 16 times takes more than 64 times as long, else ''.

    A busy machine (a model training on the same two cores) can stretch one timing; a
    super-linear pattern is slow every time, so a bad ratio is measured once more before
    it counts.
    """
    for _attempt in range(2):
        small = _seconds(pattern, _text(prefix, unit, last, SMALL), repeat=5)
        big = _seconds(pattern, _text(prefix, unit, last, BIG), repeat=3)
        if not (big > NOISE_FLOOR_S and big > MAX_GROWTH * small):
            return ""
    return f"{big / small:.0f}x the time for {BIG // SMALL}x the text ({prefix!r} + {unit!r} * n + {last!r})"


@pytest.mark.parametrize("found", PATTERNS, ids=lambda f: f.where)
def test_no_regex_grows_faster_than_its_input(found: Found):
    problems = growth_problems(found.pattern)
    assert not problems, f"{found.where}: {found.pattern.pattern!r} is super-linear: {problems}"


def test_the_checks_catch_the_patterns_that_froze_the_bot():
    """Both checks work: regexploit on the old list-glue pattern (cubic), the growth check on
    the old volume-answer pattern (quadratic: it re-scanned digit runs from every digit)."""
    from regexploit.ast.sre import SreOpParser
    from regexploit.redos import find

    assert find(SreOpParser().parse_sre(r"^[\s,/&+]*(?:and|or|nor|&|/|,|\+)?[\s,/&+]*(?:and|or)?\s*$"))
    from bot.dialogue.conversation import _NUMBER

    old_number = re.compile(r"~?\d[\d,.]*\s*(?:k|m|mm|thousand|million)?\b", re.I)
    assert _growth(old_number, "", "1", "a") and not _growth(_NUMBER, "", "1", "a")
    assert not growth_problems(re.compile(r"[ \t]+"))


# ----- the rewritten patterns mean what the old ones meant ------------------------------------
def _random_texts(vocabulary: list[str], count: int = 20000, seed: int = 7) -> Iterator[str]:
    import random

    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 9)))


def test_volume_answer_number_is_found_where_the_old_pattern_found_it():
    from bot.dialogue.conversation import _NUMBER

    old = re.compile(r"~?\d[\d,.]*\s*(?:k|m|mm|thousand|million)?\b", re.IGNORECASE)
    for text in _random_texts(list("0123456789,.~ kmKx\n-") + ["mm", "thousand", "million", "  "]):
        before, now = old.search(text), _NUMBER.search(text)
        assert (before and (before.span(), before.group())) == (now and (now.span("number"), now.group("number"))), text


@pytest.mark.parametrize("name, old, vocabulary", [
    ("_LIST_GLUE", r"^[\s,/&+]*(?:and|or|nor|&|/|,|\+)?[\s,/&+]*(?:and|or)?\s*$",
     [" ", ",", "/", "&", "+", "and", "or", "nor", "\n", "x", "AND", "\t"]),
    ("_EXCLUDED_AFTER", r"^\s*(?:is|are|'s|was|were)?\s*(?:(?:not|n't)\b|out\b|off the table|gone|no longer"
     r"|dropped|cancelled|canceled|excluded|not needed|out of scope"
     r"|(?:[\w-]+\s+){0,3}(?:and\s+)?(?:rejected|ruled out|turned down|shelved|abandoned)\b)",
     [" ", "  ", "\n", "is", "are", "'s", "was", "were", "not", "n't", "out", "off the table", "gone", "x", "outx",
      "and", "rejected", "ruled out", "shelved"]),
])
def test_mention_cues_match_what_the_old_patterns_matched(name: str, old: str, vocabulary: list[str]):
    import bot.language.mentions

    before, now = re.compile(old, re.IGNORECASE), getattr(bot.language.mentions, name)
    for text in _random_texts(vocabulary):
        assert bool(before.match(text)) == bool(now.match(text)), text


def test_code_spans_and_headings_in_slack_text():
    from bot.views.mrkdwn import _code_spans, markdown_to_mrkdwn

    assert _code_spans("a `x` b ``y ` z`` c") == [(2, 5), (8, 17)]
    assert _code_spans("``` no closer `") == []
    assert markdown_to_mrkdwn("keep `**this**` as is, **bold** not") == "keep `**this**` as is, *bold* not"
    assert markdown_to_mrkdwn("## Title ##  ") == "*Title*"
    assert markdown_to_mrkdwn("# a # #") == "*a #*"
