"""The engines the register pipeline runs on: connecting, reading the input, keeping results.

This is the only engine-specific code: everything the pipeline computes is one set of Ibis
expressions (``_validate`` and ``_pipeline``). Each input table is read with a ``_row`` column,
the row's number as a person finds it in the file: in CSV the header is row 1, so the first
data row is row 2; in Parquet the first row is row 1.
"""

from __future__ import annotations

import csv
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]
import pyarrow as pa

from trepart.analysis.register._schema import SmallColumns

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")

ROW = "_row"
_names = itertools.count()


def _fresh(prefix: str) -> str:
    return f"trepart_{prefix}_{os.getpid()}_{next(_names)}"


class Backend:
    """One connection: read the input files, keep intermediate results, register small tables."""

    name: Engine
    con: Any
    # How many partitions the pipeline's windows use (see _pipeline.BUCKETS); 1: none.
    buckets: int = 64

    def read(self, path: Path) -> ir.Table:
        raise NotImplementedError

    def keep(self, expr: ir.Table) -> ir.Table:
        """Compute ``expr`` once and return a table that reads the stored result."""
        raise NotImplementedError

    def chunks(self, spells: int) -> int:
        """In how many parts to process ``spells`` absence spells (see _pipeline.build)."""
        return 1

    def small(self, columns: SmallColumns) -> ir.Table:
        """Return a small table (the municipality codes, the calendar) usable in any
        expression: ``columns`` maps each name to its type (``int64`` or ``string``) and its
        values (all of the same length)."""
        raise NotImplementedError

    def arrow(self, expr: ir.Table) -> pa.Table:
        """Compute ``expr`` and return it as an Arrow table."""
        return self.con.to_pyarrow(expr)

    def rows(self, expr: ir.Table) -> list[dict[str, Any]]:
        """Compute ``expr`` and return its rows (as Python values: dates, numbers, None)."""
        result: list[dict[str, Any]] = self.arrow(expr).to_pylist()
        return result

    def scalar(self, expr: ir.Scalar) -> Any:
        """Compute a one-value expression and return the value."""
        return self.con.to_pyarrow(expr).as_py()

    def close(self) -> None:
        """Release what this run created."""


