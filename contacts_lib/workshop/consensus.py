"""A workshop's consensus: several participants' autodiagnostics of the same structure, put together.

In a workshop each participant fills the autodiagnostic for the same structure and downloads a
file (JSON, CSV or XLSX; a CSV may hold several participants). From these files:

- :func:`participants`: each participant with a label (its ``participant`` field if the file
  has one, else the file's name, with its line for a CSV of several rows);
- :func:`answer_counts`: one row per question: how many said OUI, NON or gave no answer, the
  proposed consensus (the majority of the answers given; a tie, or no answer at all, gives no
  answer, for the group to settle), the consensus once the facilitator's choices are applied,
  whether the group is unanimous and who disagrees with the consensus;
- :func:`consensus_autodiagnostic`: the consensus as an :class:`Autodiagnostic` (header fields:
  the most frequent value among participants), to be scored and written like any other;
- :func:`participant_scores` and :func:`score_spread`: each participant's scores, and their
  spread per lever (the band drawn under the consensus radar);
- :func:`summary_html`: the one-page workshop summary (A4).

Scores are those of :mod:`contacts_lib.autodiagnostic.scoring` (through the network tables, which agree with
it); nothing here scores anything itself.
"""

from __future__ import annotations

import collections
import math
import textwrap
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    NO,
    YES,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
)
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.messages import InputError, plural, show_value

#: The extra column (CSV) or key (JSON) that names a participant, compared without case.
#: A consensus answer: OUI, NON, or None (no answer: to be settled by the group).
Answer = bool | None


class Participant(NamedTuple):
    """One participant: a label (unique in the workshop), its autodiagnostic, and its file's name.

    >>> from contacts_lib.workshop import participants
    >>> first = participants(["data/exemples/exemple-recueil.json"])[0]
    >>> first.label, first.autodiagnostic.structure, first.file
    ('exemple-recueil', 'Exemple du recueil (SGMAP, 2015)', 'data/exemples/exemple-recueil.json')
    """

    label: str
    autodiagnostic: Autodiagnostic
    file: str


# --------------------------------------------------------------------------- reading


def file_participants(name: str, content: bytes) -> list[tuple[str, Autodiagnostic]]:
    """The autodiagnostics of one file (its bytes and its name), each with the label it gives
    its participant: the ``participant`` field if filled, else the file's stem, with « ligne N »
    when the file holds several autodiagnostics (N: the CSV line where the row starts).
    A file that cannot be read raises :class:`InputError` (the message names the file)."""
    from contacts_lib.formats import parse_file

    diagnostics = parse_file(content, name)
    stem = Path(name).stem or name
    if len(diagnostics) == 1:
        places = [stem]
    else:
        places = [f"{stem} ligne {line}" for line in _csv_lines(content, name)]
    return [(_named_participant(diagnostic) or place, diagnostic) for place, diagnostic in zip(places, diagnostics, strict=True)]


def _csv_lines(content: bytes, name: str) -> list[int]:
    """The line where each row of a CSV starts (the file was read whole already: no error here)."""
    from contacts_lib.formats.csv_format import MAX_STRUCTURES, csv_rows, open_csv

    reader, layout = open_csv(content, name)
    return [line for line, _ in csv_rows(reader, layout, name, MAX_STRUCTURES)]


def _named_participant(diagnostic: Autodiagnostic) -> str | None:
    """The participant's name as filled in the file (the app's « Participant » field, the
    ``participant`` key or column), its spaces made single."""
    return " ".join(diagnostic.participant.split()) if diagnostic.participant else None


