"""The register indicators as Ibis expressions: the same expressions run on DuckDB and Spark.

No spell is exploded into days. Dates become day numbers (0 = 1 January of the first year);
the workdays in ``[a, b]`` are ``before[b + 1] - before[a]``, one look-up each in an array of
cumulative workday counts. Overlapping spells of one employee in one municipality are cut into
*elementary segments* (disjoint intervals between consecutive spell boundaries, each with the
highest grade, or the summed fte, of the spells covering it); only spells that overlap another
go through that cut, found with one running maximum over a sort key that puts the employee and
municipality (a hash) above the day. Each absence segment is joined to the *time line* of its
employee and municipality (the disjoint employment segments and the gaps between them), and the
pieces are summed per municipality and pair of years, so only that small table is split by
year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import ibis  # type: ignore[import-untyped]
import ibis.expr.datatypes as dt  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from trepart.analysis.calendar import date_table

KEYS = ("employee_id", "municipality")
ZERO = ibis.literal(0.0, type="float64")
# Day numbers fit in this many bits (2^17 days is 358 years): a group number shifted by it and
# plus a day number sorts by group first, then by day.
DAY_BITS = 17
# Windows are never partitioned by employee and municipality (millions of tiny partitions are
# slow) but by a few buckets of employees (a hash), or not at all: the engine chooses how many
# (DuckDB sorts one partition fastest; Spark needs several to spread the work).
BUCKETS = 64

Keep = Callable[[ir.Table], ir.Table]


@dataclass(frozen=True)
class Expressions:
    """What the pipeline computes: the indicator rows and the quality figures (one row)."""

    indicators: ir.Table
    outside: ir.Table


@dataclass(frozen=True)
class Days:
    """Day numbers (0 = 1 January of the first year) and look-ups by day and year.

    Workdays in ``[a, b]`` are ``before[b + 1] - before[a]``: one array look-up each, no join.
    The day-long array is written into the SQL text at every use, so it is used sparingly
    (a query's text, and the time to build it, grows with it); the others are short.
    """

    first_year: int
    last_year: int
    origin: date
    before: ir.ArrayValue  # before[i]: workdays on days 0 .. i - 1 (length: days + 1)
    jan1_days: tuple[int, ...]  # the day number of 1 January of each year, and of the next
    jan1: ir.ArrayValue  # jan1[k]: the day number of 1 January of first_year + k (k ≤ years)
    dec1: ir.ArrayValue  # dec1[k]: the day number of 1 December of first_year + k
    before_jan1: ir.ArrayValue  # before_jan1[k]: before[jan1[k]]

    @classmethod
    def of(cls, first_year: int, last_year: int) -> Days:
        if (date(last_year, 12, 31) - date(first_year, 1, 1)).days >= 1 << DAY_BITS:
            raise ValueError(f"the dates span {first_year}–{last_year}: more than 358 years")
        table = date_table(date(first_year, 1, 1), date(last_year, 12, 31))
        origin = table.first
        before = [*table.before, table.through[-1]]
        years = range(first_year, last_year + 1)
        jan1 = [(date(y, 1, 1) - origin).days for y in range(first_year, last_year + 2)]
        return cls(
            first_year,
            last_year,
            origin,
            ibis.literal(before, type="array<int64>"),
            tuple(jan1),
            ibis.literal(jan1, type="array<int64>"),
            ibis.literal([(date(y, 12, 1) - origin).days for y in years], type="array<int64>"),
            ibis.literal([before[d] for d in jan1], type="array<int64>"),
        )

    @property
    def last(self) -> int:
        return (date(self.last_year, 12, 31) - self.origin).days

    def number(self, day: ir.DateValue) -> ir.IntegerValue:
        """The day number of a date (inside the years of the data)."""
        return (day.epoch_days() - (self.origin - date(1970, 1, 1)).days).cast("int64")

    def workdays_before(self, day: ir.IntegerValue) -> ir.IntegerValue:
        """Workdays on the days before ``day`` (from day 0)."""
        return _at(self.before, day)

    def workdays(self, first: ir.IntegerValue, last: ir.IntegerValue) -> ir.IntegerValue:
        """Workdays from day ``first`` to day ``last``, both included (``first ≤ last``)."""
        return self.workdays_before(last + 1) - self.workdays_before(first)

    def year_of(self, day: ir.IntegerValue) -> ir.IntegerValue:
        """The year of day ``day``: one comparison per year of the data after the first."""
        year = ibis.literal(self.first_year, type="int64")
        for start in self.jan1_days[1:-1]:
            year = year + ibis.ifelse(day >= start, 1, 0)
        return year

    def workdays_before_jan1(self, year: ir.IntegerValue) -> ir.IntegerValue:
        """Workdays before 1 January of ``year`` (up to the year after the last)."""
        return _at(self.before_jan1, year - self.first_year)

    def jan1_of(self, year: ir.IntegerValue) -> ir.IntegerValue:
        return _at(self.jan1, year - self.first_year)

    def dec1_of(self, year: ir.IntegerValue) -> ir.IntegerValue:
        return _at(self.dec1, year - self.first_year)


def _at(array: ir.ArrayValue, index: ir.IntegerValue) -> ir.IntegerValue:
    """``array[index]`` (from 0); Spark wants a 32-bit index."""
    return array[index.cast("int32")]


@ibis.udf.scalar.builtin(name="hash")  # type: ignore[untyped-decorator]
def _hash(value: str) -> dt.uint64:
    """The engine's own hash function (``hash`` in DuckDB and Spark): cheap and stable."""


def _hashed(value: ir.StringValue, below: int) -> ir.IntegerValue:
    """A hash of ``value`` reduced below ``below`` (negative too, in Spark), as an int64."""
    return (_hash(value) % below).cast("int64")


def _bucket(t: ir.Table, buckets: int) -> ir.IntegerValue:
    if buckets <= 1:
        return ibis.literal(0, type="int64")
    return _hashed(t.employee_id, buckets)


def _group(t: ir.Table) -> ir.IntegerValue:
    """A number for each employee and municipality, shifted left by DAY_BITS.

    It is a hash: two pairs may share a number, which only makes the overlap test below flag
    spells that overlap nothing (they then go through the exact cut, keyed by the real pair).
    """
    employee = _hashed(t.employee_id, 1 << 30)
    municipality = _hashed(t.municipality, 1 << 13)
    return (employee * (1 << 14) + municipality) * (1 << DAY_BITS)


Values = Mapping[str, Callable[[ir.Table], ir.Value]]


def _segments(
    t: ir.Table,
    carry: Sequence[str],
    values: Values,
    how: Literal["max", "sum"],
    buckets: int,
) -> ir.Table:
    """Cut the spells of each employee and municipality into disjoint elementary segments.

    ``t`` has the keys, ``s`` and ``e`` (inclusive day numbers) and the ``carry`` columns;
    ``values`` computes each value of a spell from them. Each segment gets the max (or the sum)
    of each value over the spells covering it.

    Overlaps are found with one running maximum (per bucket of employees) over the sort key
    ``group + day``: the group dominates, so the maximum never leaks from one employee and
    municipality into the next. The sorted rows carry only what is needed: the day numbers
    live in the sort keys' low bits.
    """
    mask = (1 << DAY_BITS) - 1
    group = _group(t)
    columns = {"_b": _bucket(t, buckets)} if buckets > 1 else {}
    t = t.select(*KEYS, *carry, **columns, _ks=group + t.s, _ke=group + t.e)
    part = [t._b] if buckets > 1 else []
    # Spells starting the same day may come in either order: each overlaps the other anyway.
    order = [t._ks]
    before = ibis.window(group_by=part, order_by=order, rows=(None, -1))
    ordered = ibis.window(group_by=part, order_by=order)
    flagged = t.mutate(_pe=t._ke.max().over(before), _ns=t._ks.lead().over(ordered))
    alone = (flagged._pe.isnull() | (flagged._ks > flagged._pe)) & (
        flagged._ns.isnull() | (flagged._ns > flagged._ke)
    )
    single = flagged.filter(alone)
    single = single.select(
        *KEYS,
        s=single._ks & mask,
        e=single._ke & mask,
        **{name: value(single) for name, value in values.items()},
    )
    # The overlapping spells are cut at every spell boundary of their group (of the hash: the
    # cuts of two pairs sharing one are finer, which changes nothing); a boundary found twice
    # gives an empty cut, and a cut between two clusters of overlapping spells is covered by
    # no spell: both are dropped.
    multi = flagged.filter(~alone)
    extra = ["_b"] if buckets > 1 else []
    multi = multi.select(*KEYS, *carry, *extra, "_ks", "_ke", _gr=multi._ks - (multi._ks & mask))
    bounds = ibis.union(multi.select(*extra, k=multi._ks), multi.select(*extra, k=multi._ke + 1))
    part = [bounds._b] if buckets > 1 else []
    bounds = bounds.mutate(_nk=bounds.k.lead().over(ibis.window(group_by=part, order_by=bounds.k)))
    same = (bounds._nk - (bounds._nk & mask)) == (bounds.k - (bounds.k & mask))
    cuts = bounds.filter(same & (bounds._nk > bounds.k))
    cuts = cuts.select(
        **({"_cb": cuts._b} if buckets > 1 else {}),
        _cg=cuts.k - (cuts.k & mask),
        _cs=cuts.k,
        _ce=cuts._nk - 1,
    )
    covered = multi.join(
        cuts,
        [
            *([multi._b == cuts._cb] if buckets > 1 else []),
            multi._gr == cuts._cg,
            cuts._cs >= multi._ks,
            cuts._ce <= multi._ke,
        ],
    )
    aggregate = {
        name: (value(covered).max() if how == "max" else value(covered).sum())
        for name, value in values.items()
    }
    # A cut is one per start (in its group): its end comes along.
    merged = covered.group_by([*KEYS, covered._cs]).aggregate(_ce=covered._ce.max(), **aggregate)
    merged = merged.select(
        *KEYS, s=merged._cs & mask, e=merged._ce & mask, **{v: merged[v] for v in values}
    )
    return single.union(merged)


def _absence_sums(absences: ir.Table, line: ir.Table, days: Days, buckets: int) -> ir.Table:
    """Lost-workday sums per municipality and pair of years, and outside workdays per employee.

    ``line`` is the time line of the employments (``_k1``, ``_k2``, ``_s``, ``_e``, ``_f``).
    One row per municipality, first and last year of the pieces (``y1``, ``y2``) and ``oid``
    (null, or the employee for the pieces outside every employment).
    """
    # Absences: elementary segments with the highest grade, overall and per certifier.
    spells = absences.select(
        *KEYS,
        s=days.number(absences.start_date),
        e=days.number(absences.end_date),
        g=absences.grade_pct,
        doctor=absences.certified_by == "doctor",
    )
    grades: Values = {
        "g": lambda t: t.g,
        "gs": lambda t: ibis.ifelse(t.doctor, ZERO, t.g),
        "gd": lambda t: ibis.ifelse(t.doctor, t.g, ZERO),
    }
    abs_segments = _segments(spells, ["g", "doctor"], grades, "max", buckets)

    # Each absence segment meets the pieces of its time line: inside an employment (lost
    # workdays) or in a gap, or no employment there at all (workdays outside employment).
    met = abs_segments.left_join(
        line,
        [
            abs_segments.employee_id == line._k1,
            abs_segments.municipality == line._k2,
            line._s <= abs_segments.e,
            line._e >= abs_segments.s,
        ],
    )
    inside = met._f.notnull()
    first = ibis.greatest(met.s, met._s.fill_null(met.s))
    last = ibis.least(met.e, met._e.fill_null(met.e))
    pieces = met.select(
        "municipality",
        "g",
        "gs",
        "gd",
        inside=inside,
        c1=days.workdays_before(first),
        c2=days.workdays_before(last + 1),
        w=ibis.ifelse(inside, met._f / 10000, ZERO),
        y1=ibis.ifelse(inside, days.year_of(first), ibis.null("int64")),
        y2=ibis.ifelse(inside, days.year_of(last), ibis.null("int64")),
        oid=ibis.ifelse(inside, ibis.null("string"), met.employee_id),
    )
    # A piece's workdays in year y are before[min(last + 1, jan1[y + 1])] - before[max(first,
    # jan1[y])]: so per municipality and pair of years (first, last) the sums of w, w × c1 and
    # w × c2 are enough, and only that small table is split by year.
    sums: dict[str, ir.Value] = {}
    for v in ("g", "gs", "gd"):
        weight = pieces.w * pieces[v]
        sums[f"w_{v}"] = weight.sum()
        sums[f"a_{v}"] = (weight * pieces.c1).sum()
        sums[f"b_{v}"] = (weight * pieces.c2).sum()
    sums["out"] = ibis.ifelse(pieces.inside, 0, pieces.c2 - pieces.c1).sum()
    return pieces.group_by("municipality", "y1", "y2", "oid").aggregate(**sums)


def _attach(base: ir.Table, other: ir.Table, columns: Sequence[str]) -> ir.Table:
    """Left-join ``other`` (keyed by municipality and year) and keep ``columns`` of it."""
    right = other.select(_m=other.municipality, _y=other.year, **{c: other[c] for c in columns})
    joined = base.left_join(right, [base.municipality == right._m, base.year == right._y])
    return joined.select(*base.columns, *columns)


def build(
    employments: ir.Table,
    absences: ir.Table,
    *,
    first_year: int,
    last_year: int,
    keep: Keep,
    buckets: int = BUCKETS,
    chunks: int = 1,
) -> Expressions:
    """Build the indicator expressions on validated, typed input tables.

    ``keep`` stores an intermediate result that is read more than once (the engine decides
    how); ``buckets`` is how many partitions the windows use (1: none), ``chunks`` in how many
    parts the absences are processed one after the other (each part's intermediate results
    are smaller).
    """
    days = Days.of(first_year, last_year)
    last_day = ibis.literal(date(last_year, 12, 31))

    emp = employments.select(
        *KEYS,
        "birth_date",
        "end_date",
        "end_reason",
        start=employments.start_date,
        end=employments.end_date.fill_null(last_day),
        f=employments.fte_pct,
    )

    # Employments: elementary segments with the summed fte, split by year, with workdays.
    spans = emp.select(*KEYS, s=days.number(emp.start), e=days.number(emp.end), f=emp.f)
    emp_segments = keep(_segments(spans, ["f"], {"f": lambda t: t.f}, "sum", buckets))
    split = emp_segments.mutate(
        year=ibis.range(days.year_of(emp_segments.s), days.year_of(emp_segments.e) + 1)
    ).unnest("year")
    split = split.mutate(year=split.year.cast("int64"))
    split = split.mutate(
        s=ibis.greatest(split.s, days.jan1_of(split.year)),
        e=ibis.least(split.e, days.jan1_of(split.year + 1) - 1),
        dec1=days.dec1_of(split.year),
    )
    emp_years = keep(
        split.select(*KEYS, "year", "s", "e", "f", "dec1", wd=days.workdays(split.s, split.e))
    )
    contracted = emp_years.group_by("municipality", "year").aggregate(
        contracted_workdays=(emp_years.wd * emp_years.f / 100).sum()
    )

    # On 1 December each employee is in at most one (disjoint) segment per municipality, whose
    # summed fte is the employee's fte there.
    on_dec1 = emp_years.filter((emp_years.s <= emp_years.dec1) & (emp_years.e >= emp_years.dec1))
    staff = on_dec1.group_by("municipality", "year").aggregate(
        headcount=on_dec1.count(),
        fte_years=(on_dec1.f / 100).sum(),
        avg_fte_pct=on_dec1.f.mean(),
        # Cast: Spark reads a bare 1.0 as a decimal, and its mean would be rounded.
        fulltime_share=ibis.ifelse(on_dec1.f >= 100, 1, 0).cast("float64").mean(),
    )
    # KS's turnover: counted on 1 December, employed nowhere in the data the next 1 December.
    still_there = on_dec1.select("employee_id", year=on_dec1.year - 1).distinct()
    gone = on_dec1.anti_join(still_there, ["employee_id", "year"])
    leavers = gone.group_by("municipality", "year").aggregate(leavers=gone.count())

    # The time line of each employee and municipality with an employment, cut into the
    # employment segments (with their fte) and the gaps around them (fte null).
    seg = emp_segments
    in_order = ibis.window(
        group_by=[_bucket(seg, buckets)] if buckets > 1 else [],
        order_by=[seg.employee_id, seg.municipality, seg.s],
    )
    seg = seg.mutate(
        _ne=seg.employee_id.lead().over(in_order),
        _nm=seg.municipality.lead().over(in_order),
        _ns=seg.s.lead().over(in_order),
        _pe=seg.employee_id.lag().over(in_order),
        _pm=seg.municipality.lag().over(in_order),
    )
    same_next = ((seg._ne == seg.employee_id) & (seg._nm == seg.municipality)).fill_null(False)
    same_prev = ((seg._pe == seg.employee_id) & (seg._pm == seg.municipality)).fill_null(False)
    no_fte = ibis.null("float64")
    gap_after = seg.select(
        *KEYS,
        s=seg.e + 1,
        e=ibis.ifelse(same_next, seg._ns - 1, ibis.literal(days.last, type="int64")),
        f=no_fte,
    )
    gap_before = seg.filter(~same_prev & (seg.s > 0)).select(
        *KEYS, s=ibis.literal(0, type="int64"), e=seg.s - 1, f=no_fte
    )
    timeline = ibis.union(
        emp_segments.select(*KEYS, "s", "e", "f"),
        gap_after.filter(gap_after.s <= gap_after.e),
        gap_before,
    )

    # Absences, in `chunks` parts (by a hash of the employee) so that each part's sort fits in
    # memory: per municipality and pair of years the sums of the lost-workday terms, and per
    # employee outside any employment the workdays there.
    line = timeline.select(
        _k1=timeline.employee_id, _k2=timeline.municipality, _s=timeline.s, _e=timeline.e,
        _f=timeline.f,
    )  # fmt: skip
    if chunks > 1:
        line = keep(line)
    parts = []
    for chunk in range(chunks):
        spells, part_line = absences, line
        if chunks > 1:
            spells = absences.filter(_hashed(absences.employee_id, chunks) == chunk)
            part_line = line.filter(_hashed(line._k1, chunks) == chunk)
        parts.append(keep(_absence_sums(spells, part_line, days, buckets)))
    met_sums = parts[0] if len(parts) == 1 else ibis.union(*parts)

    lost_sums = met_sums.filter(met_sums.y1.notnull())
    lost_years = lost_sums.mutate(year=ibis.range(lost_sums.y1, lost_sums.y2 + 1)).unnest("year")
    lost_years = lost_years.mutate(year=lost_years.year.cast("int64"))
    y = lost_years.year
    start_of_year = days.workdays_before_jan1(y).cast("float64")
    start_of_next = days.workdays_before_jan1(y + 1).cast("float64")

    def in_year(v: str) -> ir.FloatingValue:
        weight = lost_years[f"w_{v}"]
        upper = ibis.ifelse(y == lost_years.y2, lost_years[f"b_{v}"], weight * start_of_next)
        lower = ibis.ifelse(y == lost_years.y1, lost_years[f"a_{v}"], weight * start_of_year)
        return upper - lower

    lost_parts = lost_years.select(
        "municipality", "year", lost=in_year("g"), lost_self=in_year("gs"),
        lost_doctor=in_year("gd"),
    )  # fmt: skip
    lost = lost_parts.group_by("municipality", "year").aggregate(
        lost=lost_parts.lost.sum(),
        lost_self=lost_parts.lost_self.sum(),
        lost_doctor=lost_parts.lost_doctor.sum(),
    )

    # Absence workdays outside every employment of the employee in that municipality (each
    # day once: absence segments and the time line's pieces are both disjoint).
    away = met_sums.filter(met_sums.oid.notnull() & (met_sums.out > 0))
    outside = away.aggregate(workdays=away.out.sum().fill_null(0), employees=away.oid.nunique())

    # AFP: aged 62–66 on 1 January (whole years; a birthday on 1 January counts) with an
    # employment active that day. Only the few years where both hold are generated.
    born = emp.birth_date.year()
    late = ibis.ifelse((emp.birth_date.month() == 1) & (emp.birth_date.day() == 1), 0, 1)
    active_from = emp.start.year() + ibis.ifelse(emp.start.day_of_year() == 1, 0, 1)
    low = ibis.greatest(born + 62 + late, active_from)
    high = ibis.least(born + 66 + late, emp.end.year())
    eligible = emp.filter(low <= high).select(*KEYS, year=ibis.range(low, high + 1)).unnest("year")
    eligible = eligible.select(*KEYS, year=eligible.year.cast("int64")).distinct()
    afp_base = eligible.group_by("municipality", "year").aggregate(afp_base=eligible.count())
    retired = emp.filter((emp.end_reason == "afp") & emp.end_date.notnull())
    retired = retired.select(*KEYS, year=retired.end_date.year().cast("int64")).distinct()
    afp_count = retired.group_by("municipality", "year").aggregate(afp_count=retired.count())

    table = contracted
    table = _attach(table, lost, ["lost", "lost_self", "lost_doctor"])
    table = _attach(table, staff, ["headcount", "fte_years", "avg_fte_pct", "fulltime_share"])
    table = _attach(table, leavers, ["leavers"])
    table = _attach(table, afp_base, ["afp_base"])
    table = _attach(table, afp_count, ["afp_count"])

    def percent(part: ir.NumericValue, whole: ir.NumericValue) -> ir.FloatingValue:
        return ibis.ifelse(whole > 0, part.cast("float64") * 100 / whole, ibis.null("float64"))

    contracted_days = table.contracted_workdays
    headcount = table.headcount.fill_null(0)
    afp_base_count = table.afp_base.fill_null(0)
    result = table.select(
        municipality=table.municipality,
        year=table.year,
        contracted_workdays=contracted_days,
        lost_workdays=table.lost.fill_null(ZERO),
        sick_leave_pct=percent(table.lost.fill_null(ZERO), contracted_days),
        sick_leave_self_pct=percent(table.lost_self.fill_null(ZERO), contracted_days),
        sick_leave_doctor_pct=percent(table.lost_doctor.fill_null(ZERO), contracted_days),
        headcount=headcount,
        fte_years=table.fte_years.fill_null(ZERO),
        fulltime_share=table.fulltime_share,
        avg_fte_pct=table.avg_fte_pct,
        turnover_pct=ibis.ifelse(
            table.year < last_year,
            percent(table.leavers.fill_null(0), headcount),
            ibis.null("float64"),
        ),
        afp_uptake_pct=percent(table.afp_count.fill_null(0), afp_base_count),
    )
    return Expressions(result.order_by(["municipality", "year"]), outside)