def csv_header(path: Path) -> list[str]:
    """Return the column names of a CSV file's header line (UTF-8, optional byte-order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


class CsvShapeError(ValueError):
    """A CSV file that cannot be read as a table: ``row`` (header = 1) is the first bad one."""

    def __init__(self, row: int | None, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _first_bad_row(path: Path, width: int) -> int | None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.reader(handle), start=1):
            if len(record) != width:
                return number
    return None


def read_csv_arrow(path: Path) -> pa.Table:
    """Read a CSV file with every column as text (empty = null) and the ``_row`` column."""
    from pyarrow import csv as pacsv

    try:
        names = csv_header(path)
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except UnicodeDecodeError:
        raise CsvShapeError(None, "not a UTF-8 text file") from None
    except pa.ArrowInvalid as error:
        row = _first_bad_row(path, len(names))
        detail = str(error).split("\n")[0]
        if row is not None:
            detail = f"expected {len(names)} values as in the header ({detail})"
        raise CsvShapeError(row, f"cannot read the CSV file: {detail}") from None
    rows = pa.array(range(2, table.num_rows + 2), type=pa.int64())
    return table.append_column(ROW, rows)


class DuckDBBackend(Backend):
    """The embedded default: DuckDB in this process, spilling to a temporary folder if needed."""

    name: Engine = "duckdb"
    # DuckDB sorts one large partition faster than many (about 3× on 21 million spells).
    buckets = 1
    # Absence spells per part (or TREPART_REGISTER_CHUNK): a part's sort and join then stay
    # within the memory limit (a national extract's 20 million spells: two parts, 1.5 GiB peak
    # in all; three parts of 7 million take 1.1 GiB and about 4 % longer).
    spells_per_chunk = 10_500_000

    def __init__(self) -> None:
        self.con = ibis.duckdb.connect()
        self._spill = tempfile.TemporaryDirectory(prefix="trepart-register-")
        self.con.raw_sql(f"SET temp_directory = '{_quote(self._spill.name)}'")
        # Row order is never relied on after reading; not keeping it saves memory and time.
        self.con.raw_sql("SET preserve_insertion_order = false")
        # The caller shows progress (the CLI's bar, the job page); DuckDB's own bar would
        # print over it.
        self.con.raw_sql("SET enable_progress_bar = false")
        # Every join in the pipeline has the smaller table on its right, the side DuckDB builds
        # its hash table from; its own choice, from estimated sizes, sometimes builds from
        # millions of rows to probe with the calendar's few thousand.
        self.con.raw_sql("SET disabled_optimizers = 'build_side_probe_side'")
        # DuckDB spills to disk beyond this; with the parts of `chunks` a national extract
        # peaks at about 1.7 GB in all (Python and Arrow included).
        limit = os.environ.get("TREPART_DUCKDB_MEMORY_LIMIT", "1500MB")
        self.con.raw_sql(f"SET memory_limit = '{_quote(limit)}'")

    def read(self, path: Path) -> ir.Table:
        if path.suffix == ".parquet":
            table = self.con.read_parquet(path, table_name=_fresh("in"), file_row_number=True)
            return table.mutate(**{ROW: table.file_row_number + 1}).drop("file_row_number")
        name = _fresh("csv")
        self.con.con.register(name, read_csv_arrow(path))
        return self.con.table(name)

    def small(self, columns: SmallColumns) -> ir.Table:
        # Made by DuckDB from lists: building Arrow arrays from Python lists, or an Ibis
        # memtable, imports pandas (a fifth of a second, a tenth of a small run).
        name = _fresh("small")
        sql_types = {"int64": "BIGINT", "string": "VARCHAR"}
        select = ", ".join(
            f'unnest(${i}::{sql_types[kind]}[]) AS "{column}"'
            for i, (column, (kind, _)) in enumerate(columns.items(), start=1)
        )
        values = [list(data) for kind, data in columns.values()]
        self.con.con.execute(f"CREATE TEMP TABLE {name} AS SELECT {select}", values)
        return self.con.table(name)

    def keep(self, expr: ir.Table) -> ir.Table:
        return self.con.create_table(_fresh("t"), expr, temp=True)

    # Results are fetched by DuckDB itself: Ibis's own conversion imports pandas (a fifth of a
    # second, a tenth of a small run).
    def arrow(self, expr: ir.Table) -> pa.Table:
        return self._query(expr).to_arrow_table()

    def scalar(self, expr: ir.Scalar) -> Any:
        return self._query(expr).fetchall()[0][0]

    def _query(self, expr: ir.Expr) -> Any:
        """``expr`` as a DuckDB relation, run when its result is fetched."""
        return self.con.con.sql(str(self.con.compile(expr)))

    def chunks(self, spells: int) -> int:
        per = int(os.environ.get("TREPART_REGISTER_CHUNK", self.spells_per_chunk))
        return max(1, -(-spells // max(1, per)))

    def close(self) -> None:
        self.con.disconnect()
        self._spill.cleanup()


class SparkBackend(Backend):
    """PySpark through Ibis: the active SparkSession, or a new local one (``local[2]``)."""

    name: Engine = "spark"

    def __init__(self) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as error:  # pragma: no cover - pyspark is the 'spark' extra
            raise RuntimeError(
                "the Spark engine needs PySpark: pip install 'trepart[spark]'"
            ) from error
        session = SparkSession.getActiveSession()
        if session is None:
            session = (
                SparkSession.builder.master("local[2]")
                .appName("trepart-register")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.enabled", "false")
                .getOrCreate()
            )
        self.session = session
        self.con = ibis.pyspark.connect(session)
        self._views: list[str] = []
        self._cached: list[ir.Table] = []

    def read(self, path: Path) -> ir.Table:
        from pyspark.sql import functions as F

        if path.suffix == ".parquet":
            frame = self.session.read.parquet(str(path))
            first = 1
        else:
            frame = self.session.read.csv(
                str(path), header=True, inferSchema=False, encoding="UTF-8", multiLine=True
            )
            first = 2
        # File order survives reading: partitions are consecutive slices of the file and keep
        # their rows in order. The monotonically increasing id is (partition << 33) + position;
        # each partition's offset is the number of rows in the partitions before it.
        tagged = frame.withColumn("_id", F.monotonically_increasing_id())
        tagged = tagged.withColumn("_part", F.shiftright("_id", 33)).withColumn(
            "_pos", F.col("_id").bitwiseAND((1 << 33) - 1)
        )
        sizes = tagged.groupBy("_part").count().collect()
        offsets: dict[int, int] = {}
        total = 0
        for part, count in sorted((int(r["_part"]), int(r["count"])) for r in sizes):
            offsets[part] = total
            total += count
        mapping = self.session.createDataFrame(
            [(part, offset) for part, offset in offsets.items()] or [(0, 0)],
            "_part long, _offset long",
        )
        numbered = (
            tagged.join(F.broadcast(mapping), "_part")
            .withColumn(ROW, F.col("_offset") + F.col("_pos") + F.lit(first))
            .drop("_id", "_part", "_pos", "_offset")
        )
        name = _fresh("in")
        numbered.createOrReplaceTempView(name)
        self._views.append(name)
        return self.con.table(name)

    def small(self, columns: SmallColumns) -> ir.Table:
        # A view of a Spark frame (Ibis registers memtables when it executes, not when it
        # caches).
        types = {"string": "string", "int64": "bigint"}
        ddl = ", ".join(f"`{name}` {types[kind]}" for name, (kind, _) in columns.items())
        rows = list(zip(*(data for _, data in columns.values()), strict=True))
        frame = self.session.createDataFrame(rows, ddl)
        name = _fresh("small")
        frame.createOrReplaceTempView(name)
        self._views.append(name)
        return self.con.table(name)

    def keep(self, expr: ir.Table) -> ir.Table:
        kept = expr.cache()
        self._cached.append(kept)
        return kept

    def close(self) -> None:
        for kept in self._cached:
            kept.release()
        for name in self._views:
            self.session.catalog.dropTempView(name)


def connect(engine: Engine) -> Backend:
    """Return a new :class:`Backend` for ``engine``."""
    if engine == "duckdb":
        return DuckDBBackend()
    if engine == "spark":
        return SparkBackend()
    raise ValueError(f"unknown engine {engine!r}: use 'duckdb' or 'spark'")


def _quote(text: str) -> str:
    return text.replace("'", "''")
