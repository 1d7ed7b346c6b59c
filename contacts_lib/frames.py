"""What an analysis expects as input, checked at its entry, and said in French when it is wrong.

Every analysis of :mod:`contacts_lib.network`, :mod:`contacts_lib.logs` and
:mod:`contacts_lib.costs` takes tidy tables (pandas frames) and returns frames. Each table an
analysis takes is declared once, as a :class:`Table`, beside the function that builds it (e.g.
``network.tables.ANSWERS``); the analysis calls :func:`expect` first, so that a frame of the
wrong kind (the structures where the answers were expected, say) gets one clear message naming
the function, the argument, the table expected and the columns missing — not a ``KeyError``
from deep inside pandas.

>>> from contacts_lib.frames import Table, expect
>>> import pandas as pd
>>> ANSWERS = Table("la table des réponses (Network.answers)", ("autodiagnostic", "reponse"))
>>> expect(pd.DataFrame({"autodiagnostic": [0]}), ANSWERS, "adoption", "answers")
Traceback (most recent call last):
...
contacts_lib.frames.FrameError: adoption, argument « answers » : attendu la table des réponses (Network.answers) ; colonne manquante : reponse ; colonnes présentes : autodiagnostic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contacts_lib.messages import InputError, agreed, show_value, visible

#: At most this many columns are listed in a message (then « … »).
SHOWN_COLUMNS = 12


class FrameError(InputError):
    """An analysis was given something other than the table it expects (``str(error)``: the
    French message, naming the function, the argument, the table expected and what is missing)."""


class UnknownAutodiagnostic(FrameError, KeyError):
    """An ``autodiagnostic`` identifier that the table does not hold (a :class:`KeyError` too)."""

    def __str__(self) -> str:  # KeyError would show the message between quotes
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Table:
    """A table an analysis takes: how a message names it, and the columns it always has."""

    name: str
    columns: tuple[str, ...]


#: Every declared table, so that a message can say which one was given instead.
_KNOWN: list[Table] = []


def table(name: str, columns: Iterable[str]) -> Table:
    """Declare a table (beside the function that builds it) and return it."""
    declared = Table(name, tuple(columns))
    _KNOWN.append(declared)
    return declared


def _columns_text(columns: Iterable[str]) -> str:
    columns = [visible(str(c)) for c in columns]
    shown = ", ".join(columns[:SHOWN_COLUMNS])
    return shown + (f", … ({len(columns)} colonnes)" if len(columns) > SHOWN_COLUMNS else "")


def expect(frame: object, expected: Table, function: str, argument: str, columns: Iterable[str] = ()) -> None:
    """Check that ``frame`` is a pandas frame holding the columns of ``expected`` (and the extra
    ``columns`` this call needs); else :class:`FrameError` names ``function``, ``argument``,
    the table expected, the missing columns and, when it is recognised, the table given."""
    where = f"{function}, argument « {argument} »"
    if not hasattr(frame, "columns") or not hasattr(frame, "loc"):
        raise FrameError(f"{where} : attendu {expected.name}, pas {_kind(frame)}.")
    present = {str(c) for c in frame.columns}
    wanted = list(dict.fromkeys([*expected.columns, *columns]))
    missing = [c for c in wanted if c not in present]
    if missing:
        given = max((t for t in _KNOWN if t is not expected and len(t.columns) >= 3 and set(t.columns) <= present),
                    key=lambda t: len(t.columns), default=None)
        said = f" ; c'est {given.name}" if given is not None else f" ; colonnes présentes : {_columns_text(frame.columns)}"
        raise FrameError(f"{where} : attendu {expected.name} ; {agreed(len(missing), 'colonne manquante', 'colonnes manquantes')} : "
                         f"{_columns_text(missing)}{said}.")


def expect_kind(value: object, kind: type, expected: str, function: str, argument: str) -> None:
    """Check that ``value`` is a ``kind`` (a contact log, say), named ``expected`` in the message."""
    if not isinstance(value, kind):
        raise FrameError(f"{function}, argument « {argument} » : attendu {expected}, pas {_kind(value)}.")


def _kind(value: object) -> str:
    if hasattr(value, "columns"):
        return f"une table de colonnes {_columns_text(value.columns)}"
    return f"{show_value(value, 40)} (de type {type(value).__name__})"


def unknown_identifier(function: str, argument: str, identifier: object, identifiers: Iterable[int]) -> UnknownAutodiagnostic:
    """The error for an ``autodiagnostic`` identifier that the table does not hold."""
    known = sorted(set(identifiers))
    if not known:
        held = "la table n'en contient aucun"
    elif len(known) <= 8:
        held = "identifiants présents : " + ", ".join(map(str, known))
    else:
        held = f"{len(known)} identifiants présents, de {known[0]} à {known[-1]}"
    return UnknownAutodiagnostic(
        f"{function}, argument « {argument} » : aucun autodiagnostic d'identifiant {show_value(identifier, 40)} ({held}) ; "
        "l'identifiant est la colonne « autodiagnostic » des tables du réseau."
    )


def expect_identifier(frame, identifier: object, function: str, argument: str):
    """The rows of ``frame`` whose ``autodiagnostic`` is ``identifier``, or
    :class:`UnknownAutodiagnostic` if there are none."""
    rows = frame[frame["autodiagnostic"] == identifier] if _is_number(identifier) else frame.iloc[0:0]
    if rows.empty:
        raise unknown_identifier(function, argument, identifier, frame["autodiagnostic"].unique().tolist())
    return rows


def _is_number(value: object) -> bool:
    """A whole number (numpy's too), or a float: what an identifier may be compared with."""
    if isinstance(value, (bool, str, bytes)):
        return False
    return hasattr(value, "__index__") or (isinstance(value, float) and value == value)
