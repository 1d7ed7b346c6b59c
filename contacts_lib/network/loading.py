"""A network's autodiagnostics, loaded from any mix of files and folders.

A folder stands for every JSON, CSV and XLSX file inside it, its subfolders included (hidden
files and Excel's ``~$`` lock files left aside). Every file is read; the files that cannot be
read are all reported together, and the rest is loaded only when the user asks for it
(``ignore_errors``), never silently.
"""

from __future__ import annotations

import os
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
from contacts_lib.web.server import NETWORK_VARIABLE  # noqa: F401 - the network's own name for it



class NetworkError(InputError):
    """Files of a network could not be read: ``problems`` holds one French message per file.

    >>> from contacts_lib.network import NetworkError, load_network
    >>> try:
    ...     load_network(["data/exemples/", "absent.csv"])
    ... except NetworkError as error:
    ...     print(error.problems)
    ['absent.csv : fichier introuvable.']
    """

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Network:
    """Autodiagnostics of many structures, the file each came from, and its tidy tables.

    Each autodiagnostic has an **identifier** (column ``autodiagnostic`` of every table): its
    position in the loaded input (0 … N-1) unless ``identifiers`` are given (a store gives its
    version ids). Every view keeps them: :meth:`latest`, :meth:`latest_by_campaign` and
    :meth:`select` return the same identifiers for the same autodiagnostics, so an identifier
    read in one view is good in any other.

    >>> from contacts_lib.network import load_network
    >>> network = load_network("data/reseau-synthetique/")   # two campaigns of 300 structures
    >>> len(network), len(network.latest())
    (550, 300)
    >>> network.diagnostic(278).structure, network.latest().diagnostic(278).campaign
    ('CAF fictive n° 00004 — Nouvelle-Aquitaine', '2017')
    """

    diagnostics: tuple[Autodiagnostic, ...]
    sources: tuple[str, ...]
    #: Messages about the files left aside (only when loading was asked to go on).
    problems: tuple[str, ...] = field(default=())
    #: One identifier per autodiagnostic (unique whole numbers); None: positions 0 … N-1.
    identifiers: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.identifiers is None:
            object.__setattr__(self, "identifiers", tuple(range(len(self.diagnostics))))
        else:
            object.__setattr__(self, "identifiers", tuple(int(i) for i in self.identifiers))
        if len(self.identifiers) != len(self.diagnostics) or len(set(self.identifiers)) != len(self.identifiers):
            raise ValueError("a network needs one identifier per autodiagnostic, all different")

    @cached_property
    def structures(self) -> pd.DataFrame:
        """One row per autodiagnostic (:func:`tables.structures_frame`)."""
        return structures_frame(self.diagnostics, self.sources, self.identifiers)

    @cached_property
    def answers(self) -> pd.DataFrame:
        """One row per autodiagnostic × question (:func:`tables.answers_frame`)."""
        return answers_frame(self.diagnostics, self.structures)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """One row per autodiagnostic × lever and moyenne (:func:`tables.scores_frame`)."""
        return scores_frame(self.diagnostics, self.structures)

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {identifier: position for position, identifier in enumerate(self.identifiers)}

    def __len__(self) -> int:
        return len(self.diagnostics)

    def diagnostic(self, identifier: int) -> Autodiagnostic:
        """The autodiagnostic of an identifier (the ``autodiagnostic`` column of the tables)."""
        from contacts_lib.frames import unknown_identifier

        position = self._positions.get(_whole(identifier))
        if position is None:
            raise unknown_identifier("Network.diagnostic", "identifier", identifier, self.identifiers)
        return self.diagnostics[position]

    def select(self, autodiagnostics: Iterable[int]) -> Network:
        """The network reduced to some autodiagnostics, given by identifier; they keep their
        identifiers and the input order."""
        from contacts_lib.frames import unknown_identifier

        wanted = {_whole(identifier) for identifier in autodiagnostics}
        unknown = wanted - self._positions.keys()
        if unknown:
            raise unknown_identifier("Network.select", "autodiagnostics", min(unknown), self.identifiers)
        chosen = sorted(self._positions[identifier] for identifier in wanted)
        return Network(
            tuple(self.diagnostics[i] for i in chosen), tuple(self.sources[i] for i in chosen), self.problems,
            tuple(self.identifiers[i] for i in chosen),
        )

    def latest(self, campagne: str | None = None) -> Network:
        """Each structure once: its latest autodiagnostic (by date, then position in the input),
        among those of ``campagne`` if one is given. Identifiers are kept."""
        from contacts_lib.network.analyses import latest

        structures = self.structures
        if campagne is not None:
            structures = structures[structures["campagne"] == campagne]
        return self.select(latest(structures))

    def latest_by_campaign(self) -> Network:
        """Each structure once per campaign (its latest autodiagnostic of that campaign): the
        view in which campaigns are compared. Identifiers are kept."""
        from contacts_lib.network.analyses import latest

        chosen = []
        for _, structures in self.structures.groupby(self.structures["campagne"].fillna(""), sort=False):
            chosen += list(latest(structures))
        return self.select(chosen)


def _whole(identifier: object) -> object:
    """An identifier as the tables hold it (numpy integers and whole floats taken as ints)."""
    try:
        number = int(identifier)
    except (TypeError, ValueError):
        return identifier
    return number if number == identifier else identifier


def network_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[str]]:
    """The files a list of files and folders stands for, and messages for the paths that hold none.

    A path that is not a folder is kept as a file (its reader says what is wrong with it), unless
    nothing is there and its name is not a format's: then it is said missing here."""
    files: list[Path] = []
    problems: list[str] = []
    for path in map(Path, paths):
        if os.path.isdir(path):  # False for a name the system refuses (too long, a loop): the reader says why
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.casefold() in EXTENSIONS and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts) and not p.name.startswith("~$")
            )
            if not found:
                problems.append(f"{shown_path(path)} : aucun fichier {', '.join(EXTENSIONS)} dans ce dossier.")
            files += found
        elif not os.path.lexists(path) and path.suffix.casefold() not in EXTENSIONS:
            problems.append(f"{shown_path(path)} : fichier ou dossier introuvable.")
        else:
            files.append(path)
    return files, problems


def load_network(paths: Iterable[Path | str] | Path | str, ignore_errors: bool = False) -> Network:
    """Read every autodiagnostic of the given files and folders (a CSV may hold many structures).

    If files cannot be read, :class:`NetworkError` lists them all (file, place, value); with
    ``ignore_errors``, the others are loaded and the messages kept in ``Network.problems``.
    Autodiagnostics are identified by their position in the input (files in the order given,
    a folder's files sorted by name, a CSV's rows in order).

    >>> from contacts_lib.network import load_network
    >>> network = load_network(["data/exemples/", "data/reseau-synthetique/"])
    >>> len(network), network.structures["fichier"].nunique()
    (554, 4)
    >>> network.structures[["autodiagnostic", "structure", "fichier"]].head(2)
       autodiagnostic                         structure                             fichier
    0               0  Exemple du recueil (SGMAP, 2015)  data/exemples/exemple-recueil.json
    1               1  Exemple du recueil (SGMAP, 2015)    data/exemples/reseau-exemple.csv
    """
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
