"""What the practices go with: réitération (and cost per user) of the structures that apply a
practice against those that don't, across a network — an association, not a cause.

Each structure counts once (its réitération rate over its contacts in the log; its latest
autodiagnostic says whether it applies the practice; a question left blank leaves it out of
that comparison). For each group: how many structures, their mean, and a 95 % confidence
interval (normal approximation, mean ± 1.96 standard errors); then the gap between the groups
with Welch's interval. Structures that apply a practice may differ from the others in many ways
(size, réseau, public): the page and the README say « associé à », never « réduit ».
"""

from __future__ import annotations

import math

from contacts_lib.autodiagnostic.answers import structure_key
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.frames import table
from contacts_lib.messages import agreed, plural, thousands

#: The practices of the recueil that bear on repeated contacts (question numbers): accusé de
#: réception, information proactive, measuring réitération, a shared contact history.
DEFAULT_QUESTIONS = (14, 16, 24, 29)
Z_95 = 1.959963984540054
#: What :func:`practice_association` compares: one value per structure (and its column).
PER_STRUCTURE = table('une table par structure (reiteration_by(journal, "structure", N) ou costs_by_structure)', ["structure"])


def _summary(values) -> tuple[int, float | None, float | None, float | None, float | None]:
    """n, mean, standard error, and the 95 % interval of the mean."""
    n = len(values)
    if n == 0:
        return 0, None, None, None, None
    mean = sum(values) / n
    if n == 1:
        return 1, mean, None, None, None
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    error = math.sqrt(variance / n)
    return n, mean, error, mean - Z_95 * error, mean + Z_95 * error


def practice_association(per_structure, answers, questions=DEFAULT_QUESTIONS, value: str = "taux"):
    """One row per question × group (« applique », « n'applique pas ») with ``question``,
    ``pratique``, ``intitule``, ``groupe``, ``structures``, ``moyenne``, ``ic_bas``, ``ic_haut``,
    and per question the gap ``ecart`` (applique − n'applique pas) with ``ecart_ic_bas``,
    ``ecart_ic_haut``: an association, not the proof of an effect.

    ``per_structure``: a frame with ``structure`` and the ``value`` column — the réitération rate
    of :func:`reiteration.reiteration_by` by structure, or ``cout_par_usager`` of
    :func:`costs.costs_by_structure` (a ``TOTAL`` row is left out); ``answers``: the tidy answers
    of each structure's latest autodiagnostic (:attr:`network.Network.answers` of
    :meth:`~network.Network.latest`), matched by name as :func:`structure_key` says (a structure
    found twice: its last autodiagnostic in the table counts). A blank answer leaves the
    structure out of that question's comparison.

    >>> from contacts_lib.logs import load_log, practice_association, reiteration_by
    >>> from contacts_lib.network import load_network
    >>> rates = reiteration_by(load_log("data/journal-synthetique/journal.csv"), "structure", 15)
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> table = practice_association(rates, network.answers, questions=[14])
    >>> table[["question", "pratique", "groupe", "structures", "moyenne", "ecart"]].round(1)
       question  pratique          groupe  structures  moyenne  ecart
    0        14        15        applique         105     13.6   -5.2
    1        14        15  n'applique pas         160     18.9   -5.2
    """
    import pandas as pd

    from contacts_lib.autodiagnostic.answers import YES
    from contacts_lib.frames import FrameError, expect
    from contacts_lib.network.tables import ANSWERS

    expect(per_structure, PER_STRUCTURE, "practice_association", "per_structure", [value])
    expect(answers, ANSWERS, "practice_association", "answers")
    catalogue = load_catalogue()
    questions = list(questions)
    wrong = [q for q in questions if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= len(catalogue.questions)]
    if wrong:
        raise FrameError(f"practice_association, argument « questions » : {wrong[0]!r} n'est pas un numéro de question "
                         f"(1 à {len(catalogue.questions)}).")
    values = {
        structure_key(str(row["structure"])): float(row[value])
        for row in per_structure.to_dict("records")
        if row["structure"] != "TOTAL" and row[value] is not None and not pd.isna(row[value])
    }
    chosen = answers.loc[answers["question"].isin(questions), ["structure", "question", "reponse"]]
    names = chosen["structure"].astype(str)
    keys = names.map({name: structure_key(name) for name in names.unique()})
    chosen = chosen.assign(cle=keys).drop_duplicates(["cle", "question"], keep="last")
    given = {(key, int(question)): reponse == YES
             for key, question, reponse in zip(chosen["cle"], chosen["question"], chosen["reponse"], strict=True)
             if not pd.isna(reponse)}
    rows = []
    for question in questions:
        practice = catalogue.questions[question - 1].practice
        groups = {True: [], False: []}
        for key, measured in values.items():
            answer = given.get((key, question))
            if answer is not None:
                groups[answer].append(measured)
        applies, lacks = _summary(groups[True]), _summary(groups[False])
        gap = low = high = None
        if applies[1] is not None and lacks[1] is not None:
            gap = applies[1] - lacks[1]
            if applies[2] is not None and lacks[2] is not None:
                error = math.sqrt(applies[2] ** 2 + lacks[2] ** 2)
                low, high = gap - Z_95 * error, gap + Z_95 * error
        for group, summary in (("applique", applies), ("n'applique pas", lacks)):
            rows.append({
                "question": question, "pratique": practice.number, "intitule": practice.title, "groupe": group,
                "structures": summary[0], "moyenne": summary[1], "ic_bas": summary[3], "ic_haut": summary[4],
                "ecart": gap, "ecart_ic_bas": low, "ecart_ic_haut": high,
            })
    frame = pd.DataFrame(rows, columns=["question", "pratique", "intitule", "groupe", "structures", "moyenne", "ic_bas",
                                        "ic_haut", "ecart", "ecart_ic_bas", "ecart_ic_haut"])
    return frame.astype({c: "Float64" for c in ("moyenne", "ic_bas", "ic_haut", "ecart", "ecart_ic_bas", "ecart_ic_haut")})


