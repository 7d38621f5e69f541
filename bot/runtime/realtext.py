"""The real-text corpus: public descriptions reworded, gold-labelled, split by source.

Buyers paste RFP scope sections, case-study paragraphs, forum posts and e-mails. The
corpus in ``data/realtext/`` holds such texts from public pages (each item names its
page's address), reworded in the project's own words and labelled from the spec. This
module reads it, checks it, assigns splits and scores predictions against it; it has no
Rasa import, so the evaluation, the benchmark and the tests share one scorer.

Splits are by *source*: every item of one site lands in the same split, so a model never
sees a sibling of a test text. The test split is frozen: ``data/realtext/test.lock`` records
two hashes per test item, one of its text and gold together and one of its gold alone, and
a test fails when a locked item changes or disappears (adding items is allowed). The gold
never changes. The wording may change only through :func:`revise_test_texts`, which checks
that every gold hash still matches and writes the revision, with its reason and the lock's
previous digest, into the lock itself (an originality pass must be able to reword a text
without unfreezing its labels).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence
from urllib.parse import urlsplit

from bot.config.paths import PROJECT_ROOT
from bot.domain.assessment import CONFIDENCE_ORDER, assess
from bot.domain.signals import Signals
from bot.domain.vocabulary import CANONICAL

CORPUS_DIR = PROJECT_ROOT / "data" / "realtext"
SPLITS = ("train", "dev", "test")
LOCK_PATH = CORPUS_DIR / "test.lock"
MODELS = ("CALL_CENTER", "CONTACT_CENTER", "CX_BPO", "BPO", "UNDETERMINED")
#: Confidence levels as reports list them, strongest first.
CONFIDENCE_LEVELS = tuple(reversed(CONFIDENCE_ORDER))
SET_FIELDS = ("channels", "planned_channels", "excluded_channels", "processes",
              "planned_processes", "excluded_processes", "goals")
#: Kinds an evidence entry may name, and the entity type whose vocabulary its value uses.
EVIDENCE_KINDS = {
    "channel": "channel", "planned_channel": "channel", "excluded_channel": "channel",
    "process": "process", "planned_process": "process", "excluded_process": "process",
    "goal": "goal", "sourcing": "sourcing", "label_requested": "model",
}
REQUIRED = ("id", "source_title", "url", "source_kind", "text", "label", "borderline", "rationale")
SOURCE_KINDS = {"rfp", "sow", "tender", "job", "case_study", "press", "forum", "qa", "email",
                "vendor_page", "other"}
MAX_TEXT_CHARS = 1200


@dataclass(frozen=True)
class Item:
    """One gold-labelled real text."""

    id: str
    url: str
    source_title: str
    source_kind: str
    text: str
    label: str
    gold: Mapping[str, Any]
    borderline: bool
    rationale: str
    split: str

    @property
    def source(self) -> str:
        return source_key(self.url)

    def gold_set(self, name: str) -> frozenset[str]:
        return frozenset(self.gold.get(name) or ())

    def fingerprint(self) -> str:
        """What the frozen test split pins: the text and every gold field."""
        return _digest({"text": self.text, "label": self.label, **dict(self.gold)})

    def gold_fingerprint(self) -> str:
        """The labels alone: what no revision of the frozen test split may change.

        Evidence quotes are words of the text, so a rewording moves them; the signals they
        stand for are labels and stay pinned.
        """
        gold = {k: v for k, v in self.gold.items() if k != "evidence"}
        signals = [str(ev.get("signal", "")) for ev in self.gold.get("evidence") or ()]
        return _digest({"label": self.label, **gold, "evidence_signals": signals})


def _digest(fields: Mapping[str, Any]) -> str:
    """A short, stable hash of JSON-able fields (key order does not matter)."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()[:16]


#: Sites whose split was fixed before their key was computed as it is now. Until the
#: thirty-second session the key kept a port ("democracy.kent.gov.uk:9071"), so one council's
#: pages landed in two splits; the frozen test item keeps its split, so the site is pinned
#: there (its train item, the same procurement told again, was taken out of the corpus).
PINNED_SPLITS = {"democracy.kent.gov.uk": "test"}


