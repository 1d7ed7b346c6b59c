"""Synthetic contact logs for the synthetic network — made up, and said so: users are numbered
« usager-fictif-… », structures are the sample network's fictive ones.

Each structure's contacts follow its channel volumes (from its autodiagnostic when it gives
them); a contact is repeated (same user, same motif, a few days later, often on another
channel) with a probability that falls with the practices the structure applies: accusé de
réception (question 14), information proactive (question 16), measuring réitération (question
24) and a shared contact history (question 29), so that the analyses have something to find.
Any size, from a seed (numpy), written as CSV or Parquet by DuckDB.
"""

from __future__ import annotations

from pathlib import Path

from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.messages import InputError

#: Questions whose practice lowers the chance of a repeat, and by how much (probability points).
REPEAT_PRACTICES = {14: 0.07, 16: 0.07, 24: 0.05, 29: 0.06}
BASE_REPEAT = 0.36
MOTIFS = ("dossier en cours", "paiement", "attestation", "changement de situation", "rendez-vous",
          "réclamation", "information générale", "pièce justificative")
CANALS = ("guichet", "telephone", "courrier", "courriel", "web")
MAX_CONTACTS = 100_000_000
FILE_NAME = "journal-contacts-synthetique"


def repeat_probability(diagnostic: Autodiagnostic) -> float:
    """The chance that a contact of this structure is followed by a repeat."""
    return BASE_REPEAT - sum(drop for question, drop in REPEAT_PRACTICES.items() if diagnostic.answers[question - 1])


def _channel_weights(diagnostic: Autodiagnostic):
    import numpy as np

    volumes = [diagnostic.visites_guichet, diagnostic.appels, diagnostic.courriers, diagnostic.courriels,
               diagnostic.visiteurs_web_mensuels and diagnostic.visiteurs_web_mensuels * 0.3]
    weights = np.array([v if v else fallback for v, fallback in zip(volumes, (30, 45, 10, 10, 5), strict=True)], dtype=float)
    return weights / weights.sum()


def sample_log(diagnostics: list[Autodiagnostic], contacts: int, seed: int = 2016, year: int = 2017):
    """A pandas frame of about ``contacts`` contacts (columns structure, usager, horodatage,
    canal, motif) over ``year``, shared among the structures by their volumes."""
    import numpy as np
    import pandas as pd

    if not 1 <= contacts <= MAX_CONTACTS:
        raise InputError(f"--contacts : entre 1 et {MAX_CONTACTS}, pas {contacts}.")
    rng = np.random.default_rng(seed)
    sizes = np.array([d.usagers or 50_000 for d in diagnostics], dtype=float)
    share = sizes / sizes.sum()
    repeat = np.array([repeat_probability(d) for d in diagnostics])
    # Contacts = first contacts × 1 / (1 − p): how many first contacts each structure needs.
    firsts = rng.multinomial(max(1, round(contacts * float((share * (1 - repeat)).sum()))), share * (1 - repeat) / (share * (1 - repeat)).sum())
    structure = np.repeat(np.arange(len(diagnostics)), firsts)
    users_per_structure = np.maximum(1, (firsts * 0.6).astype(int))
    offsets = np.concatenate([[0], np.cumsum(users_per_structure)[:-1]])
    usager = offsets[structure] + (rng.random(len(structure)) * users_per_structure[structure]).astype(np.int64)
    motif = rng.integers(0, len(MOTIFS), len(structure))
    start = np.datetime64(f"{year}-01-01T08:00")
    minutes = rng.integers(0, 365 * 24 * 60, len(structure)).astype("timedelta64[m]")
    moment = start + minutes
    weights = np.array([_channel_weights(d) for d in diagnostics])
    cumulative = weights.cumsum(axis=1)
    canal = (rng.random(len(structure))[:, None] > cumulative[structure]).sum(axis=1).clip(0, len(CANALS) - 1)
    parts = [(structure, usager, motif, moment, canal)]
    current = parts[0]
    for _ in range(12):  # repeats of repeats, each with the structure's chance
        s, u, m, t, c = current
        again = rng.random(len(s)) < repeat[s]
        if not again.any():
            break
        s, u, m, t, c = s[again], u[again], m[again], t[again], c[again]
        gap = np.minimum(rng.exponential(6 * 24 * 60, len(s)), 60 * 24 * 60).astype(np.int64).astype("timedelta64[m]")
        switched = rng.random(len(s)) < 0.45  # often on another channel, the more costly ones first
        c = np.where(switched, (rng.random(len(s))[:, None] > cumulative[s]).sum(axis=1).clip(0, len(CANALS) - 1), c)
        current = (s, u, m, t + gap, c)
        parts.append(current)
    s, u, m, t, c = (np.concatenate(column) for column in zip(*parts, strict=True))
    names = np.array([d.structure for d in diagnostics], dtype=object)
    frame = pd.DataFrame({
        "structure": names[s],
        "usager": np.char.add("usager-fictif-", np.char.zfill(u.astype(str), 8)),
        "horodatage": pd.to_datetime(t).strftime("%Y-%m-%d %H:%M"),
        "canal": np.array(CANALS, dtype=object)[c],
        "motif": np.array(MOTIFS, dtype=object)[m],
    })
    return frame.sort_values("horodatage", kind="stable", ignore_index=True)


def write_sample_log(path: Path, diagnostics: list[Autodiagnostic], contacts: int, seed: int = 2016) -> Path:
    """Write :func:`sample_log` to ``path``: Parquet (``horodatage`` a TIMESTAMP column), or CSV
    (``;``, UTF-8, timestamps as text) for a ``.csv`` name, in one step (nothing half-written)."""
    import duckdb

    frame = sample_log(diagnostics, contacts, seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partiel")
    text = path.suffix.casefold() == ".csv"
    options = "FORMAT csv, HEADER true, DELIMITER ';'" if text else "FORMAT parquet"
    # A Parquet log holds its timestamps as a TIMESTAMP column (a CSV writes them as text).
    typed = "*" if text else "* REPLACE (CAST(horodatage AS TIMESTAMP) AS horodatage)"
    connection = duckdb.connect()
    connection.register("journal", frame)
    connection.execute(f"COPY (SELECT {typed} FROM journal) TO '{str(partial).replace(chr(39), chr(39) * 2)}' ({options})").fetchall()
    connection.close()
    partial.replace(path)
    return path