def association_text(row_applies: dict, row_lacks: dict, unit: str = "%", gap_unit: str | None = None, decimals: int = 1) -> str:
    """The comparison in words, as an association: « 40 structures qui appliquent la pratique :
    18,2 % en moyenne (IC 95 % : 16,9–19,5) ; 60 qui ne l'appliquent pas : 27,0 % (…). Écart :
    −8,8 points (−10,6 à −7,0) — une association observée, pas la preuve d'un effet. » Means in
    ``unit``, the gap in ``gap_unit`` (for costs: the currency for both; by default « point »,
    agreed with the gap)."""
    def number(value) -> str:
        return "–" if value is None or value != value else f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")

    gap = row_applies["ecart"]
    if gap_unit is None:
        gap_unit = agreed(int(abs(gap)) if gap is not None and gap == gap else 0, "point")
    interval = (f" ({number(row_applies['ecart_ic_bas'])} à {number(row_applies['ecart_ic_haut'])})"
                if row_applies["ecart_ic_bas"] is not None and row_applies["ecart_ic_bas"] == row_applies["ecart_ic_bas"] else "")
    return (
        f"{plural(row_applies['structures'], 'structure')} qui {agreed(row_applies['structures'], 'applique', 'appliquent')} la pratique : {number(row_applies['moyenne'])} {unit} en moyenne "
        f"(IC 95 % : {number(row_applies['ic_bas'])}–{number(row_applies['ic_haut'])}) ; {thousands(row_lacks['structures'])} qui ne "
        f"l'{agreed(row_lacks['structures'], 'applique', 'appliquent')} pas : {number(row_lacks['moyenne'])} {unit} ({number(row_lacks['ic_bas'])}–{number(row_lacks['ic_haut'])}). "
        f"Écart : {number(gap)} {gap_unit}{interval} — une association observée, pas la preuve d'un effet."
    )
