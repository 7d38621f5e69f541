"""Rules for the shipped code as a whole, checked on its source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("bot", "channels", "actions")


def path_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings or comments: the ones code can open."""
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def names_tests_folder(value: str) -> bool:
    return value.strip("/") == "tests" or value.startswith("tests/") or "/tests/" in value


def test_names_tests_folder_sees_the_ways_a_path_is_written():
    assert all(map(names_tests_folder, ["tests", "tests/", "tests/nlu/x.yml", "/repo/tests/a.yml"]))
    assert not any(map(names_tests_folder, ["contests", "tests are good", "heldout/nlu.yml"]))


def test_production_code_never_reads_the_tests_folder():
    found = []
    for package in PRODUCTION:
        for source in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            found += [f"{source.relative_to(ROOT)}:{line}: {value!r}"
                      for line, value in path_strings(tree) if names_tests_folder(value)]
    assert not found, ("shipped code must not depend on tests/ (move the data, or pass the path in):\n"
                       + "\n".join(found))
