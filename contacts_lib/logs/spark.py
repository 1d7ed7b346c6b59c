"""The same pipeline on Spark (pyspark, an optional extra: ``pip install 'contacts-efficaces[spark]'``).

Spark reads the log files into views whose columns have the names and kinds DuckDB found
(:class:`pipeline.Source`), and runs :mod:`pipeline`'s statements translated by SQLGlot. A CSV
row with too many fields is set apart by Spark's reader (its five columns NULL: a bad row,
counted, never misread); bad rows are then named by DuckDB's reading of the same files, so
that both engines say the same words. Local mode on this machine's cores by default, or the
cluster at ``master`` (``spark://…``, ``yarn``…); the files must then be readable by its
executors at the same paths.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import warnings
from pathlib import Path

from contacts_lib.logs import pipeline
from contacts_lib.messages import InputError, visible

#: The column Spark's CSV reader puts a row in when it has too many fields.
_MALFORMED = "_ligne_illisible"
#: Spark's own log, silenced: only the tool speaks (in French).
_LOG4J = """status = error
rootLogger.level = off
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %m%n
"""


#: The session of this process, kept for the next scans (a JVM takes seconds to start), with its
#: master and its private scratch folder; stopped, and the folder removed, when the process ends.
_KEPT: dict = {}


def session(zone: str, master: str | None = None):
    """A Spark session whose time zone is ``zone``: this process's (kept from a previous scan with
    the same master), the one ``spark-submit`` made, or a new one — in local mode on this
    machine's cores unless ``master`` is given —, its scratch space in a private folder."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InputError("--moteur spark demande pyspark : pip install 'contacts-efficaces[spark]'.") from None
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # under spark-submit: its session, its master
        spark = SparkSession.builder.getOrCreate()
    elif _KEPT.get("master", "") == master and _KEPT.get("spark") is not None:
        spark = _KEPT["spark"]
    else:
        stop()
        spark = _started(master)
    spark.conf.set("spark.sql.session.timeZone", zone)
    return spark


def _started(master: str | None):
    from pyspark.sql import SparkSession

    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise InputError("--moteur spark demande Java 17 ou plus récent (sur Debian : apt-get install openjdk-17-jre-headless).")
    from contacts_lib.logs.log_format import private_folder

    folder_context = private_folder()
    folder = folder_context.__enter__()
    log4j = folder / "log4j2.properties"
    log4j.write_text(_LOG4J, encoding="ascii")
    (folder / "spark").mkdir(exist_ok=True)
    local = master is None or master.startswith("local")
    settings = {
        "spark.master": master or "local[*]",
        "spark.app.name": "contacts-efficaces",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": str(folder / "spark"),
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{log4j} -Djava.io.tmpdir={folder}",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    }
    if local:
        settings["spark.sql.shuffle.partitions"] = str(4 * (os.cpu_count() or 1))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pyspark import SparkConf, SparkContext
            from pyspark.java_gateway import launch_gateway

            conf = SparkConf(loadDefaults=False).setAll(list(settings.items()))
            # The JVM's own lines (« Using incubator modules »…) are not the user's business.
            gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.DEVNULL, "stdout": subprocess.DEVNULL})
            spark = SparkSession(SparkContext(conf=conf, gateway=gateway))
    except Exception as error:  # noqa: BLE001 - the JVM's words are English: ours instead
        folder_context.__exit__(None, None, None)
        raise InputError(f"Spark n'a pas pu démarrer ({visible(str(error).splitlines()[0] if str(error) else type(error).__name__)[:200]}).") from None
    _KEPT.update(spark=spark, master=master, folder=folder_context)
    return spark


@atexit.register
def stop() -> None:
    """Stop this process's kept session, and remove its scratch folder."""
    spark, folder = _KEPT.pop("spark", None), _KEPT.pop("folder", None)
    _KEPT.pop("master", None)
    if spark is not None:
        try:
            spark.stop()
        except Exception:  # noqa: BLE001 - stopping is a courtesy
            pass
    if folder is not None:
        folder.__exit__(None, None, None)


