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
