"""Generate Rasa lookup tables and synonyms from ``bot/language/lexicon.yml``.

The lexicon is the single source of surface forms; ``data/nlu/lookups.yml`` and
``data/nlu/synonyms.yml`` are derived from it (and committed, since Rasa reads them as
training data). ``scopebot sync-data`` rewrites them; a test fails when they drift.

Only developer commands write them (``sync-data``, ``train``, ``run``). A test run reads
them: it creates one only when it is missing (a fresh checkout without generated files)
and otherwise reports a stale file instead of quietly fixing it, so the consistency test
can fail and a test run never changes tracked files.
"""

from __future__ import annotations

from pathlib import Path

from bot.language.lexicon import load_raw, normalise

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
LOOKUPS_PATH = DATA_DIR / "lookups.yml"
SYNONYMS_PATH = DATA_DIR / "synonyms.yml"
REALTEXT_PATH = DATA_DIR / "realtext.yml"

#: Forms too short or too common to fire on their own inside any sentence; the
#: canonicaliser still understands them when DIET tags them in context.
MIN_LOOKUP_LEN = 3
LOOKUP_STOPLIST = {"line", "text", "all", "bot", "mail", "post", "ring", "app",
                   "web", "net", "one", "may", "can", "care", "desk", "box",
                   "live", "local", "home", "shop", "store", "team", "own", "inside"}
#: The generated files are training inputs: a changed header changes the model fingerprint
#: (bot.config.paths), so change it only together with a change that retrains anyway.
HEADER = "# Generated from bot/language/lexicon.yml by `scopebot sync-data`: edit the lexicon, not this file.\n"


def _quote(form: str) -> str:
    return '"' + form.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: "cut handle time", "lower churn": the goal is the noun; the span convention leaves the verb out.
VERB_PREFIXES = {"cut", "cutting", "reduce", "reducing", "lower", "lowering", "improve", "improving",
                 "increase", "increasing", "boost", "boosting", "bring", "faster", "better", "less", "fewer"}


def _shortest_span_forms(values: dict[str, list[str]]) -> set[str]:
    """Lookup forms that follow the annotation guide's "shortest span" rule.

    A multi-word form is left out when a shorter form of the same value starts it
    ("billing queries" -> "billing", "hospital group" -> "hospital") or when it is a verb
    plus another form ("cut handle time" -> "handle time"). The canonicaliser still knows
    the long forms; only the extractor's span edges change.
    """
    keep: set[str] = set()
    for forms in values.values():
        # only forms that reach the lookup table can stand in for a longer one
        lowered = {str(f).lower() for f in forms
                   if len(str(f)) >= MIN_LOOKUP_LEN and str(f).lower() not in LOOKUP_STOPLIST}
        for f in lowered:
            words = f.split()
            if len(words) > 1:
                if any(" ".join(words[:k]) in lowered for k in range(1, len(words))):
                    continue
                if words[0] in VERB_PREFIXES and " ".join(words[1:]) in lowered:
                    continue
            keep.add(f)
    return keep


def lookups_yaml() -> str:
    raw = load_raw()
    lines = [HEADER, 'version: "3.1"', "nlu:"]
    for entity in sorted(raw):
        forms = sorted(
            _shortest_span_forms(raw[entity]),
            key=lambda f: (-len(f), f),
        )
        lines.append(f"- lookup: {entity}")
        lines.append("  examples: |")
        lines.extend(f"    - {f}" for f in forms)
    # Numbers, for `volume`: the resolver keeps one only when a unit or period follows.
    lines += ["- regex: volume", "  examples: |",
              r"    - \b\d[\d,]*(?:\.\d+)?(?:k|K|m|M|mm)?\b"]
    return "\n".join(lines) + "\n"


def synonyms_yaml() -> str:
    """One synonym block per canonical value; forms claimed by two values are skipped."""
    raw = load_raw()
    owner: dict[str, set[str]] = {}
    for values in raw.values():
        for value, forms in values.items():
            for form in forms:
                owner.setdefault(str(form).lower(), set()).add(value)
    lines = [HEADER, 'version: "3.1"', "nlu:"]
    for entity in sorted(raw):
        for value in sorted(raw[entity]):
            forms = sorted({str(f).lower() for f in raw[entity][value]
                            if len(owner[str(f).lower()]) == 1 and normalise(str(f)) != value})
            if not forms:
                continue
            lines.append(f"- synonym: {value}")
            lines.append("  examples: |")
            lines.extend(f"    - {f}" for f in forms)
    return "\n".join(lines) + "\n"


def realtext_yaml() -> str:
    """DIET's real sentences: the corpus's train and dev splits (never test)."""
    from bot.runtime.realtext import load
    from bot.runtime.realtext_training import training_yaml

    return training_yaml(load(["train", "dev"]))


def _generated() -> dict[Path, str]:
    return {LOOKUPS_PATH: lookups_yaml(), SYNONYMS_PATH: synonyms_yaml(), REALTEXT_PATH: realtext_yaml()}


def write() -> list[Path]:
    """Rewrite the generated files whose content changed (an unchanged file keeps its bytes)."""
    generated = _generated()
    for path, text in generated.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return list(generated)


def create_missing_find_stale() -> list[Path]:
    """Create the generated files that do not exist; return the existing ones that are stale.

    What a test run may do: a fresh checkout without generated files gets them, but a
    file that drifted from its sources is reported, never quietly rewritten. (The texts
    take seconds to generate, so they are built once for both steps.)
    """
    out = []
    for path, text in _generated().items():
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != text:
            out.append(path)
    return out


def stale() -> list[Path]:
    """Generated files whose content is not what the lexicon and corpus produce now."""
    return [path for path, text in _generated().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def in_sync() -> bool:
    return not stale()