def label_participants(entries: Iterable[tuple[str, Autodiagnostic, str]]) -> list[Participant]:
    """Participants from (label, autodiagnostic, file) in input order, labels made unique
    (« Anne », « Anne (2) »): a label once given never changes when participants are added.

    >>> from contacts_lib import read_autodiagnostics
    >>> from contacts_lib.workshop import label_participants
    >>> example = read_autodiagnostics("data/exemples/exemple-recueil.json")[0]
    >>> [p.label for p in label_participants([("Anne", example, "a.json"), ("anne", example, "b.json")])]
    ['Anne', 'anne (2)']
    """
    seen: collections.Counter[str] = collections.Counter()
    taken: set[str] = set()
    result = []
    for label, diagnostic, file in entries:
        unique = label
        while unique.casefold() in taken:
            seen[label.casefold()] += 1
            unique = f"{label} ({seen[label.casefold()] + 1})"
        taken.add(unique.casefold())
        result.append(Participant(unique, diagnostic, file))
    return result


def participants(files: Iterable[Path | str | tuple[str, bytes]], problems: list[str] | None = None) -> list[Participant]:
    """The participants of files given as paths or as ``(name, bytes)`` (uploads), in input order.

    Every file is read. A file that cannot be read is reported: appended to ``problems`` (and
    left aside) when a list is given, else an :class:`InputError` names every such file, one
    line each, and nothing is returned.

    >>> from contacts_lib.workshop import participants
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> [p.label for p in group]
    ['exemple-recueil', 'reseau-exemple ligne 2', 'reseau-exemple ligne 3', 'reseau-exemple ligne 4']
    >>> problems = []
    >>> len(participants(["data/exemples/exemple-recueil.json", "absent.json"], problems)), problems
    (1, ['absent.json : fichier introuvable.'])
    """
    from contacts_lib.formats import SIZE_LIMITS, read_user_file
    from contacts_lib.formats.files import shown_path

    entries, errors = [], []
    for item in files:
        try:
            if isinstance(item, tuple):
                name, content = item
            else:
                name = shown_path(item)
                limit = SIZE_LIMITS.get(Path(item).suffix.casefold())
                # An unknown extension is said by the parser, before the file is even opened.
                content = b"" if limit is None else read_user_file(Path(item), limit)
            entries += [(label, diagnostic, name) for label, diagnostic in file_participants(name, content)]
        except InputError as error:
            errors.append(str(error))
    if errors and problems is None:
        raise InputError("\n".join(errors))
    if problems is not None:
        problems += errors
    return label_participants(entries)


# --------------------------------------------------------------------------- counting


def majority(answers: Iterable[Answer]) -> Answer:
    """The proposed consensus of one question: the majority of the answers given (OUI against NON,
    unanswered left out); a tie, and no answer at all, give no answer (the group settles it).

    >>> from contacts_lib.workshop import majority
    >>> majority([True, True, False, None]), majority([True, False]), majority([None, None])
    (True, None, None)
    """
    counts = collections.Counter(answer for answer in answers if answer is not None)
    if counts[True] == counts[False]:
        return None
    return counts[True] > counts[False]


def _checked_overrides(overrides: Mapping[int, Answer] | None) -> dict[int, Answer]:
    overrides = dict(overrides or {})
    for number, answer in overrides.items():
        if not (isinstance(number, int) and 1 <= number <= QUESTION_COUNT):
            raise ValueError(f"question numbers are 1–{QUESTION_COUNT}, not {number!r}")
        if answer not in (True, False, None):
            raise ValueError(f"a consensus answer is True, False or None, not {answer!r}")
    return overrides


def _word(answer: Answer) -> str | None:
    return None if answer is None else (YES if answer else NO)


