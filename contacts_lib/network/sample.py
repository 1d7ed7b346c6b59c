"""A synthetic network for demonstrations, workshops and tests — made up, and said so everywhere.

:func:`sample_network` builds, from a seed, a network of structures of several réseaux and
régions answering the autodiagnostic in two campaigns a year apart: adoption varies by
practice, by réseau and by structure; between the campaigns most structures adopt a few
practices and a few drop one; some structures take part in one campaign only; channel volumes
are of plausible orders of magnitude for their réseau. Most structures write a plan d'actions
at the first campaign; at the second, each carries it on (:func:`_plans`): the practices now
applied are « fait », some actions are abandoned, the others still open (late once their date
has passed), and a few new ones are added. Each structure has a Services Publics+-like code
(``SP-00004``) and the code of the structure above it (:func:`_hierarchy`): in each réseau, the
first structure is the national head, the first of each région its regional direction, the
others are under their regional direction. None of it describes a real structure:
names say « fictive », files say « synthetique ». The same seed gives the same network on every
machine (Python's own random generator, no numpy).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from pathlib import Path

from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.autodiagnostic.followup import Action, default_steps, is_applied
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.formats.csv_format import write_csv

#: Réseaux of the sample, with their share of structures and a typical number of users a year.
RESEAUX = {
    "CAF": (0.14, 120_000),
    "CPAM": (0.14, 150_000),
    "CARSAT": (0.08, 90_000),
    "URSSAF": (0.08, 60_000),
    "France Travail": (0.16, 40_000),
    "Préfecture": (0.12, 200_000),
    "Finances publiques": (0.18, 80_000),
    "MSA": (0.10, 30_000),
}
REGIONS = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
)
FIRST_CAMPAIGN = 2016
MAX_STRUCTURES = 20_000
DEFAULT_STRUCTURES = 300
DEFAULT_SEED = 2016
FILE_PREFIX = "reseau-synthetique"


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def sample_network(structures: int = DEFAULT_STRUCTURES, seed: int = DEFAULT_SEED) -> list[Autodiagnostic]:
    """The autodiagnostics of a synthetic network of ``structures`` structures over two campaigns
    (``FIRST_CAMPAIGN`` and the next year), first campaign first: fictive structures (their
    names say so), the same for the same seed.

    >>> from contacts_lib.network import Network, sample_network
    >>> diagnostics = sample_network(20)
    >>> len(diagnostics), diagnostics[0].structure
    (38, 'Finances publiques fictive n° 00001 — Hauts-de-France')
    >>> len(Network(tuple(diagnostics), ("synthétique",) * len(diagnostics)).latest())
    20
    """
    if not 1 <= structures <= MAX_STRUCTURES:
        raise ValueError(f"structures must be between 1 and {MAX_STRUCTURES}")
    rng = random.Random(seed)
    catalogue = load_catalogue()
    # How widespread each practice is, network-wide, then each réseau's own leaning.
    base = [_logit(rng.uniform(0.12, 0.88)) for _ in range(QUESTION_COUNT)]
    leaning = {reseau: [rng.gauss(0, 0.7) for _ in range(QUESTION_COUNT)] for reseau in RESEAUX}
    lever_of = [q.lever.number for q in catalogue.questions]
    names, weights = list(RESEAUX), [share for share, _ in RESEAUX.values()]
    first, second = [], []
    for number in range(1, structures + 1):
        reseau = rng.choices(names, weights)[0]
        region = rng.choice(REGIONS)
        maturity = rng.gauss(0, 0.9)
        lever_bias = [rng.gauss(0, 0.4) for _ in range(4)]
        name = f"{reseau} fictive n° {number:05d} — {region}"
        answers = []
        for k in range(QUESTION_COUNT):
            if rng.random() < 0.02:
                answers.append(None)
            else:
                answers.append(rng.random() < _sigmoid(base[k] + leaning[reseau][k] + maturity + lever_bias[lever_of[k] - 1]))
        volumes = _volumes(rng, RESEAUX[reseau][1])
        taking_part = rng.random()
        date = dt.date(FIRST_CAMPAIGN, 3, 1) + dt.timedelta(days=rng.randrange(120))
        if taking_part >= 0.1:  # 10 % join at the second campaign only
            first.append(Autodiagnostic(
                structure=name, answers=tuple(answers), date=date, campagne=str(FIRST_CAMPAIGN),
                reseau=reseau, region=region, **volumes,
            ))
        if taking_part < 0.1 or taking_part >= 0.18:  # 8 % take part in the first campaign only
            eagerness = rng.uniform(0.05, 0.35)  # share of its missing practices adopted in a year

            def a_year_later(answer: bool | None) -> bool | None:
                if answer is None:
                    return None if rng.random() < 0.5 else rng.random() < eagerness
                if answer:
                    return rng.random() >= 0.04  # a few practices are dropped
                return rng.random() < eagerness

            later = [a_year_later(a) for a in answers]
            grown = {key: round(value * rng.uniform(0.95, 1.08)) if value is not None else None for key, value in volumes.items()}
            second.append(Autodiagnostic(
                structure=name, answers=tuple(later), date=date.replace(year=FIRST_CAMPAIGN + 1) + dt.timedelta(days=rng.randrange(-20, 20)),
                campagne=str(FIRST_CAMPAIGN + 1), reseau=reseau, region=region, **grown,
            ))
    return _hierarchy(_plans(first, second, random.Random(f"plans {seed}")))


def _hierarchy(diagnostics: list[Autodiagnostic]) -> list[Autodiagnostic]:
    """The autodiagnostics with ``code_sp_de_la_structure`` and ``code_sp_structure_parent``."""
    from contacts_lib.access import CODE_COLUMN
    from contacts_lib.network.analyses import PARENT_COLUMN

    codes: dict[str, str] = {}
    national: dict[str, str] = {}
    regional: dict[tuple[str, str], str] = {}
    parent: dict[str, str] = {}
    for diagnostic in sorted(diagnostics, key=lambda d: d.structure.split("n° ")[1]):  # « … n° 00004 — … »: by number
        if diagnostic.structure in codes:
            continue
        code = "SP-" + diagnostic.structure.split("n° ")[1][:5]
        codes[diagnostic.structure] = code
        head = national.setdefault(diagnostic.reseau, code)
        region = regional.setdefault((diagnostic.reseau, diagnostic.region), code)
        parent[code] = "" if code == head else head if code == region else region
    return [
        dataclasses.replace(d, extra={**d.extra, CODE_COLUMN: codes[d.structure], PARENT_COLUMN: parent[codes[d.structure]]})
        for d in diagnostics
    ]


#: Who carries actions, and steps for the practices whose fiche has none in the extract.
_WHO = ("Responsable de l'accueil", "Direction", "Pôle relation usagers", "Chef de projet multicanal",
        "Responsable de la plateforme téléphonique", "Service communication", "Contrôle de gestion")
_STEPS = (
    ("Désigner un pilote et un groupe de travail", "Faire l'état des lieux de l'existant", "Déployer et communiquer"),
    ("Recenser les besoins des usagers", "Choisir la solution et la tester sur un site", "Généraliser"),
    ("Rédiger la procédure", "Former les conseillers", "Suivre les résultats au comité de pilotage"),
)


def _plans(first: list[Autodiagnostic], second: list[Autodiagnostic], rng: random.Random) -> list[Autodiagnostic]:
    """The two campaigns with plausible plans d'actions (a generator of their own: the answers
    are those of the network without plans)."""
    catalogue = load_catalogue()
    planned: dict[str, tuple[Action, ...]] = {}
    with_plans = []
    for diagnostic in first:
        missing = [q.practice.number for q in catalogue.questions if diagnostic.answers[q.number - 1] is not True]
        if not missing or rng.random() >= 0.7:
            with_plans.append(diagnostic)
            continue
        actions = []
        for practice in sorted(rng.sample(missing, min(len(missing), rng.randint(1, 4)))):
            due = diagnostic.date + dt.timedelta(days=rng.randrange(120, 420)) if rng.random() < 0.85 else None
            actions.append(Action(
                practice, default_steps(practice) or rng.choice(_STEPS), rng.choice(_WHO), due,
                rng.choice(("a_faire", "a_faire", "en_cours")), rng.choice((None, 1, 2, 3, 3)), rng.choice((None, 1, 2, 2, 3)),
            ))
        planned[diagnostic.structure] = tuple(actions)
        with_plans.append(dataclasses.replace(diagnostic, plan=tuple(actions)))
    carried = []
    for diagnostic in second:
        actions = []
        for action in planned.get(diagnostic.structure, ()):
            if is_applied(action.pratique, diagnostic.answers):
                status = "fait"
            else:
                status = rng.choice(("en_cours", "en_cours", "a_faire", "abandonne"))
            actions.append(dataclasses.replace(action, statut=status))
        missing = [q.practice.number for q in catalogue.questions
                   if diagnostic.answers[q.number - 1] is not True and q.practice.number not in {a.pratique for a in actions}]
        if missing and rng.random() < 0.3:
            practice = rng.choice(missing)
            actions.append(Action(practice, default_steps(practice) or rng.choice(_STEPS), rng.choice(_WHO),
                                  diagnostic.date + dt.timedelta(days=rng.randrange(150, 400)), "a_faire", rng.choice((1, 2, 3)), rng.choice((1, 2, 3))))
        carried.append(dataclasses.replace(diagnostic, plan=tuple(sorted(actions, key=lambda a: a.pratique))) if actions else diagnostic)
    return with_plans + carried


def _volumes(rng: random.Random, typical_users: int) -> dict[str, int | None]:
    users = round(typical_users * math.exp(rng.gauss(0, 0.6)))

    def maybe(value: float) -> int | None:
        return None if rng.random() < 0.15 else round(value)  # not every structure knows every volume

    return {
        "usagers": maybe(users),
        "visites_guichet": maybe(users * rng.uniform(0.1, 0.6)),
        "appels": maybe(users * rng.uniform(0.8, 2.5)),
        "courriers": maybe(users * rng.uniform(0.2, 0.9)),
        "courriels": maybe(users * rng.uniform(0.1, 0.6)),
        "visiteurs_web_mensuels": maybe(users * rng.uniform(0.1, 0.7)),
    }


def write_sample_network(folder: Path, structures: int = DEFAULT_STRUCTURES, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the synthetic network as one CSV per campaign in ``folder`` (created if needed);
    the defaults make ``data/reseau-synthetique/``.

    >>> import tempfile
    >>> from contacts_lib.network import write_sample_network
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_sample_network(folder, structures=20)]
    ['reseau-synthetique-2016.csv', 'reseau-synthetique-2017.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    diagnostics = sample_network(structures, seed)
    paths = []
    for campaign in sorted({d.campagne for d in diagnostics}):
        path = folder / f"{FILE_PREFIX}-{campaign}.csv"
        write_csv([d for d in diagnostics if d.campagne == campaign], path)
        paths.append(path)
    return paths
