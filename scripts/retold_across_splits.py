"""Audit: which texts of different splits (or a new batch and the corpus) may tell one story?

Why it exists: splits are grouped by site, so a story told on two sites (a press release and a
paper's write-up of it, a blog repost, a document mirrored on a PDF host, the same deal at a
later stage) can sit in train and in the frozen test split at once, and the test figure then
flatters the engine. The thirty-second session found eight such pairs this way. Two cheap
screens list candidate pairs for a person to judge; neither is a verdict (two councils'
different contracts can share a title):

- the source titles share most of their words (Jaccard of title words >= 0.55);
- the texts share word 4-grams (>= 0.12 of the shorter text's, ignoring very common ones);
- a proper name (a capitalised word the corpus never writes in lower case: "UPDESCO", "Palermo",
  "Recreation.gov") that one other text alone has. A retold story is reworded, so its word
  sequences differ, but its names stay: the fifty-second round's reviewer found two retold stories
  by their names that the first two screens had not paired. Run on the fifty-first and
  fifty-second rounds' batches as handed in, this screen pairs three of the five stories their
  reviewers dropped as retold, among about fifty pairs per batch.

Usage::

    .venv/bin/python scripts/retold_across_splits.py                    # test against train + dev
    .venv/bin/python scripts/retold_across_splits.py --batch new.jsonl  # a batch against the corpus

Prints pairs (ids, sites, titles; the shared names for the third screen), never a text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.runtime.originality import words  # noqa: E402  (after the path is set)
from bot.runtime.realtext import Item, item_from_dict, load, read_jsonl  # noqa: E402

TITLE_CUT = 0.55
SHINGLE_CUT = 0.12
#: Title words that say what kind of page it is, not which story.
STOP = set("the a an of and for to in on at by with from rfp page job post case study press news release".split())


def bare_title(title: str) -> str:
    """A source title without the bracketed site name the corpus adds."""
    return re.sub(r"\(.*?\)", " ", title)


def title_words(title: str) -> set[str]:
    """Words of a source title, without the bracketed site name."""
    return {w for w in words(bare_title(title)) if w not in STOP and len(w) > 2}


def shingles(text: str, n: int = 4) -> set[str]:
    ws = words(text)
    return {" ".join(ws[i:i + n]) for i in range(len(ws) - n + 1)}


_TOKEN = re.compile(r"[^\W_][\w'&.-]*")  # linear: one repeated class, nothing after it; any script


def tokens(text: str) -> list[str]:
    """Words with their case, inner dots and hyphens kept ("Recreation.gov", "COVID-19", "Aragón")."""
    return [t.rstrip(".-'&") for t in _TOKEN.findall(text)]


def lower_case_words(items: Sequence[Item]) -> set[str]:
    """Every word some text writes in lower case: such a word is a common word, never a name."""
    return {t for it in items for t in tokens(it.text) if t[:1].islower()}


def proper_names(item: Item, common: set[str]) -> set[str]:
    """Capitalised words of the text and title (3+ letters) that ``common`` never holds in lower case."""
    found = tokens(item.text) + tokens(bare_title(item.source_title))
    return {t.lower() for t in found if len(t) >= 3 and t[:1].isupper() and t.lower() not in common}


def name_pairs(probe: Sequence[Item], pool: Sequence[Item]) -> list[tuple[Item, Item, list[str]]]:
    """(probe item, pool item, shared names) where a name of the probe item is in that pool item
    alone among the pool's other sites: a name in two or more other texts is a place or a firm the
    corpus often meets, not the mark of one story."""
    common = lower_case_words(pool)
    holders: dict[str, set[str]] = defaultdict(set)
    for b in pool:
        for name in proper_names(b, common):
            holders[name].add(b.id)
    by_id = {b.id: b for b in pool}
    out: list[tuple[Item, Item, list[str]]] = []
    for a in probe:
        shared: dict[str, list[str]] = defaultdict(list)
        for name in sorted(proper_names(a, common)):
            others = [b_id for b_id in holders.get(name, ()) if by_id[b_id].source != a.source]
            if len(others) == 1:
                shared[others[0]].append(name)
        out.extend((a, by_id[b_id], names) for b_id, names in sorted(shared.items()))
    return out


def candidate_pairs(probe: Sequence[Item], pool: Sequence[Item]) -> list[tuple[str, float, Item, Item]]:
    """(screen, score, probe item, pool item) for every pair either screen flags."""
    out: list[tuple[str, float, Item, Item]] = []
    pool_titles = [(it, title_words(it.source_title)) for it in pool]
    for a in probe:
        ta = title_words(a.source_title)
        if len(ta) < 4:
            continue
        for b, tb in pool_titles:
            if len(tb) >= 4 and a.source != b.source:
                j = len(ta & tb) / len(ta | tb)
                if j >= TITLE_CUT:
                    out.append(("title", j, a, b))
    grams = {it.id: shingles(it.text) for it in [*probe, *pool]}
    index: dict[str, set[str]] = defaultdict(set)
    for b in pool:
        for g in grams[b.id]:
            index[g].add(b.id)
    by_id = {b.id: b for b in pool}
    for a in probe:
        shared: dict[str, int] = defaultdict(int)
        for g in grams[a.id]:
            if len(index[g]) <= 30:  # a 4-gram in many texts is boilerplate, not a shared story
                for b_id in index[g]:
                    shared[b_id] += 1
        for b_id, count in shared.items():
            b = by_id[b_id]
            share = count / max(1, min(len(grams[a.id]), len(grams[b_id])))
            if share >= SHINGLE_CUT and a.source != b.source:
                out.append(("text", share, a, b))
    return sorted(out, key=lambda row: -row[1])


def read_batch(paths: list[str]) -> list[Item]:
    return [item_from_dict(record, "batch") for record in read_jsonl(paths)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", nargs="*", help="JSON Lines batch files to compare with the whole corpus")
    args = parser.parse_args(argv)
    if args.batch:
        probe, pool = read_batch(args.batch), load()
    else:
        probe, pool = load(["test"]), load(["train", "dev"])
    rows = candidate_pairs(probe, pool)
    for screen, score, a, b in rows:
        print(f"{screen:5s} {score:.2f}  {a.id} ({a.split}, {a.source}) | {b.id} ({b.split}, {b.source})"
              f"  | {a.source_title[:60]} | {b.source_title[:60]}")
    named = name_pairs(probe, pool)
    for a, b, names in named:
        print(f"name  {', '.join(names)[:40]}  {a.id} ({a.split}, {a.source}) | {b.id} ({b.split}, {b.source})"
              f"  | {a.source_title[:60]} | {b.source_title[:60]}")
    print(f"{len(rows)} candidate pairs by title or words; {len(named)} by a name one other text alone has")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
