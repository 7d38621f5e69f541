"""The layers of ``bot/__init__.py`` hold: imports point down, never in a cycle, and the domain is pure.

Every module of ours is read with ``ast`` (imports at the top and inside functions), and
so is every string in its code that names one of our modules (``"channels.slack.SlackInput"``,
``"bot.runtime.rasa_server"``): a string reference is a dependency too, only a later one.
Docstrings are prose and are not read as references. The Rasa files that name our classes
(``config.yml``, ``credentials.yml``, ``endpoints.yml``) are checked to name classes that
exist, in the layer where such a class belongs.

The checker is exercised on a made-up module graph first, so a checker that finds nothing
cannot pass as a clean architecture.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Top-level packages of ours that the check reads.
PACKAGES = ("bot", "channels", "actions", "bench")

#: Which layers each layer may import (itself included). ``runtime`` and ``bench`` sit on top.
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain"}),
    "config": frozenset({"config"}),
    "language": frozenset({"language", "domain", "config"}),
    "dialogue": frozenset({"dialogue", "language", "domain"}),
    "views": frozenset({"views", "dialogue", "domain"}),
    "nlu": frozenset({"nlu", "language", "domain", "config"}),
    "rasa_ext": frozenset({"rasa_ext", "nlu", "config"}),
    "channels": frozenset({"channels", "views", "domain", "config", "rasa_ext"}),
    "actions": frozenset({"actions", "views", "dialogue", "language", "domain", "config"}),
    "runtime": frozenset({"runtime", "channels", "actions", "rasa_ext", "nlu", "views", "dialogue", "language",
                          "domain", "config", "bench", "root"}),
    "bench": frozenset({"bench", "runtime", "channels", "actions", "rasa_ext", "nlu", "views", "dialogue",
                        "language", "domain", "config", "root"}),
    "root": frozenset({"root"}),
}
#: Outside libraries the domain may use: the standard library minus its I/O, and PyYAML for its catalogues.
DOMAIN_IO = frozenset({"asyncio", "ftplib", "http", "multiprocessing", "os", "selectors", "shutil", "smtplib",
                       "socket", "socketserver", "sqlite3", "ssl", "subprocess", "tempfile", "threading",
                       "urllib"})
DOMAIN_EXTRA = frozenset({"yaml"})

_DOTTED = re.compile(r"(?<![\w./-])(?:bot|channels|actions|bench)(?:\.\w+)+")


def layer_of(module: str) -> str:
    """``bot.domain.signals`` -> ``domain``; ``channels.slack`` -> ``channels``; ``bot`` -> ``root``."""
    parts = module.split(".")
    if parts[0] != "bot":
        return parts[0]
    return parts[1] if len(parts) > 1 else "root"


@dataclass
class Module:
    """What one module depends on: modules of ours (by import or by string) and outside libraries."""

    name: str
    imports: dict[str, int] = field(default_factory=dict)  # ours -> first line
    strings: dict[str, int] = field(default_factory=dict)  # ours, named in a string -> first line
    external: dict[str, int] = field(default_factory=dict)  # top-level outside package -> first line


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def resolve(name: str, known: Iterable[str]) -> Optional[str]:
    """The longest known module that ``name`` starts with (``channels.slack.SlackInput`` -> ``channels.slack``)."""
    known = set(known)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def read_module(name: str, source: str, known: Iterable[str], is_package: bool = False) -> Module:
    """Parse one module's source: its imports (anywhere in it) and the dotted names of ours in its strings."""
    known = set(known)
    tree = ast.parse(source)
    module = Module(name)
    package = name if is_package else name.rpartition(".")[0]
    docs = _docstrings(tree)

    def ours(target: str, line: int, into: dict[str, int]) -> None:
        found = resolve(target, known)
        if found is not None and found != name:
            into.setdefault(found, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    ours(alias.name, node.lineno, module.imports)
                else:
                    module.external.setdefault(alias.name.split(".")[0], node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] in PACKAGES:
                for alias in node.names:  # ``from bot.rasa_ext import speedups`` depends on the module
                    ours(f"{target}.{alias.name}", node.lineno, module.imports)
            else:
                module.external.setdefault(target.split(".")[0], node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            for match in _DOTTED.finditer(node.value):
                ours(match.group(0), node.lineno, module.strings)
    return module


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_tree(root: Path = ROOT) -> dict[str, Module]:
    paths = [p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py")) if "__pycache__" not in p.parts]
    names = {module_name(p, root): p for p in paths}
    return {name: read_module(name, path.read_text(encoding="utf-8"), names, path.name == "__init__.py")
            for name, path in names.items()}


def layer_violations(modules: Mapping[str, Module], allowed: Mapping[str, frozenset[str]] = ALLOWED) -> list[str]:
    """Every import or string reference that points to a layer its module's layer may not use."""
    found = []
    for module in modules.values():
        layer = layer_of(module.name)
        for kind, refs in (("imports", module.imports), ("names in a string", module.strings)):
            for target, line in refs.items():
                if layer_of(target) not in allowed.get(layer, frozenset()):
                    found.append(f"{module.name}:{line} ({layer}) {kind} {target} ({layer_of(target)})")
    return sorted(found)


def cycles(modules: Mapping[str, Module]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan) in the import graph.

    String references count for the direction of layers but not here: they are bound late
    (a ``python -m`` command line, a logger named after its channel), so they cannot make
    one module's import wait for another's.
    """
    graph = {name: sorted(m.imports) for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(groups)


def impure_domain(modules: Mapping[str, Module]) -> list[str]:
    """Outside libraries the domain imports beyond the I/O-free standard library and PyYAML."""
    found = []
    for module in modules.values():
        if layer_of(module.name) != "domain":
            continue
        for lib, line in module.external.items():
            outside_stdlib = lib not in sys.stdlib_module_names and lib not in DOMAIN_EXTRA and lib != "__future__"
            if lib in DOMAIN_IO or outside_stdlib:
                found.append(f"{module.name}:{line} imports {lib}")
    return sorted(found)


# ----- the checker can fail ---------------------------------------------------------------------
FAKE = {
    "bot.domain.rules": "import rasa.core\nimport socket\nfrom bot.domain import facts\n",
    "bot.domain.facts": "NAME = 'channels.slack.SlackInput'\n",
    "bot.views.text": "def render():\n    from bot.runtime.cli import main\n    return main\n",
    "bot.runtime.cli": "from bot.runtime import loop\ndef main():\n    pass\n",
    "bot.runtime.loop": '"""Mentions bot.runtime.cli in prose only."""\nimport bot.runtime.cli\n',
    "channels.slack": "from bot.views.text import render\n",
    "bot.language.words": "from . import sense\n",
    "bot.language.sense": "def f():\n    from .words import X\n",
}


def _fake_graph() -> dict[str, Module]:
    return {name: read_module(name, source, FAKE) for name, source in FAKE.items()}


def test_checker_reports_a_string_reference_and_an_import_inside_a_function() -> None:
    assert layer_violations(_fake_graph()) == [
        "bot.domain.facts:1 (domain) names in a string channels.slack (channels)",
        "bot.views.text:2 (views) imports bot.runtime.cli (runtime)",
    ]


def test_checker_reports_cycles_including_relative_and_function_level_imports() -> None:
    assert cycles(_fake_graph()) == [["bot.language.sense", "bot.language.words"],
                                     ["bot.runtime.cli", "bot.runtime.loop"]]


def test_checker_reports_rasa_and_io_in_the_domain() -> None:
    assert impure_domain(_fake_graph()) == ["bot.domain.rules:1 imports rasa", "bot.domain.rules:2 imports socket"]


def test_docstrings_are_not_references() -> None:
    assert _fake_graph()["bot.runtime.loop"].strings == {}


# ----- the real tree ------------------------------------------------------------------------------
def test_every_module_belongs_to_a_known_layer() -> None:
    modules = read_tree()
    assert {layer_of(name) for name in modules} <= set(ALLOWED)
    assert len(modules) > 50  # the tree was found


def test_imports_and_string_references_point_down_the_layers() -> None:
    assert layer_violations(read_tree()) == []


def test_no_import_cycles_between_our_modules() -> None:
    assert cycles(read_tree()) == []


def test_the_domain_imports_no_rasa_no_io_and_nothing_of_ours_outside_it() -> None:
    modules = read_tree()
    assert impure_domain(modules) == []
    outside = [f"{m.name} -> {t}" for m in modules.values() if layer_of(m.name) == "domain"
               for t in (*m.imports, *m.strings) if layer_of(t) != "domain"]
    assert outside == []


def _class_exists(dotted: str) -> bool:
    module, _, cls = dotted.rpartition(".")
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.is_file():
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.ClassDef) and n.name == cls for n in tree.body)


def _yaml_refs() -> dict[str, list[str]]:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    return {
        "nlu": [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]],
        "channels": [name for name in credentials if "." in name],
        "rasa_ext": [v["type"] for v in endpoints.values() if isinstance(v, dict) and "." in str(v.get("type", ""))],
    }


def test_rasa_files_name_classes_that_exist_in_their_layer() -> None:
    refs = _yaml_refs()
    assert refs["nlu"] and refs["channels"]
    for layer, names in refs.items():
        for name in names:
            assert _class_exists(name), f"{name} does not exist"
            assert layer_of(name) == layer, f"{name} is not in {layer}"


def test_generated_store_settings_name_classes_in_rasa_ext() -> None:
    """The production profile writes the store classes into endpoints (bot.runtime.profiles)."""
    profiles = read_tree()["bot.runtime.profiles"]
    stores = [m.group(0) for m in _DOTTED.finditer((ROOT / "bot/runtime/profiles.py").read_text(encoding="utf-8"))
              if "store" in m.group(0)]
    assert stores and all(_class_exists(s) and layer_of(s) == "rasa_ext" for s in stores)
    assert {layer_of(t) for t in profiles.strings} <= {"rasa_ext"}


def test_docs_architecture_table_is_the_one_checked_here() -> None:
    """docs/architecture.md lists what each layer may import; it says what this test enforces."""
    rows = [line.split("|")[1:4] for line in (ROOT / "docs/architecture.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and "`" in line]
    documented = {}
    for _name, package, may in rows:
        layer = layer_of(package.strip().strip("`").rstrip("/").replace("/", "."))
        words = may.split(";")[0].strip()
        documented[layer] = None if words == "everything" else frozenset(
            w.strip().replace("rasa extensions", "rasa_ext") for w in words.split(",") if w.strip() != "only itself")
    assert set(documented) == set(ALLOWED) - {"bench", "root"}
    for layer, may in documented.items():
        if may is not None:
            assert may == ALLOWED[layer] - {layer}, layer


def test_catalogues_name_only_modules_their_layer_may_import() -> None:
    """A data file is part of its package's layer: ``bot/domain/*.yml`` may not name a channel either."""
    modules = read_tree()
    catalogues = sorted((ROOT / "bot").rglob("*.yml"))
    assert len(catalogues) >= 5
    found = []
    for path in catalogues:
        layer = layer_of(module_name(path.with_name("__init__.py")))
        for match in _DOTTED.finditer(path.read_text(encoding="utf-8")):
            target = resolve(match.group(0), modules)
            if target is not None and layer_of(target) not in ALLOWED[layer]:
                found.append(f"{path.relative_to(ROOT)} ({layer}) names {target}")
    assert found == []
