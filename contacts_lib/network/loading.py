"""A network's autodiagnostics, loaded from any mix of files and folders.

A folder stands for every JSON, CSV and XLSX file inside it, its subfolders included (hidden
files and Excel's ``~$`` lock files left aside). Every file is read; the files that cannot be
read are all reported together, and the rest is loaded only when the user asks for it
(``ignore_errors``), never silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.formats import EXTENSIONS, read_autodiagnostics
from contacts_lib.formats.files import shown_path
from contacts_lib.messages import InputError
from contacts_lib.network.tables import answers_frame, scores_frame, structures_frame

#: Names a file or folder of autodiagnostics: the network page shows it, and the app compares
#: each structure with it. Unset: the network page shows the synthetic sample, the app no band.
NETWORK_VARIABLE = "CONTACTS_EFFICACES_RESEAU"


class NetworkError(InputError):
    """Files of a network could not be read: ``problems`` holds one French message per file."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Network:
    """Autodiagnostics of many structures, the file each came from, and its tidy tables."""

    diagnostics: tuple[Autodiagnostic, ...]
    sources: tuple[str, ...]
    #: Messages about the files left aside (only when loading was asked to go on).
    problems: tuple[str, ...] = field(default=())

    @cached_property
    def structures(self) -> pd.DataFrame:
        return structures_frame(self.diagnostics, self.sources)

    @cached_property
    def answers(self) -> pd.DataFrame:
        return answers_frame(self.diagnostics, self.structures)

    @cached_property
    def scores(self) -> pd.DataFrame:
        return scores_frame(self.diagnostics, self.structures)

    def __len__(self) -> int:
        return len(self.diagnostics)

    def select(self, autodiagnostics: Iterable[int]) -> Network:
        """The network reduced to some autodiagnostics (numbered again from 0, in input order)."""
        chosen = sorted(set(autodiagnostics))
        return Network(
            tuple(self.diagnostics[i] for i in chosen), tuple(self.sources[i] for i in chosen), self.problems
        )

    def latest(self, campagne: str | None = None) -> Network:
        """Each structure once: its latest autodiagnostic (by date, then position in the input),
        among those of ``campagne`` if one is given."""
        from contacts_lib.network.analyses import latest

        structures = self.structures
        if campagne is not None:
            structures = structures[structures["campagne"] == campagne]
        return self.select(latest(structures))

    def latest_by_campaign(self) -> Network:
        """Each structure once per campaign (its latest autodiagnostic of that campaign): the
        view in which campaigns are compared."""
        from contacts_lib.network.analyses import latest

        chosen = []
        for _, structures in self.structures.groupby(self.structures["campagne"].fillna(""), sort=False):
            chosen += list(latest(structures))
        return self.select(chosen)


def network_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[str]]:
    """The files a list of files and folders stands for, and messages for the paths that hold none."""
    files: list[Path] = []
    problems: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.casefold() in EXTENSIONS and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts) and not p.name.startswith("~$")
            )
            if not found:
                problems.append(f"{shown_path(path)} : aucun fichier {', '.join(EXTENSIONS)} dans ce dossier.")
            files += found
        elif not path.exists() and not path.is_symlink() and path.suffix.casefold() not in EXTENSIONS:
            problems.append(f"{shown_path(path)} : fichier ou dossier introuvable.")
        else:
            files.append(path)
    return files, problems


def load_network(paths: Iterable[Path | str] | Path | str, ignore_errors: bool = False) -> Network:
    """Read every autodiagnostic of the given files and folders (a CSV may hold many structures).

    If files cannot be read, :class:`NetworkError` lists them all (file, place, value); with
    ``ignore_errors``, the others are loaded and the messages kept in ``Network.problems``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files, problems = network_files(paths)
    diagnostics: list[Autodiagnostic] = []
    sources: list[str] = []
    for path in files:
        try:
            found = read_autodiagnostics(path)
        except InputError as error:
            problems.append(str(error))
            continue
        diagnostics += found
        sources += [str(path)] * len(found)
    if problems and not ignore_errors:
        raise NetworkError(problems)
    if not diagnostics:
        raise NetworkError(problems or ["aucune structure à analyser."])
    return Network(tuple(diagnostics), tuple(sources), tuple(problems))
