"""Check a new batch's sites before it is scored: new hosts only, one item per host, no sister host.

Why it exists: splits are grouped by site (`bot.runtime.realtext.source_key`), so a batch item
from a host the corpus already uses, or from another domain of the same organisation, can put
one organisation's story in train and in the frozen test split at once. Every round since the
eleventh has checked this by hand or with a throw-away script; the forty-seventh round's reviewer
found a job board's second domain (``learn4good.academy`` beside ``learn4good.com``) that a
domain-ending comparison had missed. The findings:

- **used**: the host is already a corpus site (an error: choose another page);
- **sister**: the host shares its registered domain with a corpus site (``finance.gov.mk`` beside
  ``investnorthmacedonia.gov.mk`` is fine: two bodies; ``news.x.edu`` beside ``x.edu`` is not;
  a hosting platform's subdomains are different sites);
- **same name**: the registered domain's name, under another ending, is a corpus site's (a
  second domain of the same organisation, or two organisations of one name: judge);
- **twice**: the host appears twice in the batch or in another batch file given;
- **no host**: the url has no host name to group it by.

Usage::

    .venv/bin/python scripts/batch_sites.py BATCH.jsonl [OTHER_BATCH.jsonl ...]

Exits 1 on an error finding (used, twice, no host; sister and same-name findings only warn), 2 when
a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.runtime.realtext import load, read_jsonl, source_key  # noqa: E402  (after the path is set)

#: Second-level endings under which an organisation registers its name (``council.gov.uk``),
#: so that the registered domain is three labels, not two. Not the whole public-suffix list
#: (no network here): the endings the corpus's sites actually use.
MULTI_LABEL_ENDINGS = frozenset("""
    co.uk gov.uk ac.uk org.uk nhs.uk police.uk com.au gov.au org.au net.au edu.au co.nz govt.nz
    org.nz ac.nz co.za gov.za org.za ac.za co.in gov.in org.in net.in edu.in nic.in com.br gov.br
    org.br com.mx gob.mx com.ar gob.ar edu.ar com.co gov.co com.pe gob.pe gob.es com.es co.jp or.jp
    go.jp ac.jp co.kr go.kr or.kr com.sg gov.sg edu.sg com.my gov.my com.ph gov.ph co.ke or.ke
    go.ke ac.ke com.ng gov.ng com.gh gov.gh com.tr gov.tr com.cn gov.cn com.hk gov.hk com.tw
    gov.tw co.il gov.il com.pl gov.pl com.eg gov.eg co.id go.id or.id ac.id com.vn gov.vn co.th
    go.th or.th ac.th com.sa gov.sa gov.ae co.ae com.pk gov.pk gc.ca qc.ca on.ca bc.ca ab.ca
    nsw.gov.au vic.gov.au qld.gov.au wa.gov.au sa.gov.au tas.gov.au act.gov.au nt.gov.au
""".split())

#: Names too short or too generic to say two domains are one organisation.
MIN_NAME = 5

#: Findings that make the batch unusable as it is; the others are for a person to judge.
ERRORS = frozenset({"used", "twice", "no host"})


def registered_domain(host: str) -> str:
    """``a.b.council.gov.uk`` -> ``council.gov.uk``; ``news.utk.edu`` -> ``utk.edu``."""
    parts = host.split(".")
    for n in (3, 2):
        if len(parts) > n and ".".join(parts[-n:]) in MULTI_LABEL_ENDINGS:
            return ".".join(parts[-n - 1:])
    return ".".join(parts[-2:])


def name_of(host: str) -> str:
    """The organisation's name in its registered domain: ``learn4good.academy`` -> ``learn4good``."""
    return registered_domain(host).split(".")[0]


def findings(batch: Sequence[tuple[str, str]], used: Iterable[str],
             others: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str, str]]:
    """(item id, kind, message) for every site finding; ``batch`` and ``others`` are (id, url) pairs."""
    used = set(used)
    domains = {registered_domain(h) for h in used}
    names = {name_of(h) for h in used}
    out: list[tuple[str, str, str]] = []
    where: dict[str, list[str]] = defaultdict(list)
    for item_id, url in others:
        where[source_key(url)].append(item_id)
    for item_id, url in batch:
        host = source_key(url)
        if not host:
            out.append((item_id, "no host", f"no host in {url!r}"))
            continue
        domain = registered_domain(host)
        name = domain.split(".")[0]
        if host in used:
            out.append((item_id, "used", f"{host} is already a corpus site"))
        elif domain in domains:
            out.append((item_id, "sister", f"{host} shares {domain} with a corpus site "
                                           "(another body, or a hosting platform's customer? judge)"))
        elif len(name) >= MIN_NAME and name in names:
            out.append((item_id, "same name", f"{host}: a corpus site has the name {name!r} "
                                              "under another ending (second domain? judge)"))
        if where[host]:
            out.append((item_id, "twice", f"{host} also holds {', '.join(where[host])}"))
        where[host].append(item_id)
    return out


def _pairs(path: Path) -> list[tuple[str, str]]:
    return [(str(r.get("id", "?")), str(r.get("url", ""))) for r in read_jsonl([str(path)])]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("batch", type=Path, help="the batch to check (JSON Lines of corpus items)")
    ap.add_argument("others", type=Path, nargs="*", help="other batches of the same session, not yet added")
    args = ap.parse_args(argv)
    try:
        others = [pair for path in args.others
                  if path.resolve() != args.batch.resolve() and not path.name.endswith(".excerpts.jsonl")
                  for pair in _pairs(path)]
        batch = _pairs(args.batch)
    except (OSError, ValueError) as exc:  # a missing file, or bad JSON named by file and line
        print(f"batch_sites: {exc}", file=sys.stderr)
        return 2
    found = findings(batch, {it.source for it in load()}, others)
    for item_id, kind, message in found:
        print(f"{item_id}: {kind}: {message}")
    print(f"{len(found)} findings")
    return 1 if any(kind in ERRORS for _, kind, _ in found) else 0


if __name__ == "__main__":
    raise SystemExit(main())
