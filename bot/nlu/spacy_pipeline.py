"""Build the project's own spaCy pipeline (no download needed, none is possible offline).

A blank English pipeline, a lookup lemmatizer from ``spacy-lookups-data``, tokenizer
rules for how buyers write ("chat+email", "AP/AR", "vendor(s)", "~30k") and lemma patterns for slang that the
lookup table lacks ("DMs", "convos"). ``SpacyNLP`` loads it from :data:`PIPELINE_PATH`.

Rasa's training cache fingerprints the *path*, not the files in it, so the version is
part of the path: bump :data:`PIPELINE_VERSION` whenever this module changes what it
builds, and ``config.yml`` must name the same path (a test checks it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PIPELINE_VERSION = "2"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PIPELINE_RELPATH = f"build/spacy/en_scopebot-v{PIPELINE_VERSION}"
PIPELINE_PATH = PROJECT_ROOT / PIPELINE_RELPATH

#: Lemmas for forms the lookup table does not know; matched on the lowercased text.
SLANG_LEMMAS: dict[str, str] = {
    "dms": "dm", "dm'd": "dm", "dming": "dm", "pms": "pm", "convos": "conversation",
    "convo": "conversation", "msgs": "message", "msg": "message", "txts": "text",
    "txt": "text", "texting": "text", "ppl": "people", "emails": "email", "emailing": "email",
    "emailed": "email", "tix": "ticket", "whatsapps": "whatsapp", "tweets": "tweet",
    "ringing": "ring", "rang": "ring", "outsourcing": "outsource", "outsourced": "outsource",
}


def build(path: Path = PIPELINE_PATH) -> Path:
    """Create the pipeline and save it with ``to_disk``; returns the path."""
    import spacy
    from spacy.util import compile_infix_regex, compile_prefix_regex

    nlp = spacy.blank("en")
    # "chat+email", "phone&email": split joined channel lists into separate tokens.
    # "vendor(s)", "agent(s)": the plural in brackets is not part of the word, so an entity
    # (and the evidence quote built from it) ends at "vendor", not at "vendor(s".
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-z])[+&](?=[A-Za-z])",
                                            r"(?<=[A-Za-z])\((?=[A-Za-z]{1,3}\)?$)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # "~30k calls": the tilde of an approximate figure is not part of the number.
    prefixes = list(nlp.Defaults.prefixes) + [r"~"]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search

    ruler = nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": False})
    nlp.initialize()
    # After initialize(): the attribute ruler's initialize clears every pattern added before it.
    for form, lemma in SLANG_LEMMAS.items():
        ruler.add([[{"LOWER": form}]], {"LEMMA": lemma})
    nlp.meta["name"] = "scopebot"
    nlp.meta["version"] = f"{PIPELINE_VERSION}.0.0"
    nlp.meta["description"] = "Blank English + lookup lemmatizer + scopebot tokenizer/lemma rules"
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def ensure_built(path: Path = PIPELINE_PATH) -> Path:
    """Build only when missing, so `make` targets can call this cheaply."""
    if not (path / "meta.json").exists():
        build(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args(argv)
    path = build() if args.force else ensure_built()
    print(f"spaCy pipeline ready at {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
