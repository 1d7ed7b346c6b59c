"""A workshop's consensus (contacts_lib.workshop, the workshop page's widgets, the consensus
command), against expectations worked out by hand in each test."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from html import unescape

import pytest

from contacts_lib import (
    Autodiagnostic,
    InputError,
    dumps_csv,
    dumps_json,
    parse_file,
    read_autodiagnostics,
    score,
    write_csv,
    write_json,
    write_workbook,
)
from contacts_lib.formats import workbook_bytes
from contacts_lib.workshop.consensus import (
    answer_counts,
    consensus_autodiagnostic,
    consensus_bytes,
    consensus_header,
    label_participants,
    majority,
    participant_scores,
    participants,
    score_spread,
    structure_names,
    summary_html,
)
from contacts_lib.workshop.page import WorkshopPage
from tests.samples import plain, run_cli

Y, N, B = True, False, None


def _diagnostic(answers: dict[int, bool | None], structure: str = "CAF de l'Isère", **header) -> Autodiagnostic:
    return Autodiagnostic(structure=structure, answers=tuple(answers.get(n) for n in range(1, 37)), **header)


def _group(*rows: tuple[str, dict[int, bool | None]], **header):
    return label_participants((label, _diagnostic(answers, **header), f"{label}.json") for label, answers in rows)


# Three participants. By hand:
# q1: Y Y Y → 3/0/0, OUI, unanimous          q2: Y N N → 1/2/0, NON, Anne disagrees
# q3: Y N B → 1/1/1, tie → blank; all three differ from blank (Carl's blank equals it: not listed)
# q4: B B B → 0/0/3, blank, not unanimous, nobody disagrees      q5: N N B → 0/2/1, NON, Carl
# q6..q36: unanswered by all.
GROUP_ROWS = (
    ("Anne", {1: Y, 2: Y, 3: Y, 5: N}),
    ("Bob", {1: Y, 2: N, 3: N, 5: N}),
    ("Carl", {1: Y, 2: N, 3: B}),
)


def test_majority_counts_only_the_answers_given():
    assert majority([Y, Y, N]) is True
    assert majority([N, N, Y, B, B, B]) is False
    assert majority([Y, N]) is None  # a tie: the group settles it
    assert majority([Y, N, B]) is None
    assert majority([B, B]) is None and majority([]) is None
    assert majority([B, B, Y]) is True  # one answer among blanks is the majority of the answers given


def test_counts_consensus_unanimity_and_disagreement():
    group = _group(*GROUP_ROWS)
    counts = answer_counts(group).set_index("question")
    assert len(counts) == 36 and list(counts.index) == list(range(1, 37))
    expected = {
        1: (3, 0, 0, "OUI", True, ()),
        2: (1, 2, 0, "NON", False, ("Anne",)),
        3: (1, 1, 1, None, False, ("Anne", "Bob")),
        4: (0, 0, 3, None, False, ()),
        5: (0, 2, 1, "NON", False, ("Carl",)),
        36: (0, 0, 3, None, False, ()),
    }
    for question, (oui, non, blank, consensus, unanimous, dissent) in expected.items():
        row = counts.loc[question]
        assert (row["oui"], row["non"], row["sans_reponse"]) == (oui, non, blank), question
        assert row["consensus"] == consensus and row["proposition"] == consensus, question
        assert bool(row["unanime"]) is unanimous and row["desaccord"] == dissent, question
        assert not row["modifiee"]
    # question 25 is practice 11 (libre service), in lever 3
    assert (counts.loc[25, "pratique"], counts.loc[25, "levier"]) == (11, "pilotage")


def test_the_facilitators_choices_override_the_proposition():
    group = _group(*GROUP_ROWS)
    counts = answer_counts(group, {3: N, 1: None}).set_index("question")
    assert counts.loc[3, "proposition"] is None and counts.loc[3, "consensus"] == "NON" and counts.loc[3, "modifiee"]
    assert counts.loc[3, "desaccord"] == ("Anne", "Carl")  # Anne said OUI, Carl nothing
    assert counts.loc[1, "consensus"] is None and counts.loc[1, "desaccord"] == ("Anne", "Bob", "Carl")
    assert bool(counts.loc[1, "unanime"])  # the group was unanimous, whatever the facilitator chose
    consensus = consensus_autodiagnostic(group, {3: N, 1: None})
    assert consensus.answers[:5] == (None, False, False, None, False)
    with pytest.raises(ValueError):
        answer_counts(group, {37: Y})
    with pytest.raises(ValueError):
        answer_counts(group, {2: "OUI"})


def test_the_consensus_scores_as_computed_by_hand():
    # Five participants; lever 1 is questions 1–10, lever 2 11–21, lever 3 22–29, lever 4 30–36.
    rows = (
        ("P1", {1: Y, 2: Y, 11: Y, 22: N, 30: Y, 25: Y}),
        ("P2", {1: Y, 2: N, 11: Y, 22: Y, 30: Y, 25: Y}),
        ("P3", {1: N, 2: Y, 11: N, 22: Y, 30: B, 25: N}),
        ("P4", {1: Y, 2: N, 11: B, 22: N, 30: B}),
        ("P5", {1: B, 2: Y, 11: B, 22: B, 30: B}),
    )
    group = _group(*rows)
    # q1 3Y/1N → OUI; q2 3Y/2N → OUI; q11 2Y/1N → OUI; q22 2Y/2N → tie, blank; q30 2Y → OUI; q25 2Y/1N → OUI
    consensus = consensus_autodiagnostic(group)
    expected = {1: Y, 2: Y, 11: Y, 22: None, 30: Y, 25: Y}
    assert consensus.answers == tuple(expected.get(n) for n in range(1, 37))
    scores = score(consensus)
    assert scores.coverage == {"orientation": Fraction(2, 10), "excellence": Fraction(1, 11),
                               "pilotage": Fraction(1, 8), "innovation": Fraction(1, 7)}
    assert scores.answered == 5
    # Written in every format, it reads back with the same answers and scores.
    for suffix in (".json", ".csv", ".xlsx"):
        (again,) = parse_file(consensus_bytes(consensus, suffix), f"consensus{suffix}")
        assert again.answers == consensus.answers and score(again) == scores, suffix
    # Participants' spread, by hand: orientation P1 2/10, P2 1/10, P3 1/10, P4 1/10, P5 1/10.
    spread = score_spread(group).set_index("levier")
    assert spread.loc["orientation", "minimum"] == pytest.approx(10) and spread.loc["orientation", "maximum"] == pytest.approx(20)
    assert spread.loc["orientation", "mediane"] == pytest.approx(10)
    table = participant_scores(group)
    assert list(table.loc[table["levier"] == "orientation", "arrondi"]) == [20, 10, 10, 10, 10]
    assert set(table["participant"]) == {"P1", "P2", "P3", "P4", "P5"}


def test_every_answer_blank_gives_a_blank_consensus():
    group = _group(("A", {}), ("B", {}))
    counts = answer_counts(group)
    assert counts["consensus"].isna().all() and not counts["unanime"].any() and (counts["sans_reponse"] == 2).all()
    consensus = consensus_autodiagnostic(group)
    assert consensus.answered == 0 and score(consensus).moyenne == 0


def test_the_header_is_the_most_frequent_value_first_in_input_order_on_ties():
    group = label_participants([
        ("a", _diagnostic({}, "CAF de l'Isère", reseau="CAF", date=dt.date(2024, 3, 1), usagers=100), "a.json"),
        ("b", _diagnostic({}, "caf  de l'isère", reseau="Caf", date=dt.date(2024, 3, 2), usagers=200), "b.json"),
        ("c", _diagnostic({}, "CPAM du Rhône", reseau="Caf", region="Bretagne", date=dt.date(2024, 3, 2)), "c.json"),
    ])
    header = consensus_header(group)
    assert header["structure"] == "CAF de l'Isère"  # twice (compared as the network compares names), first spelling
    assert header["reseau"] == "Caf" and header["date"] == dt.date(2024, 3, 2)  # twice each
    assert header["usagers"] == 100  # a tie: the first given
    assert header["region"] == "Bretagne" and header["appels"] is None
    assert structure_names(group) == ["CAF de l'Isère", "CPAM du Rhône"]


def test_labels_from_files_participant_field_and_duplicates(tmp_path):
    one, two, three = (_diagnostic({1: Y}), _diagnostic({1: N}), _diagnostic({}))
    write_json(one, tmp_path / "anne.json")
    write_csv([two, three], tmp_path / "table ronde.csv")
    named = Autodiagnostic(structure="CAF de l'Isère", answers=(None,) * 36, extra={"Participant": "  Zoé  Martin "})
    (tmp_path / "zoe.csv").write_text(dumps_csv([named]), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    write_json(one, tmp_path / "sub" / "anne.json")
    found = participants([tmp_path / "anne.json", tmp_path / "table ronde.csv", tmp_path / "zoe.csv", tmp_path / "sub" / "anne.json"])
    assert [p.label for p in found] == ["anne", "table ronde ligne 2", "table ronde ligne 3", "Zoé Martin", "anne (2)"]
    assert found[1].file.endswith("table ronde.csv") and found[1].autodiagnostic.answers[0] is False


def test_bad_files_are_named_and_the_others_kept(tmp_path):
    write_json(_diagnostic({1: Y}), tmp_path / "anne.json")
    (tmp_path / "bob.json").write_text("{", encoding="utf-8")
    (tmp_path / "carl.csv").write_text("structure\nx\n", encoding="utf-8")
    problems: list[str] = []
    found = participants([tmp_path / "anne.json", tmp_path / "bob.json", tmp_path / "carl.csv"], problems)
    assert [p.label for p in found] == ["anne"]
    assert len(problems) == 2 and "bob.json" in problems[0] and "carl.csv" in problems[1]
    with pytest.raises(InputError) as caught:
        participants([tmp_path / "anne.json", tmp_path / "bob.json", tmp_path / "carl.csv"])
    assert str(caught.value).splitlines() == problems


def test_the_summary_shows_the_divided_questions_and_escapes_names():
    group = _group(("<b>Anne</b>", {1: Y, 2: Y}), ("Bob", {1: Y, 2: N}), ("Carl", {1: Y, 2: N}), structure="<i>CAF</i>")
    page = summary_html(group, {2: Y}, generated=dt.date(2024, 5, 2))
    assert "<b>Anne</b>" not in page and "&lt;b&gt;Anne&lt;/b&gt;" in page and "&lt;i&gt;CAF&lt;/i&gt;" in page
    assert "<script" not in page and "@page { size: A4" in page
    words = plain(unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Questions sans unanimité : 35 sur 36" in words  # q1 only is unanimous
    row = re.search(r"<tr><td>2</td>.*?</tr>", page, re.DOTALL).group()
    assert [plain(unescape(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)][2:5] == ["1", "2", "0"]
    assert "Bob (NON), Carl (NON)" in plain(unescape(row)) and "(groupe)" in row
    assert "02/05/2024" in page


# --------------------------------------------------------------------------- the page's widgets


def _page_files():
    return [
        ("anne.json", dumps_json(_diagnostic({1: Y, 2: Y, 3: Y}, reseau="CAF")).encode()),
        ("bob.xlsx", workbook_bytes(_diagnostic({1: Y, 2: N, 3: N}))),
        ("table.csv", dumps_csv([_diagnostic({1: Y, 2: N}), _diagnostic({1: N, 2: Y, 3: N})]).encode()),
    ]


def test_the_page_counts_keeps_choices_and_downloads():
    page = WorkshopPage()
    assert page.body.layout.display == "none"  # nothing but the upload before any file
    page.add_files(_page_files() + [("mauvais.json", b'{"structure": "x"}')])
    assert [p.label for p in page.participants] == ["anne", "bob", "table ligne 2", "table ligne 3"]
    assert "mauvais.json" in page.file_messages.value and "ce-problem" in page.file_messages.value
    # q2: Y N N Y → tie → blank; q3: Y N B N → NON
    assert page._rows[1]["choice"].value == "" and page._rows[2]["choice"].value == "NON"
    assert "OUI 2 · NON 2 · sans réponse 0" in unescape(page._rows[1]["info"].value)
    page._rows[1]["choice"].value = "OUI"  # the facilitator settles question 2
    assert page.overrides == {2: True}
    assert page._rows[1]["revert"].layout.display is None
    # A new file (one more NON on question 2) keeps the facilitator's choice.
    page.add_files([("dan.json", dumps_json(_diagnostic({2: N}, structure="CPAM du Rhône")).encode())])
    assert len(page.participants) == 5 and page.overrides == {2: True} and page._rows[1]["choice"].value == "OUI"
    assert "2 structures différentes" in plain(unescape(page.participants_html.value))
    page.add_files([("anne-encore.json", _page_files()[0][1])])
    assert len(page.participants) == 5 and "déjà ajouté" in unescape(page.file_messages.value)
    name, mime, content = page.download("json")
    assert name == "consensus-caf-de-l-isere.json" and mime == "application/json"
    document = json.loads(content)
    assert document["reponses"]["q02"] == "OUI" and document["reponses"]["q03"] == "NON" and document["reseau"] == "CAF"
    page._on_revert(2)
    assert page.overrides == {} and page._rows[1]["choice"].value == "NON"  # Y N N Y N → NON now
    page._rows[2]["choice"].value = ""  # « Sans réponse », chosen
    assert page.overrides == {3: None} and page.consensus().answers[2] is None
    page._prepare("synthese")
    assert 'download="consensus-caf-de-l-isere-atelier.html"' in page.download_link.value
    page.only_divided.value = True
    assert page._rows[0]["box"].layout.display is None  # q1 Y Y Y N B: divided
    assert page._rows[10]["box"].layout.display is None  # q11: all blank, not unanimous either
    page.remove_choice.value = page.remove_choice.options[2][1]  # bob
    page._on_remove(None)
    assert [p.label for p in page.participants] == ["anne", "table ligne 2", "table ligne 3", "dan"]
    assert page.overrides == {3: None}  # the facilitator's choices stay


def test_the_page_shows_file_text_as_text():
    page = WorkshopPage()
    evil = Autodiagnostic(structure="<img src=x onerror=alert(1)>", answers=(True,) * 36, extra={"participant": "<script>x</script>"})
    page.add_files([("<b>x</b>.json", dumps_json(evil).encode()), ("<i>y</i>.json", b"{")])
    for html in (page.participants_html.value, page.file_messages.value, page.results.value, page._rows[0]["info"].value):
        assert "<script>" not in html and "<img" not in html and "<b>x" not in html and "<i>y" not in html


# --------------------------------------------------------------------------- the command


def test_the_consensus_command_writes_and_prints(tmp_path):
    write_json(_diagnostic({1: Y, 2: Y, 3: Y}), tmp_path / "anne.json")
    write_workbook(_diagnostic({1: Y, 2: N, 3: N}), tmp_path / "bob.xlsx")
    write_csv([_diagnostic({1: Y, 2: N}), _diagnostic({1: Y, 2: Y, 3: N})], tmp_path / "table.csv")
    inputs = [str(tmp_path / name) for name in ("anne.json", "bob.xlsx", "table.csv")]
    result = run_cli("consensus", *inputs, "--sortie", str(tmp_path / "consensus.xlsx"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # one structure: no warning
    (consensus,) = read_autodiagnostics(tmp_path / "consensus.xlsx")
    # q1 YYYY → OUI (unanimous); q2 Y N N Y → blank; q3 Y N B N → NON
    assert consensus.answers[:4] == (True, None, False, None)
    out = plain(result.stdout)
    assert "Atelier : 4 participants — CAF de l'Isère" in out
    assert "Questions sans unanimité : 35 sur 36" in out
    line_3 = next(line for line in out.splitlines() if line.lstrip().startswith("3 "))
    assert re.search(r"\b1\s+2\s+1\s+NON\s+anne \(OUI\), table ligne 2 \(sans réponse\)$", line_3)
    assert not any(line.lstrip().startswith("1 ") for line in out.splitlines())  # unanimous: not listed
    # Scores: orientation 1/10 (q1; q3 is NON) = 10 %, the other levers 0 %; moyenne 2.5 % → 3 %
    assert re.search(r"CAF de l'Isère\s+10 %\s+0 %\s+0 %\s+0 %\s+3 %\s+2/36", out)
    assert "Consensus écrit" in out
    again = run_cli("consensus", *inputs, "--sortie", str(tmp_path / "consensus.xlsx"))
    assert again.returncode == 2 and "existe déjà" in again.stderr and "--force" in again.stderr
    assert run_cli("consensus", *inputs, "--sortie", str(tmp_path / "consensus.xlsx"), "--force").returncode == 0
    for suffix in (".json", ".csv"):
        assert run_cli("consensus", *inputs, "--sortie", str(tmp_path / f"c{suffix}")).returncode == 0
        assert read_autodiagnostics(tmp_path / f"c{suffix}")[0].answers == consensus.answers


def test_the_consensus_command_refuses_bad_inputs_and_writes_nothing(tmp_path):
    write_json(_diagnostic({1: Y}), tmp_path / "anne.json")
    (tmp_path / "bob.json").write_text('{"structure": "x"}', encoding="utf-8")
    target = tmp_path / "consensus.json"
    result = run_cli("consensus", str(tmp_path / "anne.json"), str(tmp_path / "bob.json"), str(tmp_path / "absent.csv"),
                     "--sortie", str(target))
    assert result.returncode == 2 and result.stdout == "" and not target.exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "bob.json" in lines[0] and "reponses" in lines[0] and "absent.csv" in lines[1]
    assert "Traceback" not in result.stderr
    wrong = run_cli("consensus", str(tmp_path / "anne.json"), "--sortie", str(tmp_path / "consensus.ods"))
    assert wrong.returncode == 2 and "donnez un nom en .json, .csv ou .xlsx" in wrong.stderr
    missing = run_cli("consensus", str(tmp_path / "anne.json"))
    assert missing.returncode == 2 and "--sortie" in missing.stderr


def test_the_consensus_command_warns_when_files_name_several_structures(tmp_path):
    write_json(_diagnostic({1: Y}), tmp_path / "a.json")
    write_json(_diagnostic({1: Y}), tmp_path / "b.json")
    write_json(_diagnostic({1: N}, structure="CPAM du Rhône"), tmp_path / "c.json")
    result = run_cli("consensus", *(str(tmp_path / f"{n}.json") for n in "abc"), "--sortie", str(tmp_path / "out.json"))
    assert result.returncode == 0
    assert "attention" in result.stderr and "2 structures différentes" in result.stderr and "CPAM du Rhône" in result.stderr
    assert json.loads((tmp_path / "out.json").read_text())["structure"] == "CAF de l'Isère"


def test_the_page_is_served_linked_and_titled():
    from contacts_lib.web.landing import landing_html
    from contacts_lib.web.server import WORKSHOP_NOTEBOOK
    from tests.samples import kernel_pools, page_notebook

    assert WORKSHOP_NOTEBOOK == "atelier.ipynb"
    landing = landing_html()
    assert re.search(r'<a href="atelier\.ipynb"[^>]*>Animer un atelier : consensus du groupe</a>', landing)
    title, markdown, code = page_notebook(WORKSHOP_NOTEBOOK)
    assert title == "Atelier — 100 % Contacts efficaces"
    assert markdown.startswith("[← Accueil](index.ipynb)")
    assert code == "from contacts_lib.workshop.page import workshop_page\n\nworkshop_page()"
    pools = kernel_pools()
    assert pools[f"notebooks/{WORKSHOP_NOTEBOOK}"] == {"pool_size": 1}


def test_the_page_is_kept_in_the_browser_and_taken_back_after_a_reload():
    page = WorkshopPage()
    page.add_files(_page_files())
    before = [p.label for p in page.participants]
    page._rows[2]["choice"].value = "OUI"  # the facilitator settles question 3 against the majority (NON)
    page.remove_choice.value = page.remove_choice.options[1][1]  # and removes the first participant
    page._on_remove(None)
    kept = json.loads(json.dumps({"files": page.memory.files, "choices": page.memory.choices}))  # as the browser keeps it
    assert kept["choices"] == {"3": "OUI"}

    again = WorkshopPage()  # a new kernel: the page sends what the browser kept
    again.memory._handle_custom_msg({"type": "restore", "state": kept}, [])
    assert [p.label for p in again.participants] == before[1:]
    assert again.overrides == {3: True} and again.consensus() == page.consensus()
    assert "Atelier retrouvé dans ce navigateur" in again.file_messages.value
    again.memory._handle_custom_msg({"type": "restore", "state": kept}, [])  # a page already in use is left alone
    assert len(again.participants) == len(before) - 1

    broken = WorkshopPage()
    broken.memory._handle_custom_msg({"type": "restore", "state": {"files": [{"name": "x.json", "content": "%%%", "rows": [0]}]}}, [])
    assert broken.participants == [] and "n&#x27;a pas pu être repris" in broken.file_messages.value
    broken.memory._handle_custom_msg({"type": "full"}, [])
    assert "téléchargez le consensus" in broken.file_messages.value

    again._on_restart(None)  # asked once: nothing is cleared yet
    assert len(again.participants) == len(before) - 1 and "Confirmer" in again.restart.description
    again._on_restart(None)
    assert again.participants == [] and again.memory.files == [] and again.overrides == {}
