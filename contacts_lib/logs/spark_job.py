"""The réitération command as a Spark application, for ``spark-submit`` on a cluster:

    spark-submit --master spark://hote:7077 "$(python -c 'import contacts_lib.logs.spark_job as j; print(j.__file__)')" \
        JOURNAL… --fenetre 15 --par canal --csv

takes the same arguments as ``contacts-efficaces reiteration`` and runs it with ``--moteur
spark`` in the session spark-submit made (its master, its settings).
"""

from __future__ import annotations

import sys


def main(arguments: list[str] | None = None) -> int:
    from contacts_lib.cli import main as command

    given = list(sys.argv[1:] if arguments is None else arguments)
    return command(["reiteration", *given, "--moteur", "spark"])


if __name__ == "__main__":
    raise SystemExit(main())
