"""Who may see and save what, when the app is served with sign-in (``app --acces ACCES.csv``).

The rights are in one CSV file, one row per person and perimeter item (a person may have several
rows, all with the same role)::

    identifiant;role;perimetre
    marie.martin@caf-isere.fr;gestionnaire;CAF de l'Isère
    marie.martin@caf-isere.fr;gestionnaire;SP-38-001
    paul.durand@cnaf.fr;tete_de_reseau;CAF
    ana.lopez@dinum.gouv.fr;analyste;

- ``identifiant``: the e-mail address the sign-in provider gives (compared case folded);
- ``role``: ``gestionnaire`` (a structure's manager: lists, loads and saves only the versions of
  the structures of their perimeter, named or by Services Publics+ code), ``tete_de_reseau`` (a
  network head: the same for every structure of their réseaux, and the network pages restricted
  to them) or ``analyste`` (everything);
- ``perimetre``: a structure's name or Services Publics+ code for a manager, a réseau's name for
  a network head, empty for an analyst.

The server decides from the identity it signed in, never from what a page sends: each page's
kernel reads its visitor's identifiant from a file the server writes for that kernel only
(:func:`visitor`), and the rights from this file, read again whenever it changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from contacts_lib.autodiagnostic.answers import Autodiagnostic, structure_key
from contacts_lib.messages import InputError, visible

#: The rights file of a server with sign-in (set by ``contacts-efficaces app --acces``).
ACCESS_VARIABLE = "CONTACTS_EFFICACES_ACCES"
#: The folder where the server writes each kernel's visitor (one file per kernel, named by its id).
VISITORS_VARIABLE = "CONTACTS_EFFICACES_VISITEURS"

MANAGER, NETWORK_HEAD, ANALYST = "gestionnaire", "tete_de_reseau", "analyste"
ROLES = {MANAGER: "gestionnaire de structure", NETWORK_HEAD: "tête de réseau", ANALYST: "analyste"}
#: The column of an autodiagnostic that carries its Services Publics+ code, when it has one.
CODE_COLUMN = "code_sp_de_la_structure"
#: Pages a manager cannot open: they show many structures.
NETWORK_PAGES = ("reseau.ipynb", "reiteration.ipynb", "couts.ipynb")
#: Rows the rights file may hold at most.
MAX_ROWS = 100_000


def identifiant_key(text: str) -> str:
    """How identifiants are compared: an e-mail address, case folded, spaces around dropped."""
    return text.strip().casefold()


@dataclass(frozen=True)
class Person:
    """A signed-in person and what they may reach. ``structures`` holds structure names (as
    :func:`structure_key` compares them) and Services Publics+ codes; ``reseaux``, réseau names."""

    identifiant: str
    role: str
    structures: frozenset[str] = field(default_factory=frozenset)
    reseaux: frozenset[str] = field(default_factory=frozenset)
    #: The perimeter as the rights file spells it, for the pages.
    spellings: tuple[str, ...] = ()

    @property
    def sees_everything(self) -> bool:
        return self.role in (ANALYST, OPEN_ROLE)

    def may_open(self, notebook: str) -> bool:
        """Whether this person may open a page (the notebook's file name)."""
        return self.role != MANAGER or notebook not in NETWORK_PAGES

    def covers(self, diagnostic: Autodiagnostic) -> bool:
        """Whether this autodiagnostic (a form, a saved version) is within the perimeter."""
        if self.sees_everything:
            return True
        if self.role == NETWORK_HEAD:
            return structure_key(diagnostic.reseau or "") in self.reseaux
        code = diagnostic.extra.get(CODE_COLUMN, "")
        return structure_key(diagnostic.structure) in self.structures or (bool(code) and structure_key(code) in self.structures)

    def may_reach(self, name: str, history: list[Autodiagnostic]) -> bool:
        """Whether this person may list and load the versions of the structure named ``name``
        (``history``: its saved versions, oldest first)."""
        if self.sees_everything:
            return True
        if self.role == NETWORK_HEAD:
            return bool(history) and self.covers(history[-1])
        return structure_key(name) in self.structures or any(self.covers(saved) for saved in history)

    def may_save(self, diagnostic: Autodiagnostic, history: list[Autodiagnostic]) -> bool:
        """Whether this person may add ``diagnostic`` as a new version of its structure."""
        if self.sees_everything:
            return True
        if self.role == NETWORK_HEAD:
            return self.covers(diagnostic) and (not history or self.covers(history[-1]))
        # a structure's first version: by its name, or by the code the form carries
        return self.may_reach(diagnostic.structure, history) or (not history and self.covers(diagnostic))

    def peers_reseau(self, reseau: str | None) -> str | None:
        """The réseau whose structures the app may compare this person's form with: any for
        those who see everything, one of their own for a network head, none (the whole
        network) otherwise — a réseau of a few structures would show their scores."""
        if self.sees_everything or (self.role == NETWORK_HEAD and reseau and structure_key(reseau) in self.reseaux):
            return reseau
        return None

    def perimeter_text(self) -> str:
        """« CAF de l'Isère, SP-38-001 » as the visitor reads it (the file's spellings)."""
        return ", ".join(self.spellings)


OPEN_ROLE = "ouvert"
#: Everyone, on a server without sign-in (a trusted room, Binder): every right.
EVERYONE = Person("", OPEN_ROLE)


class AccessList:
    """The rights file, read and checked whole: :class:`InputError` names its row and value."""

    def __init__(self, people: dict[str, Person]) -> None:
        self.people = people

    @classmethod
    def read(cls, path: Path) -> AccessList:
        from contacts_lib.formats.csv_format import table_rows
        from contacts_lib.formats.files import read_user_file, shown_path

        source = shown_path(path)
        reader, header = table_rows(read_user_file(path), source)
        missing = [column for column in ("identifiant", "role") if column not in header]
        if missing:
            raise InputError(f"{source} : colonne manquante : {', '.join(missing)} (colonnes attendues : identifiant, role, perimetre).")
        position = {name: header.index(name) for name in ("identifiant", "role", "perimetre") if name in header}
        rows: dict[str, tuple[str, set[str], list[str], int]] = {}
        for row in reader:
            line = reader.line_num
            if line > MAX_ROWS:
                raise InputError(f"{source} : trop de lignes (plus de {MAX_ROWS}).")
            if not any(cell.strip() for cell in row):
                continue
            cell = {name: (row[index].strip() if index < len(row) else "") for name, index in position.items()}
            identifiant, role, item = identifiant_key(cell["identifiant"]), cell["role"].strip().casefold(), cell.get("perimetre", "")
            if not identifiant or "@" not in identifiant or any(c.isspace() for c in identifiant):
                raise InputError(f"{source}, ligne {line}, colonne identifiant : « {visible(cell['identifiant'])} » "
                                 "n'est pas une adresse électronique.")
            if role not in ROLES:
                raise InputError(f"{source}, ligne {line}, colonne role : « {visible(cell['role'])} » inconnu "
                                 f"(rôles possibles : {', '.join(ROLES)}).")
            if role == ANALYST and item:
                raise InputError(f"{source}, ligne {line}, colonne perimetre : un analyste voit tout ; laissez la cellule vide "
                                 f"(« {visible(item)} »).")
            if role != ANALYST and not item:
                who, what = (("un gestionnaire", "une structure (nom ou code Services Publics+)") if role == MANAGER
                             else ("une tête de réseau", "un réseau"))
                raise InputError(f"{source}, ligne {line}, colonne perimetre : vide ; {who} a pour périmètre {what}.")
            before = rows.get(identifiant)
            if before is not None and before[0] != role:
                raise InputError(f"{source}, ligne {line} : {visible(identifiant)} a déjà le rôle {before[0]} "
                                 f"(ligne {before[3]}) ; une personne n'a qu'un rôle.")
            entry = before or (role, set(), [], line)
            if item:
                entry[1].add(structure_key(item))
                entry[2].append(item)
            rows[identifiant] = entry
        people = {}
        for identifiant, (role, items, spellings, _) in rows.items():
            people[identifiant] = Person(
                identifiant, role, frozenset(items) if role == MANAGER else frozenset(),
                frozenset(items) if role == NETWORK_HEAD else frozenset(), tuple(dict.fromkeys(spellings)),
            )
        if not people:
            raise InputError(f"{source} : aucune personne n'y a de droits ; personne ne pourrait se connecter.")
        return cls(people)

    def person(self, identifiant: str) -> Person | None:
        return self.people.get(identifiant_key(identifiant))


_read_cache: dict[str, tuple[tuple[int, int], AccessList]] = {}


def current_access_list(path: Path | str | None = None) -> AccessList | None:
    """The rights file named by ``path`` or ``CONTACTS_EFFICACES_ACCES`` (None: no sign-in),
    read again whenever it changes on disk."""
    named = os.fspath(path) if path is not None else os.environ.get(ACCESS_VARIABLE, "").strip()
    if not named:
        return None
    try:
        status = os.stat(named)
        stamp = (status.st_mtime_ns, status.st_size)
    except OSError:
        stamp = (0, 0)
    cached = _read_cache.get(named)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    access = AccessList.read(Path(named))
    _read_cache[named] = (stamp, access)
    return access


def signed_in_mode() -> bool:
    """Whether this process serves (or is a kernel of) a server with sign-in."""
    return bool(os.environ.get(ACCESS_VARIABLE, "").strip())


def _this_kernel_id() -> str | None:
    """The id of the kernel this code runs in (its connection file is ``kernel-<id>.json``)."""
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:
        return None
    if not IPKernelApp.initialized():
        return None
    name = Path(IPKernelApp.instance().connection_file or "").name
    return name[len("kernel-"):-len(".json")] if name.startswith("kernel-") and name.endswith(".json") else None


def visitor_identifiant(kernel_id: str | None = None) -> str | None:
    """The identifiant the server signed in for this kernel's page (None: no one yet, or their
    session has ended: the server writes the identifiant and the session's end, in seconds since
    the epoch, one per line)."""
    import time

    folder = os.environ.get(VISITORS_VARIABLE, "").strip()
    kernel_id = kernel_id or _this_kernel_id()
    if not folder or not kernel_id or "/" in kernel_id:
        return None
    try:
        identifiant, _, ends = (Path(folder) / kernel_id).read_text(encoding="utf-8").partition("\n")
    except OSError:
        return None
    try:
        if ends.strip() and float(ends) < time.time():
            return None
    except ValueError:
        return None
    return identifiant.strip() or None


def visitor() -> Person | None:
    """Who this page's visitor is and what they may reach: :data:`EVERYONE` on a server without
    sign-in; on a server with sign-in, the person the server signed in for this kernel, or None
    (a page not handed to anyone yet, a person no longer in the rights file: no right at all)."""
    if not signed_in_mode():
        return EVERYONE
    identifiant = visitor_identifiant()
    if identifiant is None:
        return None
    try:
        access = current_access_list()
    except InputError:
        return None
    return access.person(identifiant) if access is not None else None