def answer_counts(participants: Sequence[Participant], overrides: Mapping[int, Answer] | None = None) -> pd.DataFrame:
    """One row per question (1–36, in the form's order):

    ``question``, ``pratique``, ``levier`` (key), ``intitule`` (the practice's title);
    ``oui``, ``non``, ``sans_reponse``: how many participants answered so;
    ``proposition``: the majority (``"OUI"``, ``"NON"`` or None, see :func:`majority`);
    ``consensus``: the proposition, or the facilitator's choice from ``overrides`` (question
    number → True, False or None); ``modifiee``: whether the facilitator chose it;
    ``unanime``: every participant gave the same answer, OUI or NON (a question someone left
    unanswered is not unanimous); ``desaccord``: the labels of the participants whose answer
    (no answer included) differs from the consensus, in input order (a tuple).

    >>> from contacts_lib.workshop import answer_counts, participants
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> counts = answer_counts(group)
    >>> counts.loc[:2, ["question", "oui", "non", "sans_reponse", "proposition", "unanime", "desaccord"]]
       question  oui  non  sans_reponse proposition  unanime                  desaccord
    0         1    4    0             0         OUI     True                         ()
    1         2    1    3             0         NON    False  (reseau-exemple ligne 3,)
    2         3    3    1             0         OUI    False  (reseau-exemple ligne 3,)
    """
    overrides = _checked_overrides(overrides)
    rows = []
    for question, given, proposed, chosen in _questions(participants, overrides):
        rows.append({
            "question": question.number,
            "pratique": question.practice.number,
            "levier": question.lever.key,
            "intitule": question.practice.title,
            "oui": given.count(True),
            "non": given.count(False),
            "sans_reponse": given.count(None),
            "proposition": _word(proposed),
            "consensus": _word(chosen),
            "modifiee": question.number in overrides,
            "unanime": bool(given) and given[0] is not None and given.count(given[0]) == len(given),
            "desaccord": tuple(p.label for p, answer in zip(participants, given, strict=True) if answer is not chosen),
        })
    frame = pd.DataFrame(rows)
    for column in ("proposition", "consensus"):  # None stays None (no answer), not NaN
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    return frame


def _questions(participants: Sequence[Participant], overrides: Mapping[int, Answer] | None):
    """Each question with the participants' answers, the proposition and the consensus."""
    overrides = _checked_overrides(overrides)
    for question in load_catalogue().questions:
        given = [p.autodiagnostic.answers[question.number - 1] for p in participants]
        proposed = majority(given)
        yield question, given, proposed, overrides.get(question.number, proposed)


def disagreement_text(participants: Sequence[Participant], question: int, labels: Iterable[str], limit: int | None = None) -> str:
    """« Bob (NON), Carol (sans réponse) »: who disagrees on a question, with their answers;
    with ``limit``, the first ``limit`` of them, then « et 14 autres » (the printed summary)."""
    answers = {p.label: p.autodiagnostic.answers[question - 1] for p in participants}
    labels = list(labels)
    shown = labels if limit is None or len(labels) <= limit else labels[:limit]
    listed = ", ".join(f"{label} ({answer_text(answers[label]) or 'sans réponse'})" for label in shown)
    return listed + (f" et {plural(len(labels) - len(shown), 'autre')}" if len(shown) < len(labels) else "")


# --------------------------------------------------------------------------- the consensus


def structure_names(participants: Sequence[Participant]) -> list[str]:
    """The distinct structures the participants name (compared as the network tables compare
    names), each as first spelled, in input order: more than one is worth a warning.

    >>> from contacts_lib.workshop import participants, structure_names
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> structure_names(group)
    ['Exemple du recueil (SGMAP, 2015)', 'CAF de Ville-Exemple (fictive)', 'Préfecture de Département-Exemple (fictive)']
    """
    from contacts_lib.network.tables import structure_key

    names: dict[str, str] = {}
    for participant in participants:
        names.setdefault(structure_key(participant.autodiagnostic.structure), participant.autodiagnostic.structure)
    return list(names.values())


def consensus_header(participants: Sequence[Participant]) -> dict[str, object]:
    """Each header field's most frequent value among the participants who filled it (ties: the
    first in input order; names compared as the network tables compare them, the first spelling
    kept); None if nobody filled it. The group's consensus names no participant."""
    from contacts_lib.network.tables import structure_key

    header: dict[str, object] = {}
    for spec in HEADER_FIELDS:
        if spec.key == "participant":
            header[spec.key] = None
            continue
        values = [getattr(p.autodiagnostic, spec.key) for p in participants]
        values = [value for value in values if value is not None]
        key = structure_key if spec.kind == "text" and spec.key == "structure" else (lambda value: value)
        counts = collections.Counter(key(value) for value in values)
        best = max(counts.values(), default=0)
        header[spec.key] = next((value for value in values if counts[key(value)] == best), None)
    return header