def source_key(url: str) -> str:
    """The source group a URL belongs to: its site (host name without ``www.``).

    Grouping by site rather than by page is the stricter choice: a vendor's ten case
    studies, or one deal written up on several pages of a site, never straddle splits.
    The key is the host *name*: a port, user info or the root's trailing dot
    ("issuu.com.") does not make another site.
    """
    host = urlsplit(url.strip()).hostname or ""
    return host.rstrip(".").removeprefix("www.")


def split_of(source: str) -> str:
    """A source's split, from a hash of its key: about 50 % train, 20 % dev, 30 % test.

    Deterministic, so an item added later from an already-used source joins its siblings.
    """
    if source in PINNED_SPLITS:
        return PINNED_SPLITS[source]
    bucket = int(hashlib.sha256(source.encode("utf-8")).hexdigest(), 16) % 10
    return "test" if bucket < 3 else "dev" if bucket < 5 else "train"


def fold_of(source: str, folds: int = 5) -> int:
    """Cross-validation fold of a source (grouped: a source's items share a fold)."""
    return int(hashlib.sha256(f"fold:{source}".encode()).hexdigest(), 16) % folds


def read_jsonl(names: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Records from JSON Lines files (a batch, its excerpts); ValueError names the file and line of a bad one.

    Public because the CLI and the round scripts (``scripts/batch_sites.py``,
    ``scripts/retold_across_splits.py``) read batches the same way and report a bad line alike.
    """
    records = []
    for name in names:
        for n, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{name}:{n}: invalid JSON ({exc.msg})") from None
    return records


def item_from_dict(data: Mapping[str, Any], split: str) -> Item:
    gold = {k: data.get(k) for k in (*SET_FIELDS, "sourcing", "label_requested",
                                     "complaints_program", "evidence")}
    return Item(
        id=str(data["id"]), url=str(data["url"]), source_title=str(data["source_title"]),
        source_kind=str(data["source_kind"]), text=str(data["text"]), label=str(data["label"]),
        gold=gold, borderline=bool(data.get("borderline")), rationale=str(data.get("rationale", "")),
        split=split,
    )


def load(splits: Iterable[str] = SPLITS, directory: Path = CORPUS_DIR) -> list[Item]:
    items = []
    for split in splits:
        path = directory / f"{split}.jsonl"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(item_from_dict(json.loads(line), split))
                except (KeyError, json.JSONDecodeError) as exc:
                    raise ValueError(f"{path.name}:{n}: {exc}") from None
    return items


# ----- checks ------------------------------------------------------------------------------
def problems(raw: Mapping[str, Any]) -> list[str]:
    """What is wrong with one corpus record (empty when it is well-formed)."""
    out = [f"missing {k}" for k in REQUIRED if k not in raw]
    if out:
        return out
    text = str(raw["text"])
    if len(text) > MAX_TEXT_CHARS:
        out.append(f"text longer than {MAX_TEXT_CHARS} characters")
    if not str(raw["url"]).startswith(("http://", "https://")):
        out.append("url is not an http(s) address")
    if raw["source_kind"] not in SOURCE_KINDS:
        out.append(f"unknown source_kind {raw['source_kind']!r}")
    if raw["label"] not in MODELS:
        out.append(f"unknown label {raw['label']!r}")
    for name in SET_FIELDS:
        vocab = CANONICAL["channel" if "channel" in name else "process" if "process" in name else "goal"]
        out += [f"{name}: {v!r} is not canonical" for v in raw.get(name) or () if v not in vocab]
    if raw.get("sourcing") not in (None, "outsourced", "in_house"):
        out.append(f"sourcing {raw.get('sourcing')!r}")
    if raw.get("label_requested") not in (None, *MODELS[:4]):
        out.append(f"label_requested {raw.get('label_requested')!r}")
    have = set()
    for ev in raw.get("evidence") or ():
        signal, quote = ev.get("signal", ""), ev.get("text", "")
        have.add(signal)
        if quote not in text:
            out.append(f"evidence {signal} quotes words that are not in the text: {quote!r}")
    need = {f"{kind}:{v}" for kind in EVIDENCE_KINDS if kind.endswith(("channel", "process"))
            for v in raw.get(kind + "s") or ()}
    need |= {f"goal:{v}" for v in raw.get("goals") or ()}
    need |= {f"{k}:{raw[k]}" for k in ("sourcing", "label_requested") if raw.get(k)}
    if raw.get("complaints_program"):
        need.add("complaints_program:true")
    out += [f"no evidence for {s}" for s in sorted(need - have)]
    if not out:
        by_rules = label_from_gold(raw)
        if by_rules != raw["label"]:
            out.append(f"label {raw['label']} but the spec's rules on the gold signals give {by_rules}")
    return out


def label_from_gold(raw: Mapping[str, Any]) -> str:
    """The model the rulebook gives on an item's gold signals.

    A gold label is the spec's rules applied to the gold signals, never a second opinion
    beside them: when the two disagree, one of them is wrong, and the corpus says which
    before the item lands.
    """
    def gold(name: str) -> frozenset[str]:
        return frozenset(raw.get(name) or ())

    signals = Signals(**{name: gold(name) for name in SET_FIELDS},
                      sourcing=raw.get("sourcing"), label_requested=raw.get("label_requested"),
                      complaints_program=bool(raw.get("complaints_program")))
    return assess(signals).recommendation


def malformed(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per malformed record ("id: problem; problem"), in order; empty when all are fine."""
    return [f"{raw.get('id', '?')}: " + "; ".join(errors) for raw in records if (errors := problems(raw))]


def check_corpus(directory: Path = CORPUS_DIR) -> list[str]:
    """Every problem with the corpus: malformed items, duplicate ids, sources in two splits,
    and locked test items that changed or disappeared."""
    out: list[str] = []
    ids: set[str] = set()
    split_by_source: dict[str, str] = {}
    for split in SPLITS:
        path = directory / f"{split}.jsonl"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            where = f"{path.name}:{n} ({raw.get('id')})"
            out += [f"{where}: {p}" for p in problems(raw)]
            if raw.get("id") in ids:
                out.append(f"{where}: duplicate id")
            ids.add(raw.get("id"))
            src = source_key(str(raw.get("url", "")))
            if split_by_source.setdefault(src, split) != split:
                out.append(f"{where}: source {src} is also in {split_by_source[src]}")
            if split_of(src) != split:
                out.append(f"{where}: source {src} belongs in {split_of(src)}")
    current = lock_entries(load(["test"], directory))
    locked = read_lock(directory / LOCK_PATH.name)
    for rid, entry in locked.items():
        if rid not in current:
            out.append(f"test.lock: frozen item {rid} is missing from test.jsonl")
        elif entry.gold is not None and current[rid].gold != entry.gold:
            out.append(f"test.lock: the gold labels of frozen item {rid} were changed (never allowed)")
        elif current[rid].whole != entry.whole:
            out.append(f"test.lock: frozen item {rid} was changed (a rewording goes through "
                       "`scopebot corpus revise-test`)")
    out += [f"test.jsonl: item {rid} is not in test.lock (run `scopebot corpus add` to add items)"
            for rid in current if rid not in locked]
    return out


SECOND_PASS = CORPUS_DIR / "second_pass.jsonl"
FIRST_ROUND_SAMPLE = "first-round"
SECOND_PASS_SAMPLES = {
    FIRST_ROUND_SAMPLE: "every item of the first round (413 items, one annotator per item, labelled in one session)",
    "random-2026-12": "a random sample of 800 later items (640 test, 160 train + dev; seeds 20261207 and "
                      "20261208), labelled 50 at a time by sixteen annotators given the spec, the annotation guide "
                      "and the corpus notes",
}


def second_pass_rows(path: Path = SECOND_PASS) -> dict[str, dict[str, Any]]:
    """The second reader's row per item id (empty when there is no second pass)."""
    return {row["id"]: row for row in read_jsonl([path])} if path.exists() else {}


def second_pass_sample(row: Mapping[str, Any]) -> str:
    """The sample a second-pass row was drawn in; the first round's rows carry none."""
    return row.get("sample", FIRST_ROUND_SAMPLE)


def second_pass_breakdown(gold: Sequence[str], second: Sequence[str], clear: Sequence[bool],
                          answers: Sequence[str]) -> dict[str, Any]:
    """One system's label accuracy against each reader, where they agree, where they dispute, where neither doubts.

    Why: the agreement figure says how far two readers of the spec agree, not whether a
    system's misses are on disputed texts (gold noise no change should chase) or on texts
    both readers label alike (the system's own misses). Counts, so a report can show both.
    """
    idx = range(len(gold))
    agreed = [i for i in idx if gold[i] == second[i]]
    disputed = [i for i in idx if gold[i] != second[i]]
    plain = [i for i in idx if clear[i]]
    return {
        "n": len(gold),
        "gold": sum(answers[i] == gold[i] for i in idx),
        "second": sum(answers[i] == second[i] for i in idx),
        "agreed_n": len(agreed), "agreed": sum(answers[i] == gold[i] for i in agreed),
        "disputed_n": len(disputed), "disputed_gold": sum(answers[i] == gold[i] for i in disputed),
        "disputed_second": sum(answers[i] == second[i] for i in disputed),
        "clear_n": len(plain), "clear": sum(answers[i] == gold[i] for i in plain),
    }


def second_pass_agreement(path: Path = SECOND_PASS, directory: Path = CORPUS_DIR, *,
                          rows: Optional[Mapping[str, Mapping[str, Any]]] = None,
                          items: Optional[Sequence[Item]] = None) -> dict[str, dict[str, dict[str, Any]]]:
    """How often a blind second annotator's label and channels match the gold, per sample and split.

    The second pass (label, channels, borderline, reason per item, written blind from the
    project's written rules and the text alone) is never used for scoring or tuning; it says how far two readers
    of the spec agree, i.e. the ceiling to expect. Rows carry the ``sample`` they were
    drawn in (rows without one are the first round's): the first round's ceiling said
    nothing about items collected later by other annotators, so each sample is reported
    on its own. ``clear`` counts the items neither annotator marked borderline.

    A caller that already holds the second pass (``rows``) or the corpus (``items``) passes
    them, so the report reads each once; otherwise they are read from ``path`` and ``directory``.
    """
    second = second_pass_rows(path) if rows is None else rows
    out: dict[str, dict[str, dict[str, Any]]] = {}
    if items is None:
        items = load(SPLITS, directory) if second else []
    for sample in dict.fromkeys(second_pass_sample(row) for row in second.values()):
        per_split: dict[str, dict[str, Any]] = {}
        for split in SPLITS:
            pairs = [(it, second[it.id]) for it in items
                     if it.split == split and it.id in second
                     and second_pass_sample(second[it.id]) == sample]
            clear = [(it, row) for it, row in pairs if not it.borderline and not row.get("borderline")]
            per_split[split] = {
                "n": len(pairs), "agree": sum(it.label == row["label"] for it, row in pairs),
                "channels_agree": sum(it.gold_set("channels") == frozenset(row.get("channels") or ())
                                      for it, row in pairs),
                "clear_n": len(clear), "clear_agree": sum(it.label == row["label"] for it, row in clear),
            }
        out[sample] = per_split
    return out


LOCK_HEADER = ("# Frozen test split: item id, hash of text and gold, hash of gold alone. Append only;\n"
               "# the gold never changes, and a rewording is recorded below by `scopebot corpus revise-test`.\n")


@dataclass(frozen=True)
class LockEntry:
    """One frozen item: the hash of its text and gold, and of its gold alone (None on old lines)."""

    whole: str
    gold: Optional[str] = None

    def line(self, rid: str) -> str:
        return f"{rid} {self.whole} {self.gold}\n" if self.gold else f"{rid} {self.whole}\n"


def lock_entries(items: Iterable[Item]) -> dict[str, LockEntry]:
    return {it.id: LockEntry(it.fingerprint(), it.gold_fingerprint()) for it in items if it.split == "test"}


def read_lock(path: Path = LOCK_PATH) -> dict[str, LockEntry]:
    if not path.exists():
        return {}
    rows = (line.split() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {row[0]: LockEntry(row[1], row[2] if len(row) > 2 else None) for row in rows}


def revise_test_texts(reason: str, directory: Path = CORPUS_DIR, today: Optional[str] = None) -> int:
    """Re-pin the frozen test split after its texts were reworded; returns how many changed.

    Refuses (``ValueError``) when a locked item is missing, when any item's gold differs
    from its locked gold hash, or when a lock line has no gold hash to check against, so
    a revision can never move a label. The revision is written into the lock's header with
    its date, its reason and the digest of the lock it replaces, and every later lock
    digest (the one the evaluation report quotes) differs from the earlier one.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a revision needs a reason")
    path = directory / LOCK_PATH.name
    locked = read_lock(path)
    current = lock_entries(load(["test"], directory))
    for rid, entry in locked.items():
        if rid not in current:
            raise ValueError(f"{rid}: frozen item is missing from test.jsonl")
        if entry.gold is None:
            raise ValueError(f"{rid}: its lock line has no gold hash; run the revision from a lock that has them")
        if current[rid].gold != entry.gold:
            raise ValueError(f"{rid}: its gold labels differ from the frozen ones")
    changed = sum(current[rid].whole != entry.whole for rid, entry in locked.items())
    if not changed:
        return 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    when = today or _dt.date.today().isoformat()
    header.append(f"# revision {when}: {changed} texts reworded, gold unchanged; {reason} "
                  f"(previous lock digest {lock_digest(path)})\n")
    body = [current[rid].line(rid) for rid in locked]
    path.write_text("".join(header + body), encoding="utf-8")
    return changed


def lock_digest(path: Path = LOCK_PATH) -> str:
    """One hash for the frozen test split (what the evaluation report quotes)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# ----- scoring -----------------------------------------------------------------------------
@dataclass
class Scores:
    """Aggregate figures for one system on one set of items."""

    n: int = 0
    label_correct: int = 0
    channels_exact: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    set_counts: dict[str, Counter] = field(default_factory=dict)  # field -> tp/fp/fn
    errors: list[dict[str, Any]] = field(default_factory=list)
    by_confidence: Counter = field(default_factory=Counter)  # (confidence, label right?) -> count
    answers: dict[str, str] = field(default_factory=dict)  # item id -> predicted label

    @property
    def label_accuracy(self) -> float:
        return self.label_correct / self.n if self.n else 0.0

    @property
    def channel_accuracy(self) -> float:
        return self.channels_exact / self.n if self.n else 0.0

    def precision_recall(self, name: str) -> tuple[float, float, float]:
        c = self.set_counts.get(name, Counter())
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def add(self, item: Item, predicted: Mapping[str, Any]) -> None:
        self.n += 1
        label = predicted.get("recommendation")
        self.answers[item.id] = label
        self.confusion[(item.label, label)] += 1
        self.label_correct += int(label == item.label)
        if predicted.get("confidence"):
            self.by_confidence[(predicted["confidence"], label == item.label)] += 1
        channels_ok = frozenset(predicted.get("channels") or ()) == item.gold_set("channels")
        self.channels_exact += int(channels_ok)
        for name in ("processes", "goals"):
            if name not in predicted:
                continue
            gold, got = item.gold_set(name), frozenset(predicted[name] or ())
            c = self.set_counts.setdefault(name, Counter())
            c["tp"] += len(gold & got)
            c["fp"] += len(got - gold)
            c["fn"] += len(gold - got)
        if label != item.label or not channels_ok:
            self.errors.append({"id": item.id, "gold": item.label, "predicted": label,
                                "gold_channels": sorted(item.gold_set("channels")),
                                "channels": sorted(predicted.get("channels") or ()),
                                "text": item.text})

    def absorb(self, other: Scores) -> None:
        """Add another set's counts (cross-validation pools its folds this way)."""
        self.n += other.n
        self.label_correct += other.label_correct
        self.channels_exact += other.channels_exact
        self.confusion.update(other.confusion)
        self.by_confidence.update(other.by_confidence)
        for name, counts in other.set_counts.items():
            self.set_counts.setdefault(name, Counter()).update(counts)
        self.errors.extend(other.errors)
        self.answers.update(other.answers)

    def accuracy_at(self, confidence: str) -> tuple[float, int]:
        """Label accuracy of the verdicts given at ``confidence``, and how many there were."""
        right, wrong = self.by_confidence[(confidence, True)], self.by_confidence[(confidence, False)]
        return (right / (right + wrong) if right + wrong else 0.0), right + wrong

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "label_accuracy": round(self.label_accuracy, 4),
                               "channel_set_accuracy": round(self.channel_accuracy, 4)}
        for name in self.set_counts:
            p, r, f = self.precision_recall(name)
            out[name] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        return out


def score(items: list[Item], predict: Callable[[list[str]], list[Mapping[str, Any]]]) -> Scores:
    """Score ``predict`` (texts -> records with ``recommendation``, ``channels``...) on items."""
    scores = Scores()
    for item, record in zip(items, predict([it.text for it in items])):
        scores.add(item, record)
    return scores


def by_source(items: Iterable[Item]) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for it in items:
        out.setdefault(it.source, []).append(it)
    return out


def label_counts(items: Iterable[Item]) -> Counter:
    return Counter(it.label for it in items)


def confusion_table(scores: Scores, models: Optional[tuple[str, ...]] = None) -> list[str]:
    """Markdown rows: gold label down, predicted label across."""
    models = models or MODELS
    short = {"CALL_CENTER": "CC", "CONTACT_CENTER": "CTC", "CX_BPO": "CX", "BPO": "BPO",
             "UNDETERMINED": "UND"}
    head = "| gold \\ predicted | " + " | ".join(short[m] for m in models) + " | n |"
    rows = [head, "|---" * (len(models) + 2) + "|"]
    for gold in models:
        counts = [scores.confusion[(gold, m)] for m in models]
        rows.append(f"| {gold} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    return rows


# ----- adding to the corpus ----------------------------------------------------------------
def add_records(records: Iterable[Mapping[str, Any]], directory: Path = CORPUS_DIR) -> Counter:
    """Append well-formed records to the split their source belongs to; returns counts per split.

    Raises ``ValueError`` (naming the record) for a malformed record or a duplicate id, before
    anything is written. New test items are appended to the lock; locked ones never change.
    """
    records = list(records)
    bad = malformed(records)
    if bad:
        raise ValueError(bad[0])
    existing = {it.id for it in load(directory=directory)} if (directory / "train.jsonl").exists() else set()
    out: dict[str, list[str]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    for raw in records:
        rid = str(raw["id"])
        if rid in existing or rid in seen:
            raise ValueError(f"{rid}: duplicate id")
        seen.add(rid)
        split = split_of(source_key(str(raw["url"])))
        out[split].append(json.dumps(dict(raw), ensure_ascii=False))
    directory.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    for split, lines in out.items():
        path = directory / f"{split}.jsonl"
        if lines or not path.exists():
            with path.open("a", encoding="utf-8") as fh:
                fh.writelines(line + "\n" for line in lines)
        counts[split] = len(lines)
    lock_path = directory / LOCK_PATH.name
    locked = read_lock(lock_path)
    new = {k: v for k, v in lock_entries(load(["test"], directory)).items() if k not in locked}
    if new or not lock_path.exists():
        with lock_path.open("a", encoding="utf-8") as fh:
            if not locked:
                fh.write(LOCK_HEADER)
            fh.writelines(v.line(k) for k, v in new.items())
    return counts
