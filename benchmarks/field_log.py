"""A contact log shaped like a field export, made independently of the project's sample
generator (:mod:`contacts_lib.logs.sample`): other structures and motifs, channels spelled as
systems write them, a typed Parquet ``TIMESTAMP`` (or ``TIMESTAMPTZ``) column, extra typed
columns, and about one distinct person per four contacts — the shape of the 5-million-contact
log of the benchmarks (about 1.2 million people).

Run: ``.venv/bin/python benchmarks/field_log.py OUT.parquet --contacts 5000000 [--tz]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

SPELLINGS = ("Téléphone", "TEL", "Accueil physique", "Guichet", "e-mail", "Courriel", "Courrier", "Site internet", "Visio")
SPELLING_WEIGHTS = (30, 8, 14, 6, 10, 6, 9, 15, 2)


def write_field_log(path: Path, contacts: int, people_per_contact: float = 0.24, seed: int = 7,
                    structures: int = 400, motifs: int = 60, zone: str | None = None, chunk: int = 2_000_000) -> Path:
    """Write ``contacts`` contacts to a Parquet file in chunks (bounded memory): ``structure``
    (« Agence 0001 »…), ``usager`` (« P00012345 »), ``horodatage`` (TIMESTAMP in microseconds,
    naive, or TIMESTAMPTZ in UTC when ``zone`` is given), ``canal`` (the spellings above),
    ``motif``, and two extra columns (``duree_s`` int32, ``agent`` text)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    people = max(1, int(contacts * people_per_contact))
    weights = np.array(SPELLING_WEIGHTS, dtype=float) / sum(SPELLING_WEIGHTS)
    start = np.datetime64("2025-01-01T00:00:00", "us").astype("int64")
    year_us = 365 * 86_400 * 1_000_000
    kind = pa.timestamp("us", tz="UTC") if zone else pa.timestamp("us")
    writer = None
    try:
        done = 0
        while done < contacts:
            n = min(chunk, contacts - done)
            person = rng.integers(0, people, n)
            # Each person has a home structure and a main motif; a third of contacts differ.
            structure = np.where(rng.random(n) < 0.9, person % structures, rng.integers(0, structures, n))
            motif = np.where(rng.random(n) < 0.6, (person * 7) % motifs, rng.integers(0, motifs, n))
            # A person's contacts cluster in time: a base instant per person plus a few days.
            base = (person * 2_654_435_761) % year_us
            moment = start + base + rng.exponential(6 * 86_400e6, n).astype("int64") // 60_000_000 * 60_000_000
            table = pa.table({
                "structure": pa.array([f"Agence {s:04d}" for s in structure]).dictionary_encode(),
                "usager": pa.array([f"P{p:08d}" for p in person]),
                "horodatage": pa.array(moment, type=pa.timestamp("us")).cast(kind),
                "canal": pa.array(np.array(SPELLINGS, dtype=object)[rng.choice(len(SPELLINGS), n, p=weights)]).dictionary_encode(),
                "motif": pa.array([f"Motif {m:02d}" for m in motif]).dictionary_encode(),
                "duree_s": pa.array(rng.integers(20, 1800, n).astype("int32")),
                "agent": pa.array([f"A{a:03d}" for a in rng.integers(0, 900, n)]),
            })
            if writer is None:
                writer = pq.ParquetWriter(str(path), table.schema)
            writer.write_table(table)
            done += n
    finally:
        if writer is not None:
            writer.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--contacts", type=int, default=5_000_000)
    parser.add_argument("--tz", action="store_true", help="TIMESTAMPTZ (UTC) instead of a naive TIMESTAMP")
    arguments = parser.parse_args()
    write_field_log(arguments.out, arguments.contacts, zone="UTC" if arguments.tz else None)


if __name__ == "__main__":
    main()