def consensus_autodiagnostic(participants: Sequence[Participant], overrides: Mapping[int, Answer] | None = None) -> Autodiagnostic:
    """The group's autodiagnostic: :func:`consensus_header` and the ``consensus`` answers of
    :func:`answer_counts` (the majority, or the facilitator's choices in ``overrides``).

    >>> from contacts_lib import format_percent, score
    >>> from contacts_lib.workshop import consensus_autodiagnostic, participants
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> consensus = consensus_autodiagnostic(group, overrides={1: False})   # the group settled question 1
    >>> consensus.structure, consensus.answers[0], format_percent(score(consensus).moyenne)
    ('Exemple du recueil (SGMAP, 2015)', False, '44 %')
    """
    if not participants:
        raise InputError("aucun participant : ajoutez au moins un fichier d'autodiagnostic.")
    answers: list[object] = [_word(chosen) for *_, chosen in _questions(participants, overrides)]

    def locate(key: str) -> str:
        return f"consensus de l'atelier, {key}"

    return build_autodiagnostic(consensus_header(participants), answers, locate)


def participant_scores(participants: Sequence[Participant]) -> pd.DataFrame:
    """One row per participant × lever, then its moyenne: ``participant``, ``fichier``,
    ``structure``, ``levier``, ``questions``, ``appliquees``, ``repondues``, ``pourcentage``
    (unrounded, 0–100) and ``arrondi`` (as the tool shows it) — the network tables' scores.

    >>> from contacts_lib.workshop import participant_scores, participants
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> scores = participant_scores(group)
    >>> scores[scores["levier"] == "moyenne"][["participant", "arrondi"]]
                   participant  arrondi
    4          exemple-recueil       64
    9   reseau-exemple ligne 2       64
    14  reseau-exemple ligne 3       59
    19  reseau-exemple ligne 4       33
    """
    from contacts_lib.network.tables import scores_frame

    frame = scores_frame([p.autodiagnostic for p in participants])
    labels = [p.label for p in participants]
    files = [p.file for p in participants]
    frame.insert(0, "participant", [labels[i] for i in frame["autodiagnostic"]])
    frame.insert(1, "fichier", [files[i] for i in frame["autodiagnostic"]])
    columns = ["participant", "fichier", "structure", "levier", "questions", "appliquees", "repondues", "pourcentage", "arrondi"]
    return frame[columns]


def score_spread(participants: Sequence[Participant]) -> pd.DataFrame:
    """Per lever (then the moyenne), the participants' ``minimum``, ``mediane`` and ``maximum``
    percentages (unrounded, 0–100), in the catalogue's order.

    >>> from contacts_lib.workshop import participants, score_spread
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> score_spread(group).round(1)
            levier  minimum  mediane  maximum
    0  orientation     40.0     40.0     60.0
    1   excellence     27.3     27.3     54.5
    2     pilotage     37.5     75.0     87.5
    3   innovation     28.6     78.6    100.0
    4      moyenne     33.3     61.1     63.7
    """
    scores = participant_scores(participants)
    order = list(dict.fromkeys(scores["levier"]))
    spread = scores.groupby("levier", sort=False)["pourcentage"].agg(minimum="min", mediane="median", maximum="max")
    return spread.loc[order].reset_index()


def consensus_radar_svg(participants: Sequence[Participant], overrides: Mapping[int, Answer] | None = None) -> str:
    """The consensus radar over the band of the participants' scores (lowest to highest on each
    lever, their median dashed), as SVG.

    >>> from contacts_lib.workshop import consensus_radar_svg, participants
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> consensus_radar_svg(group)[:4]
    '<svg'
    """
    from contacts_lib.autodiagnostic.figures import radar_svg
    from contacts_lib.autodiagnostic.scoring import score

    spread = score_spread(participants).set_index("levier")
    levers = [lever.key for lever in load_catalogue().levers]
    band = tuple(list(spread.loc[levers, column]) for column in ("minimum", "mediane", "maximum"))
    return radar_svg(score(consensus_autodiagnostic(participants, overrides)), band=band)