#: Spark's types as the pipeline's kinds.
def _kind(data_type) -> str | None:
    from pyspark.sql import types

    if isinstance(data_type, types.StringType):
        return pipeline.TEXT
    if isinstance(data_type, (types.ByteType, types.ShortType, types.IntegerType, types.LongType)):
        return pipeline.INTEGER
    if isinstance(data_type, types.TimestampNTZType):
        return pipeline.TIMESTAMP
    if isinstance(data_type, types.TimestampType):
        return pipeline.TIMESTAMPTZ
    if isinstance(data_type, types.DateType):
        return pipeline.DATE
    return None


def _view(spark, index: int, source: pipeline.Source, names: list[str]) -> pipeline.Source:
    """Register a file as view ``journal_<index>``: the pipeline's source on Spark."""
    from pyspark.sql import types

    view = f"journal_{index}"
    if source.path.suffix.casefold() == ".parquet":
        frame = spark.read.parquet(str(source.path))
        frame.createOrReplaceTempView(view)
        kinds = {column: _kind(frame.schema[source.names[column]].dataType) for column in pipeline.COLUMNS}
        if source.kinds["horodatage"] == pipeline.TIMESTAMP_NS or kinds != source.kinds:
            raise InputError(f"{source.shown} : Spark ne lit pas ce fichier avec les mêmes types que DuckDB "
                             f"(horodatage : {kinds['horodatage'] or 'autre'}) ; lisez-le avec --moteur duckdb.")
        return pipeline.Source(source.path, view, source.names, source.kinds, source.extra, source.shown, source.columns)
    schema = types.StructType([types.StructField(name, types.StringType()) for name in names]
                              + [types.StructField(_MALFORMED, types.StringType())])
    frame = (spark.read.schema(schema).option("header", True).option("sep", source.separator).option("quote", '"')
             .option("escape", '"').option("multiLine", True).option("mode", "PERMISSIVE")
             .option("columnNameOfCorruptRecord", _MALFORMED).option("encoding", source.encoding)
             .option("nullValue", "").option("emptyValue", "").csv(str(source.path)))
    frame.createOrReplaceTempView(f"{view}_brut")
    # A row of the wrong length keeps its place (a row of the file) with its five columns NULL.
    five = ", ".join(f"CASE WHEN {_MALFORMED} IS NULL THEN {pipeline.identifier(name)} END AS {pipeline.identifier(name)}"
                     for name in names)
    spark.sql(pipeline.for_engine(f"SELECT {five} FROM {view}_brut", "spark")).createOrReplaceTempView(view)
    return pipeline.Source(source.path, view, source.names, source.kinds, source.extra, source.shown, source.columns)


def _rows(spark, sql: str) -> tuple[list[str], list[tuple]]:
    frame = spark.sql(pipeline.for_engine(sql, "spark"))
    return list(frame.columns), [tuple(row) for row in frame.collect()]


def scanned(reading, breakdown, zone: str, master: str | None, key: str, progress=None):
    """:func:`log_format.scan_log`'s statements run by Spark on the files of ``reading`` (DuckDB's
    :class:`log_format._Reading`, which found their columns): the glance, and the breakdown's
    columns and rows."""
    from contacts_lib.logs.log_format import Glance

    spark = session(zone, master)
    try:
        sources = [_view(spark, index, source, source.columns) for index, source in enumerate(reading.sources)]
        _, rows = _rows(spark, pipeline.glance_sql(sources))
        lines, *needs = rows[0]
        untrimmed = frozenset(c for c, need in zip(pipeline.GROUPED, needs, strict=True) if not need)
        _, canals = _rows(spark, pipeline.canals_sql(sources, untrimmed))
        glance = Glance.of(int(lines or 0), untrimmed, [row[0] for row in canals], reading.paths)
        if progress is not None:
            progress(0.1)
        relation = pipeline.contacts_sql(sources, glance.canal(), glance.untrimmed, lambda text: pipeline.pseudonym(key, text))
        columns, rows = _rows(spark, breakdown(f"({relation}) AS contacts"))
        return glance, columns, rows
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - Spark's words are English and may quote a row
        names = ", ".join(source.shown for source in reading.sources)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{names} : Spark n'a pas pu lire ce journal ({visible(first.split(':')[0])[:120]}).") from None
