"""The README's Python examples run as written, from the repository's folder (the data they read
ship with the repository: the examples, the synthetic network and the synthetic contact log)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.samples import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def _run(block: str) -> dict:
    """Run a block as a notebook would, its last line's value kept (what Jupyter shows)."""
    lines = block.rstrip().splitlines()
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        try:
            last = compile(lines[-1], "README.md", "eval")
        except SyntaxError:
            exec(compile(block, "README.md", "exec"), namespace)
            namespace["_"] = None
        else:
            exec(compile("\n".join(lines[:-1]), "README.md", "exec"), namespace)
            namespace["_"] = eval(last, namespace)
    namespace["_printed"] = printed.getvalue()
    return namespace


@pytest.fixture
def in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé des exemples du README")  # the logs' pseudonyms


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 6
    assert all("contacts_lib" in block for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"bloc-{number + 1}" for number in range(len(BLOCKS))])
def test_every_python_example_of_the_readme_runs(block, in_the_repository):
    _run(block)


def test_the_readme_goes_from_a_folder_to_the_heatmap_in_three_lines(in_the_repository):
    """The analysts' first example of a network: three lines, and a figure with 36 titled practices."""
    (example,) = [block for block in BLOCKS if "adoption_heatmap_svg" in block]
    assert len([line for line in example.splitlines() if line.strip()]) == 3
    svg = _run(example)["_"]._repr_svg_()
    assert svg.startswith("<svg") and len(re.findall(r"<title>\d+\. ", svg)) == 36 and ">CAF<" in svg


def test_the_readme_examples_show_what_the_text_says(in_the_repository):
    (scores,) = [block for block in BLOCKS if "format_percent(scores.moyenne)" in block]
    assert _run(scores)["_printed"].splitlines()[0] == "Exemple du recueil (SGMAP, 2015) 64 % 36"
    (one,) = [block for block in BLOCKS if "peer_standing" in block]
    namespace = _run(one)
    assert namespace["avant"] in set(namespace["tout"].structures["autodiagnostic"])
    assert namespace["apres"] in set(namespace["reseau"].structures["autodiagnostic"])  # the same identifier in both views
    assert list(namespace["_"].columns) == ["pratique", "question", "levier", "pairs", "pairs_appliquant", "taux_pairs"]
    (association,) = [block for block in BLOCKS if "practice_association(par_structure" in block]
    assert set(_run(association)["_"]["question"]) == {14, 16, 24, 29}