RADAR_LEGEND = (
    "Radar du consensus (en bleu) ; en gris, l'étendue des scores des participants, du plus bas au plus haut sur "
    "chaque levier ; en pointillés, leur médiane."
)


# --------------------------------------------------------------------------- the one-page summary

_SUMMARY_STYLE = """
.workshop { font-size: 9pt; }
.workshop h1 { font-size: 14pt; }
.workshop h2 { font-size: 11pt; margin: 2.5mm 0 1.5mm; }
.workshop .structure { font-size: 12pt; margin-bottom: 1mm; }
.workshop main > p, .workshop header p { margin: 0.8mm 0; }
.workshop .warning { border-left: 3pt solid #a4161a; padding-left: 2mm; }
.workshop .results { align-items: flex-start; gap: 4mm; }
.workshop .results > div:first-child { flex: 1 1 auto; }
.workshop .results p { margin: 1mm 0 0; font-size: 8pt; }
.workshop .results table { width: auto; }
.workshop .results td, .workshop .results th { white-space: nowrap; padding: 0.6mm 2mm; }
.workshop #radar { width: 76mm; height: 62mm; margin: -3mm 0 -3mm; }
.workshop .participants { font-size: 8.5pt; }
.workshop table.questions { font-size: 7.5pt; line-height: 1.25; }
.workshop table.questions th, .workshop table.questions td { padding: 0.3mm 1mm; }
.workshop table.questions td.num, .workshop table.questions td.answer { white-space: nowrap; }
.workshop table.questions td.names { width: 36%; }
.workshop table.questions td.answer { width: 14mm; }
.workshop table.questions tr { break-inside: avoid; }
.workshop footer { margin-top: 2mm; font-size: 8pt; }
.workshop .continued { break-before: page; }
.workshop .next-page { font-size: 8pt; font-style: italic; }
"""

#: How many lines of the questions' table a page of the summary holds (7.5 pt lines of about
#: 3.3 mm): the first page after the header, the scores and the radar, the next pages whole.
#: A row counts the lines its practice's title and its names take (at the widths below, in
#: characters), so that a page is never overfilled, whatever the names' length.
FIRST_PAGE_LINES = 44
NEXT_PAGE_LINES = 68
#: Names in disagreement listed on a row of the summary (the others counted: « et 14 autres »).
SUMMARY_NAMES = 4
#: A row's padding and border, in lines.
ROW_PADDING = 0.35
TITLE_CHARACTERS = 44
NAMES_CHARACTERS = 38
#: The participants' line of the header (8.5 pt), in characters, and its height in table lines.
HEADER_CHARACTERS = 110
HEADER_LINE = 1.2


def _lines(text_: str, width: int) -> int:
    """Lines a text takes in a column ``width`` characters wide, wrapped at spaces and hyphens
    as the browser wraps it."""
    return max(1, len(textwrap.wrap(text_, width, break_on_hyphens=True)))


def _row_lines(title: str, names: str) -> float:
    return max(_lines(title, TITLE_CHARACTERS), _lines(names, NAMES_CHARACTERS)) + ROW_PADDING


def summary_pages(rows: Sequence[tuple[str, str]], header: str = "") -> list[int]:
    """How the questions without unanimity (their practice's title and names in disagreement)
    are split across the summary's pages: the number of rows on each page, on purpose, so that
    no page overflows (one page when they fit on the first). ``header``: the participants' line
    of the first page, which takes room from the table when it is long.

    >>> from contacts_lib.workshop.consensus import summary_pages
    >>> summary_pages([("Titre court", "Anne (NON)")] * 12), summary_pages([("Titre court", "Anne (NON)")] * 36)
    ([12], [20, 16])
    """
    pages, lines = [0], 0
    budget = FIRST_PAGE_LINES - HEADER_LINE * (_lines(header, HEADER_CHARACTERS) - 1)
    for title, names in rows:
        needed = _row_lines(title, names)
        if pages[-1] and lines + needed > budget:
            pages.append(0)
            lines, budget = 0, NEXT_PAGE_LINES
        pages[-1] += 1
        lines += needed
    return pages


