"""Sample autodiagnostics and a way to run the CLI, shared by the tests."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

from contacts_lib import Autodiagnostic
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT

ROOT = Path(__file__).resolve().parents[1]


def random_autodiagnostic(seed: int, unanswered: float = 0.1) -> Autodiagnostic:
    rng = random.Random(seed)
    answers = tuple(
        None if rng.random() < unanswered else rng.random() < 0.5 for _ in range(QUESTION_COUNT)
    )
    return Autodiagnostic(
        structure=f"Structure n°{seed} — « test » ; virgule, point-virgule",
        answers=answers,
        date=dt.date(2015, 1, 1) + dt.timedelta(days=seed),
        reseau=rng.choice([None, "CAF", "CPAM", "Préfecture"]),
        region=rng.choice([None, "Auvergne-Rhône-Alpes", "Île-de-France"]),
        usagers=rng.choice([None, 0, 125000]),
        visites_guichet=rng.choice([None, 42000]),
        appels=rng.choice([None, 310000]),
        courriers=None,
        courriels=rng.choice([None, 9000]),
        visiteurs_web_mensuels=rng.choice([None, 1_500_000]),
    )


def with_followup(diagnostic: Autodiagnostic, seed: int) -> Autodiagnostic:
    """The autodiagnostic with comments, evidence and a plan d'actions, awkward texts included
    (line breaks, quotes, separators, a leading « = », a link)."""
    import dataclasses

    from contacts_lib.autodiagnostic.followup import STATUSES, Action, default_steps

    rng = random.Random(seed)
    questions = rng.sample(range(1, QUESTION_COUNT + 1), 6)
    comments = {n: rng.choice(["Charte signée ; à diffuser", "=SOMME(A1) n'est pas une formule", "Ligne 1\nLigne 2, « citée »"])
                for n in questions[:4]}
    evidence = {n: rng.choice(["https://intranet.example.fr/charte.pdf?v=2&x=1", "Note de service n° 12 (2025)"])
                for n in questions[2:]}
    practices = sorted(rng.sample(range(1, QUESTION_COUNT + 1), rng.randint(1, 5)) + [1])
    plan = tuple(
        Action(
            pratique=number,
            etapes=default_steps(number) or tuple(f"Étape {k} ; « {number} »" for k in range(1, rng.randint(1, 3) + 1)),
            qui=rng.choice([None, "Responsable de l'accueil", "Équipe SVI, pôle « usagers »"]),
            quand=rng.choice([None, dt.date(2026, 3, 31), dt.date(2027, 1, 15)]),
            statut=rng.choice(list(STATUSES)),
            gain=rng.choice([None, 1, 2, 3]),
            effort=rng.choice([None, 1, 2, 3]),
        )
        for number in sorted(set(practices))
    )
    return dataclasses.replace(diagnostic, comments=dict(sorted(comments.items())),
                               evidence=dict(sorted(evidence.items())), plan=plan)


def plain(text: str) -> str:
    """A displayed text with its non-breaking spaces (French typography) as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would."""
    script = Path(sys.executable).with_name("contacts-efficaces")
    return subprocess.run(
        [str(script), *arguments], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def kernel_pools() -> dict[str, dict]:
    """The kernel pools of voila.json, by notebook."""
    import json

    return json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))["VoilaKernelManager"]["kernel_pools_config"]


def page_notebook(name: str) -> tuple[str, str, str]:
    """A one-cell page's notebook (``notebooks/NAME``): its title, its markdown and its code."""
    import json

    notebook = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    markdown, code = notebook["cells"]
    return notebook["metadata"]["title"], "".join(markdown["source"]), "".join(code["source"])
