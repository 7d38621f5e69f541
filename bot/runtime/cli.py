"""The `scopebot` command: classify, train, eval, sync-data, build-spacy, run, shell."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from bot.config.paths import MODELS_DIR, PROJECT_ROOT, current_model_path, newest_model
from bot.runtime.childenv import rasa_env, rasa_train_cmd
from bot.runtime.originality import MAX_ORDER, MAX_RUN

EXIT_USAGE = 2
NO_MODEL = (
    "No trained model found in {where}. Train one first:\n"
    "  make train        (or: scopebot train)\n"
    "then run the command again, or pass --model PATH."
)


# ----- classify ------------------------------------------------------------------------
def cmd_classify(args: argparse.Namespace) -> int:
    from bot.runtime.classify import (
        InputError,
        Item,
        classify_items,
        classify_parallel,
        read_items,
        worker_count,
        write_records,
    )

    if args.description is None and args.file is None:
        print("scopebot classify: give a description or --file F (- for stdin)", file=sys.stderr)
        return EXIT_USAGE
    if args.description is not None and args.file is not None:
        print("scopebot classify: give a description or --file, not both", file=sys.stderr)
        return EXIT_USAGE
    try:
        items = [Item(1, args.description)] if args.file is None else read_items(args.file)
    except InputError as exc:
        print(f"scopebot classify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    model = Path(args.model) if args.model else newest_model(MODELS_DIR)
    if model is None or not model.exists():
        where = args.model or f"{MODELS_DIR.relative_to(PROJECT_ROOT)}/"
        print(NO_MODEL.format(where=where), file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format or ("text" if args.file is None else "jsonl")
    workers = worker_count(args.workers, len(items))
    started = time.perf_counter()
    if workers > 1:
        results = classify_parallel(model, items, workers)
    else:
        from bot.rasa_ext.parser import ScopeParser

        results = classify_items(ScopeParser(model), items)
    loaded = time.perf_counter()  # (workers > 1: their models load lazily, inside the timing)
    count = write_records(results, fmt, sys.stdout)
    if args.stats:
        done = time.perf_counter()
        print(f"scopebot classify: {count} descriptions in {done - loaded:.2f} s after the model loaded "
              f"({count / max(done - loaded, 1e-9):.1f}/s; loading took {loaded - started:.1f} s)", file=sys.stderr)
    return 0


# ----- training and data -----------------------------------------------------------------
def cmd_build_spacy(args: argparse.Namespace) -> int:
    from bot.nlu.spacy_pipeline import main as build_main

    return build_main(["--force"] if args.force else [])


def cmd_sync_data(args: argparse.Namespace) -> int:
    from bot.runtime.datasync import in_sync, write

    if args.check:
        if in_sync():
            return 0
        print("data/nlu/lookups.yml or synonyms.yml is stale: run `scopebot sync-data`",
              file=sys.stderr)
        return 1
    for path in write():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 0


class StaleData(RuntimeError):
    """Generated training data differs from the lexicon or corpus it is generated from."""


def ensure_model(force: bool = False, quiet: bool = False, sync_data: bool = False) -> Path:
    """Train unless a model for exactly the current sources exists; return its path.

    ``sync_data`` (the developer commands: train, run, shell) first regenerates the
    lookup, synonym and real-text files from their sources. Without it (tests, eval) they
    are only checked: a missing one is created, a stale one raises :class:`StaleData`, so
    a test run never rewrites tracked files and the data consistency test can fail.
    """
    from bot.nlu.spacy_pipeline import ensure_built
    from bot.runtime.datasync import create_missing_find_stale, write

    ensure_built()
    if sync_data:
        write()
    else:
        outdated = create_missing_find_stale()
        if outdated:
            names = ", ".join(str(p.relative_to(PROJECT_ROOT)) for p in outdated)
            raise StaleData(f"{names} no longer match bot/language/lexicon.yml or data/realtext/: "
                            "run `scopebot sync-data` (or `make data`) and commit the result")
    target = current_model_path()
    if target.exists() and not force:
        if not quiet:
            print(f"Model is up to date: {target.relative_to(PROJECT_ROOT)}")
        return target
    print(f"Training {target.name} (a few minutes on two cores; see docs/performance.md)...", flush=True)
    cmd = [*rasa_train_cmd(), "--fixed-model-name", target.name[: -len(".tar.gz")],
           "--out", str(target.parent)]
    subprocess.run(cmd, cwd=PROJECT_ROOT, env=rasa_env(), check=True)
    return target


def cmd_train(args: argparse.Namespace) -> int:
    try:
        path = ensure_model(force=args.force, sync_data=True)
    except subprocess.CalledProcessError as exc:
        print(f"scopebot train: rasa train failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    print(path)
    return 0


def _keyword_peer():
    """The keyword baseline that every real-text figure is shown beside (bench/).

    ``bench/`` is a folder of the checkout, not part of the installed package: the
    ``scopebot`` script run from any directory must still find it.
    """
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.append(str(PROJECT_ROOT))
    from bench.keyword_baseline import channels, classify
    from bot.runtime.realtext_eval import peer_predictor

    return peer_predictor(classify, channels)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.runtime.evaluation import run_eval
    from bot.runtime.realtext_eval import crossvalidate

    # --crossval trains the fold models that are missing or stale; without it, existing
    # fold models are re-scored with the current resolver and rulebook (no training).
    crossvalidate(_keyword_peer(), retrain=args.crossval)
    return run_eval(ensure_model(quiet=True), skip_nlu=args.skip_nlu, peer=_keyword_peer())


def _score_batch(records: list[dict], model: Optional[str]) -> int:
    """Aggregate figures for a labelled batch that is not in the corpus yet, beside the keywords.

    Deliberately no per-item output: a batch from new sites is scored once, before anyone
    reads its errors, so the figure says how the engine does on text nobody tuned it on.
    """
    from bot.rasa_ext.parser import ScopeParser
    from bot.runtime import realtext
    from bot.runtime.realtext_eval import scopebot_predictor

    bad = realtext.malformed(records)
    if bad:
        raise ValueError("\n".join(bad))
    items = [realtext.item_from_dict(r, "batch") for r in records]
    ours = scopebot_predictor(ScopeParser(Path(model) if model else ensure_model(quiet=True)))
    every, clear = realtext.Scores(), realtext.Scores()
    for item, record in zip(items, ours([it.text for it in items])):  # the model reads each text once
        every.add(item, record)
        if not item.borderline:
            clear.add(item, record)
    rows = [("scopebot", every), ("keywords", realtext.score(items, _keyword_peer()))]
    print(f"{len(items)} items from {len({it.source for it in items})} sites (aggregate only, by design)")
    for name, s in rows:
        print(f"{name:9s} label accuracy {s.label_accuracy:.3f}  exact channel sets {s.channel_accuracy:.3f}")
    if clear.n:
        print(f"scopebot  label accuracy on the {clear.n} items not marked borderline {clear.label_accuracy:.3f}")
    by_level = [(level, *every.accuracy_at(level)) for level in realtext.CONFIDENCE_LEVELS]
    print("scopebot  label accuracy by the confidence it gave: "
          + ", ".join(f"{level} {acc:.3f} ({n})" for level, acc, n in by_level if n))
    return 0


def _originality(args: argparse.Namespace) -> int:
    """Corpus texts that still follow their references (source excerpts or an earlier wording)."""
    from bot.runtime import originality, realtext

    try:
        refs = realtext.read_jsonl(args.files)
        if args.texts:  # a batch not yet in the corpus, checked against its excerpts before `corpus add`
            texts = {str(r.get("id", "")): str(r.get("text", "")) for r in realtext.read_jsonl([args.texts])}
        else:
            texts = {it.id: it.text for it in realtext.load()}
        findings = originality.check_all(texts, refs, args.max_run, args.max_order)
    except (ValueError, OSError) as exc:
        print(f"scopebot corpus originality: {exc}", file=sys.stderr)
        return EXIT_USAGE
    flagged = [f for f in findings if f.flagged]
    for f in flagged:
        if f.run:
            print(f"{f.id}: shares a run of {len(f.run)} words: {' '.join(f.run)!r}")
        for ratio, sentence in f.sentences:
            print(f"{f.id}: keeps {ratio:.2f} of a reference sentence's words in order: {sentence!r}")
    print(f"{len(flagged)} of {len(findings)} texts follow their reference too closely "
          f"(runs over {args.max_run} words, sentences at {args.max_order:.2f} or more)")
    return 1 if flagged else 0


def cmd_corpus(args: argparse.Namespace) -> int:
    """Add reworded, labelled items to the real-text corpus, check it, score a new batch, or
    re-pin the frozen test split after its texts were reworded (gold unchanged)."""
    from bot.runtime import realtext

    if args.action == "originality":
        return _originality(args)
    if args.action == "revise-test":
        try:
            changed = realtext.revise_test_texts(args.reason or "")
        except ValueError as exc:
            print(f"scopebot corpus revise-test: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"test.lock: {changed} reworded texts re-pinned, gold unchanged; digest {realtext.lock_digest()}")
        return 0
    if args.action in ("add", "score"):
        try:
            records = realtext.read_jsonl(args.files)
            if args.action == "score":
                return _score_batch(records, args.model)
            counts = realtext.add_records(records)
        except ValueError as exc:
            print(f"scopebot corpus: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(", ".join(f"{split}: +{n}" for split, n in counts.items()))
        return 0
    bad = realtext.check_corpus()
    for line in bad:
        print(line, file=sys.stderr)
    items = realtext.load()
    print(f"{len(items)} items from {len({it.source for it in items})} sources; "
          f"{'OK' if not bad else f'{len(bad)} problems'}")
    return 1 if bad else 0


# ----- running the bot -------------------------------------------------------------------
def _model_for_serving(args: argparse.Namespace) -> Path:
    """--model when given (must exist), else the model for the current sources (trained if needed)."""
    if args.model:
        path = Path(args.model)
        if not path.exists():
            raise SystemExit(NO_MODEL.format(where=args.model))
        return path
    return ensure_model(quiet=True, sync_data=True)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime.supervisor import run_bot

    return run_bot(_model_for_serving(args), port=args.port, action_port=args.action_port,
                   action_url=args.action_url or None, host=args.host)


def cmd_actions(args: argparse.Namespace) -> int:
    from bot.runtime.supervisor import run_actions

    return run_actions(args.port, args.host)


def cmd_forget(args: argparse.Namespace) -> int:
    """Delete one conversation everywhere it is kept (tracker store, Redis lock, Slack replies
    still waiting in the outbox)."""
    from bot.runtime.profiles import Profile, ProfileError
    from bot.runtime.retention import database_url, forget, redis_client
    from bot.runtime.supervisor import tracker_db

    try:
        profile = Profile.from_env()
    except ProfileError as exc:
        print(f"scopebot forget: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        deleted = forget(database_url(profile, tracker_db()), args.conversation_id, redis_client(profile))
        from bot.runtime.outbox_store import forget_pending

        waiting = forget_pending(args.conversation_id)
    except Exception as exc:  # noqa: BLE001 - database or Redis unreachable: say which, no traceback
        print(f"scopebot forget: could not delete ({exc.__class__.__name__}: {str(exc).splitlines()[0][:200]})",
              file=sys.stderr)
        return 1
    print(f"{args.conversation_id}: {deleted} event(s) deleted" if deleted
          else f"{args.conversation_id}: no such conversation (nothing deleted)")
    if waiting:
        print(f"{args.conversation_id}: {waiting} Slack reply(ies) waiting to be posted deleted")
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    from bot.runtime.cluster import run_cluster

    return run_cluster(_model_for_serving(args), replicas=args.replicas, port=args.port,
                       first_backend_port=args.backend_port, host=args.host)


def cmd_nginx_config(args: argparse.Namespace) -> int:
    from bot.runtime.balancer import BalancerSettings
    from bot.runtime.security import ServerSecurity

    settings = BalancerSettings(listen=args.listen, max_body_bytes=ServerSecurity.from_env().max_body_bytes)
    sys.stdout.write(settings.http_conf(args.replica))
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from bot.runtime.shell import run_shell

    return run_shell(_model_for_serving(args), action_port=args.action_port, debug=args.debug)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scopebot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("classify", help="assess descriptions with the trained model")
    c.add_argument("description", nargs="?", help="one description to assess")
    c.add_argument("--file", "-f", help="file of descriptions (.jsonl objects with \"text\", "
                   "or one per line); - reads stdin")
    c.add_argument("--format", choices=("text", "jsonl"),
                   help="output format (default: text for one description, jsonl for --file)")
    c.add_argument("--model", help="model archive (default: newest in models/)")
    c.add_argument("--workers", type=int, help="processes for large batches (default 1: one process already "
                   "predicts whole batches on every core)")
    c.add_argument("--stats", action="store_true", help="print the throughput after model loading to stderr")
    c.set_defaults(func=cmd_classify)

    t = sub.add_parser("train", help="train the Rasa model if the sources changed")
    t.add_argument("--force", action="store_true")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="measure NLU and assessment quality, write results/")
    e.add_argument("--skip-nlu", action="store_true", help="only the assessment-level evaluation")
    e.add_argument("--crossval", action="store_true",
                   help="first run grouped 5-fold cross-validation on the real-text corpus (retrains 5 times)")
    e.set_defaults(func=cmd_eval)

    co = sub.add_parser("corpus", help="add items to the real-text corpus (data/realtext/), check it, "
                                       "score a labelled batch from new sites before adding it, "
                                       "re-pin reworded test texts (revise-test), or compare texts "
                                       "with their sources or an earlier wording (originality)")
    co.add_argument("action", choices=("add", "check", "score", "revise-test", "originality"))
    co.add_argument("files", nargs="*", help="JSONL files of items (add, score), or of references "
                                             "{id, text} to compare corpus texts with (originality)")
    co.add_argument("--model", help="model archive to score with (score; default: the current one)")
    co.add_argument("--reason", help="revise-test: why the frozen texts were reworded (kept in the lock)")
    co.add_argument("--texts", help="originality: a JSONL batch of items to check instead of the corpus "
                                    "(collectors run it against their saved excerpts before `corpus add`)")
    co.add_argument("--max-run", type=int, default=MAX_RUN,
                    help=f"originality: longest run of shared words allowed (default {MAX_RUN})")
    co.add_argument("--max-order", type=float, default=MAX_ORDER,
                    help="originality: flag a sentence keeping this share of a reference sentence's "
                         f"words in order (default {MAX_ORDER})")
    co.set_defaults(func=cmd_corpus)

    s = sub.add_parser("sync-data", help="regenerate lookup tables and synonyms from the lexicon")
    s.add_argument("--check", action="store_true", help="only report whether they are stale")
    s.set_defaults(func=cmd_sync_data)

    b = sub.add_parser("build-spacy", help="build the offline spaCy pipeline")
    b.add_argument("--force", action="store_true")
    b.set_defaults(func=cmd_build_spacy)

    r = sub.add_parser("run", help="train if needed, start the action server and Rasa")
    r.add_argument("--port", type=int, default=int(os.environ.get("SCOPEBOT_PORT", 5005)))
    r.add_argument("--action-port", type=int, default=int(os.environ.get("SCOPEBOT_ACTION_PORT", 5055)))
    r.add_argument("--model", help="serve this model archive instead of training/using the current one")
    r.add_argument("--action-url", default=os.environ.get("SCOPEBOT_ACTION_URL", ""),
                   help="use the action server at this URL (e.g. http://actions:5055/webhook) instead of "
                   "starting one")
    r.add_argument("--host", default=os.environ.get("SCOPEBOT_HOST") or "0.0.0.0",
                   help="interface of the Rasa server (default every one; replicas behind a proxy use 127.0.0.1)")
    r.set_defaults(func=cmd_run)

    a = sub.add_parser("actions", help="run only an action server (deployments with separate action servers)")
    a.add_argument("--port", type=int, default=int(os.environ.get("SCOPEBOT_ACTION_PORT", 5055)))
    a.add_argument("--host", default=os.environ.get("SCOPEBOT_ACTION_HOST", ""),
                   help="interface to listen on (default 127.0.0.1; 0.0.0.0 when Rasa runs on another machine)")
    a.set_defaults(func=cmd_actions)

    f = sub.add_parser("forget", help="delete one conversation everywhere (tracker store and Redis lock)")
    f.add_argument("conversation_id", help="as stored: rest:<sender>, web-..., slack:...")
    f.set_defaults(func=cmd_forget)

    cl = sub.add_parser("cluster", help="N replicas (Rasa + action server each) behind nginx on one machine; "
                        "needs DATABASE_URL and REDIS_URL")
    cl.add_argument("--replicas", type=int, default=2)
    cl.add_argument("--port", type=int, default=int(os.environ.get("SCOPEBOT_PORT", 5005)),
                    help="nginx's port")
    cl.add_argument("--host", default="0.0.0.0", help="the address nginx listens on")
    cl.add_argument("--backend-port", type=int, default=6005,
                    help="replica i serves on this port + i, its action server on this port + 100 + i")
    cl.add_argument("--model", help="serve this model archive")
    cl.set_defaults(func=cmd_cluster)

    ng = sub.add_parser("nginx-config", help="print nginx's configuration for replicas on other machines "
                        "(an http-level file for /etc/nginx/conf.d/)")
    ng.add_argument("--listen", default="80", help="nginx's listen address or port")
    ng.add_argument("--replica", action="append", required=True, metavar="HOST:PORT",
                    help="a replica (`scopebot run`) to balance over; repeat for each")
    ng.set_defaults(func=cmd_nginx_config)

    sh = sub.add_parser("shell", help="talk to the bot in the terminal")
    sh.add_argument("--action-port", type=int, default=int(os.environ.get("SCOPEBOT_ACTION_PORT", 5055)))
    sh.add_argument("--model", help="talk to this model archive")
    sh.add_argument("--debug", action="store_true",
                    help="also print each reply's custom payload, and the servers' logs instead of var/shell.log")
    sh.set_defaults(func=cmd_shell)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.config.known_warnings import install as quiet_known_warnings
    from bot.config.settings import load_env

    quiet_known_warnings()
    load_env()  # .env fills in what the environment does not set (ports, Slack...)
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scopebot classify ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
