"""``score --csv`` on a CSV file, computed by columns, says exactly what the per-row reader says."""

from __future__ import annotations

import csv
import io
import random

import pytest

from contacts_lib import Autodiagnostic
from contacts_lib.autodiagnostic.scoring import lever_percentages
from contacts_lib.formats import csv_scores, dumps_csv, parse_file
from contacts_lib.messages import InputError
from contacts_lib.network import sample_network
from tests.samples import run_cli


def _per_row(content: bytes) -> list[str]:
    """What the per-row reader gives for the same file, written as score --csv writes it."""
    from contacts_lib.formats.csv_format import neutralised

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for diagnostic in parse_file(content, "f.csv"):
        percents, answered = lever_percentages(diagnostic.answers)
        writer.writerow([neutralised(diagnostic.structure), *map(repr, percents), answered])
    return buffer.getvalue().splitlines()


def _network_file(count=700, seed=3, plans=False) -> bytes:
    """A network's CSV with awkward names and answers; ``plans``: with the sample's plans
    d'actions (columns the scores ignore, cells over several lines)."""
    rng = random.Random(seed)
    names = ['CAF "du Nord", site 2', "=HYPERLINK(1)", "'=déjà neutralisé", "  espaces autour  ", "+33", "@x", "-tiret"]
    diagnostics = sample_network(count, seed=seed)
    diagnostics = [
        Autodiagnostic(**{**d.__dict__, "structure": rng.choice(names) + f" {k}" if k % 7 == 0 else d.structure,
                          "answers": tuple(None if rng.random() < 0.1 else a for a in d.answers),
                          "plan": d.plan if plans else ()})
        for k, d in enumerate(diagnostics)
    ]
    text = dumps_csv(diagnostics).replace("OUI", "oui", 50).replace("NON", " Non\u00a0", 50)
    return text.encode("utf-8")


def test_by_columns_equals_per_row_over_several_blocks(monkeypatch):
    monkeypatch.setattr(csv_scores, "BLOCK", 97)
    content = _network_file(plans=True)
    assert b"plan01_etapes" in content
    assert csv_scores.score_lines(content, "f.csv") == _per_row(content)


def test_the_first_faulty_row_is_reported_as_the_per_row_reader_does(monkeypatch):
    monkeypatch.setattr(csv_scores, "BLOCK", 50)
    lines = _network_file(300).decode().splitlines()
    lines[180] = lines[180].replace(",2016,", ",2016-99,", 1) if ",2016," in lines[180] else lines[180].replace(",2017,", ",2017-99,", 1)
    cells = lines[120].split(",")
    cells[lines[0].split(",").index("q36")] = "peut-être"
    lines[120] = ",".join(cells)
    content = ("\n".join(lines) + "\n").encode()
    with pytest.raises(InputError) as per_row:
        parse_file(content, "f.csv")
    with pytest.raises(InputError) as by_columns:
        csv_scores.score_lines(content, "f.csv")
    assert str(by_columns.value) == str(per_row.value)
    assert "ligne 121, colonne q36 : réponse « peut-être » non reconnue" in str(by_columns.value)


def test_a_million_rows_are_scored(tmp_path):
    """Far beyond the per-row reader's 100,000 structures (the time is the benchmark's business)."""
    header = ",".join(["structure", *(f"q{n:02d}" for n in range(1, 37))])
    row = ",".join(["CAF"] + ["1", "0", ""] * 12)
    (tmp_path / "million.csv").write_text(header + "\n" + (row + "\n") * 1_000_000, encoding="utf-8")
    result = run_cli("score", "--csv", "million.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-500:]
    lines = result.stdout.splitlines()
    assert len(lines) == 1_000_001 and len(set(lines[1:])) == 1


def test_the_rows_have_a_limit_too(monkeypatch):
    monkeypatch.setattr(csv_scores, "MAX_ROWS", 10)
    content = _network_file(30)
    with pytest.raises(InputError, match="ligne 12 : trop de structures \\(plus de 10\\) ; découpez le fichier."):
        csv_scores.score_lines(content, "f.csv")