def summary_html(
    participants: Sequence[Participant], overrides: Mapping[int, Answer] | None = None, generated: dt.date | None = None
) -> str:
    """The one-page workshop summary (HTML that prints on A4, no script): the structure, the
    participants, the consensus scores and radar over the participants' band, and the questions
    without unanimity with their counts and who disagrees: on one A4 page when they fit, else
    split on purpose (:func:`summary_pages`), the first page saying so and each next page with its
    heading and the table's head again.
    Every text from a file is escaped. A consensus answer chosen by the group is marked so.

    >>> import datetime
    >>> from contacts_lib.workshop import participants, summary_html
    >>> group = participants(["data/exemples/exemple-recueil.json", "data/exemples/reseau-exemple.csv"])
    >>> html = summary_html(group, generated=datetime.date(2026, 12, 3))
    >>> html.startswith("<!DOCTYPE html>"), "Synthèse générée le 03/12/2026" in html
    (True, True)
    """
    from contacts_lib.autodiagnostic.figures import radar_summary
    from contacts_lib.autodiagnostic.report import DOCUMENT_STYLE as REPORT_STYLE
    from contacts_lib.autodiagnostic.scoring import (
        UNANSWERED_RULE,
        format_percent,
        format_percentage,
        score,
    )
    from contacts_lib.web.html import text

    consensus = consensus_autodiagnostic(participants, overrides)
    scores = score(consensus)
    counts = answer_counts(participants, overrides)
    spread = score_spread(participants).set_index("levier")
    catalogue = load_catalogue()
    names = structure_names(participants)
    lever_rows = "".join(
        f"<tr><td>{lever.number}. {text(lever.short_name)}</td><td class=num>{text(format_percent(scores.coverage[lever.key]))}</td>"
        f"<td class=num>{text(format_percentage(spread.loc[lever.key, 'minimum']))} – {text(format_percentage(spread.loc[lever.key, 'maximum']))}</td></tr>"
        for lever in catalogue.levers
    ) + (
        f"<tr class=total><td>Moyenne</td><td class=num>{text(format_percent(scores.moyenne))}</td>"
        f"<td class=num>{text(format_percentage(spread.loc['moyenne', 'minimum']))} – {text(format_percentage(spread.loc['moyenne', 'maximum']))}</td></tr>"
    )
    divided = counts[~counts["unanime"]]
    rows = [(row, disagreement_text(participants, row.question, row.desaccord, SUMMARY_NAMES) or "—")
            for row in divided.itertuples()]
    question_rows = [
        f"<tr><td>{row.question}</td><td>{text(row.intitule)}</td><td class=num>{row.oui}</td><td class=num>{row.non}</td>"
        f"<td class=num>{row.sans_reponse}</td><td class=answer>{text(row.consensus or 'sans réponse')}"
        f"{'<br>' + text('(groupe)') if row.modifiee else ''}</td><td class=names>{text(names)}</td></tr>"
        for row, names in rows
    ]
    people = ", ".join(p.label for p in participants)
    header = f"{participants_text(len(participants))} : {people}."
    pages = summary_pages([(row.intitule, names) for row, names in rows], header)
    head = ('<thead><tr><th scope="col">N°</th><th scope="col">Bonne pratique</th><th scope="col">OUI</th><th scope="col">NON</th>'
            '<th scope="col">Sans rép.</th><th scope="col">Consensus</th><th scope="col">En désaccord</th></tr></thead>')
    tables, start = [], 0
    for number, count in enumerate(pages, start=1):
        table = f'<table class="questions">{head}<tbody>{"".join(question_rows[start:start + count])}</tbody></table>'
        if number > 1:
            table = (f'<section class="continued"><h2>{text(f"Questions sans unanimité (suite, page {number} sur {len(pages)})")}'
                     f"</h2>{table}</section>")
        elif len(pages) > 1:
            table += f'<p class="next-page">{text(f"La liste continue en page 2 ({len(pages)} pages en tout).")}</p>'
        tables.append(table)
        start += count
    questions = "".join(tables) if len(divided) else "<p>Toutes les questions ont fait l'unanimité.</p>"
    warning = (
        f'<p class="warning">{text("Attention : les fichiers nomment plusieurs structures : " + " ; ".join(names) + ".")}</p>'
        if len(names) > 1 else ""
    )
    generated = generated or dt.date.today()
    title = "Atelier « 100 % Contacts efficaces » : consensus du groupe"
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(f"{title} — {consensus.structure}")}</title>
<style>{REPORT_STYLE}{_SUMMARY_STYLE}</style>
</head>
<body class="summary workshop">
<header>
<h1>{text(title)}</h1>
<p class="structure">{text(consensus.structure)}</p>
{warning}
<p class="participants">{text(header)}</p>
</header>
<main>
<h2>Scores du consensus</h2>
<div class="results">
<div>
<table>
<thead><tr><th scope="col">Levier</th><th scope="col">Consensus</th><th scope="col">Participants</th></tr></thead>
<tbody>{lever_rows}</tbody>
</table>
<p class="ce-meta">{text(f"Consensus : {scores.answered} / {QUESTION_COUNT} réponses ; {UNANSWERED_RULE}.")}</p>
<p class="ce-meta">{text(RADAR_LEGEND)}</p>
</div>
<div id="radar" role="img" aria-label="{text(radar_summary(scores))}">{consensus_radar_svg(participants, overrides)}</div>
</div>
<h2>{text(f"Questions sans unanimité : {len(divided)} sur {QUESTION_COUNT}")}</h2>
{questions}
</main>
<footer>Synthèse générée le {generated.strftime("%d/%m/%Y")} avec l'outil d'autodiagnostic « 100 % Contacts efficaces ».
Consensus proposé : la majorité des réponses données ; une égalité reste sans réponse, à trancher par le groupe ;
« (groupe) » : réponse fixée par le groupe.</footer>
</body>
</html>
"""


def participants_text(number: int) -> str:
    """« 5 participants »."""
    return plural(number, "participant")


def consensus_file_name(autodiagnostic: Autodiagnostic, suffix: str) -> str:
    """« consensus-caf-de-l-isere.json »: a safe file name for the consensus of a structure."""
    from contacts_lib.formats.files import file_name_for

    return "consensus-" + file_name_for(autodiagnostic.structure, suffix).removeprefix("autodiagnostic-")


def consensus_bytes(autodiagnostic: Autodiagnostic, extension: str) -> bytes:
    """The consensus file's bytes in a format (``.json``, ``.csv`` or ``.xlsx``), by the
    library's writers (the same files as the app's exports)."""
    from contacts_lib.formats import dumps_csv, dumps_json, workbook_bytes

    extension = extension.casefold()
    if extension == ".json":
        return dumps_json(autodiagnostic).encode("utf-8")
    if extension == ".csv":
        return dumps_csv([autodiagnostic]).encode("utf-8")
    if extension == ".xlsx":
        return workbook_bytes(autodiagnostic)
    raise InputError(f"format {show_value(extension) if extension else '« (aucun) »'} inconnu ; formats possibles : .json, .csv, .xlsx.")


__all__ = [
    "RADAR_LEGEND",
    "Participant",
    "answer_counts",
    "consensus_autodiagnostic",
    "consensus_bytes",
    "consensus_file_name",
    "consensus_header",
    "consensus_radar_svg",
    "disagreement_text",
    "file_participants",
    "label_participants",
    "majority",
    "participant_scores",
    "participants",
    "participants_text",
    "score_spread",
    "structure_names",
    "summary_html",
]
