"""How the tool writes counts in French: one helper for the whole project, no « (s) »."""

import ast
import re

import pytest

from contacts_lib.messages import agreed, plural
from tests.samples import ROOT


@pytest.mark.parametrize(
    ("number", "words", "expected"),
    [
        (0, ("structure",), "0 structure"),
        (1, ("structure",), "1 structure"),
        (2, ("structure",), "2 structures"),
        (1, ("réseau", "réseaux"), "1 réseau"),
        (3, ("réseau", "réseaux"), "3 réseaux"),
        (1, ("jour",), "1 jour"),
        (15000, ("version",), "15\u202f000 versions"),
    ],
)
def test_a_count_and_its_noun(number, words, expected):
    assert plural(number, *words) == expected


def test_words_after_the_count_agree_too():
    assert [agreed(n, "écartée") for n in (1, 2)] == ["écartée", "écartées"]
    assert agreed(-1, "point") == "point" and agreed(-4, "point") == "points"


def test_no_message_of_the_tool_writes_s_in_brackets_or_makes_its_own_plural():
    """« structure(s) », « 1 réseaux », « fenêtre de 1 jours » came from plurals written by hand."""
    found = []
    for path in (ROOT / "contacts_lib").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if re.search(r"\w\(s\)", node.value) or re.match(r" jours\b", node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
            elif isinstance(node, ast.IfExp) and isinstance(node.body, ast.Constant) and node.body.value in ("s", "x"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: a plural made by hand")
    assert found == []
