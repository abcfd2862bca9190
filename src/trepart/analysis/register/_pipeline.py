"""The register indicators as Ibis expressions: the same expressions run on DuckDB and Spark.

No spell is exploded into days. Workdays in ``[a, b]`` come from the date table as
``through[b] - before[a]``. Overlapping spells of one employee in one municipality are cut into
*elementary segments* (disjoint intervals between consecutive spell boundaries, each with the
highest grade, or the summed fte, of the spells covering it); only spells that overlap another
go through that cut, the others are already elementary. Segments are split by calendar year
and joined per employee, municipality and year, so every join compares a handful of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]
import pyarrow as pa

from trepart.analysis.calendar import date_table

KEYS = ("employee_id", "municipality")
ONE_DAY = ibis.interval(days=1)
ZERO = ibis.literal(0.0, type="float64")

Keep = Callable[[ir.Table], ir.Table]
Small = Callable[[pa.Table], ir.Table]


@dataclass(frozen=True)
class Expressions:
    """What the pipeline computes: the indicator rows and the quality figures (one row)."""

    indicators: ir.Table
    outside: ir.Table


def calendar_table(first_year: int, last_year: int) -> pa.Table:
    """The date dimension: ``d``, ``before`` and ``through`` workday counts (see calendar)."""
    table = date_table(date(first_year, 1, 1), date(last_year, 12, 31))
    return pa.table(
        {
            "d": pa.array(table.dates, type=pa.date32()),
            "before": pa.array(table.before, type=pa.int64()),
            "through": pa.array(table.through, type=pa.int64()),
        }
    )


def years_table(first_year: int, last_year: int) -> pa.Table:
    """One row per year of the data: ``year``, its 1 January, 1 December and 31 December."""
    years = list(range(first_year, last_year + 1))
    return pa.table(
        {
            "year": pa.array(years, type=pa.int64()),
            "jan1": pa.array([date(y, 1, 1) for y in years], type=pa.date32()),
            "dec1": pa.array([date(y, 12, 1) for y in years], type=pa.date32()),
            "dec31": pa.array([date(y, 12, 31) for y in years], type=pa.date32()),
        }
    )


def _segments(t: ir.Table, values: Sequence[str], how: Literal["max", "sum"]) -> ir.Table:
    """Cut the spells of each employee and municipality into disjoint elementary segments.

    ``t`` has the keys, ``start``, ``end`` (inclusive dates) and the ``values`` columns; each
    segment gets the max (or the sum) of each value over the spells covering it.
    """
    order = [t.start, t.end]
    before = ibis.window(group_by=list(KEYS), order_by=order, rows=(None, -1))
    ordered = ibis.window(group_by=list(KEYS), order_by=order)
    flagged = t.mutate(_pe=t.end.max().over(before), _ns=t.start.lead().over(ordered))
    alone = (flagged._pe.isnull() | (flagged.start > flagged._pe)) & (
        flagged._ns.isnull() | (flagged._ns > flagged.end)
    )
    single = flagged.filter(alone).select(*KEYS, "start", "end", *values)
    # Clusters of overlapping spells: a spell starts a new one when it begins after every
    # earlier spell has ended. `_pe` counts the lone spells too, which changes nothing: a lone
    # spell ends before any later spell starts.
    multi = flagged.filter(~alone)
    multi = multi.mutate(
        _new=ibis.ifelse(multi._pe.isnull() | (multi.start > multi._pe), 1, 0).cast("int64")
    )
    running = ibis.window(group_by=list(KEYS), order_by=[multi.start, multi.end], rows=(None, 0))
    multi = multi.mutate(_cl=multi._new.sum().over(running)).select(
        *KEYS, "start", "end", "_cl", *values
    )

    bounds = ibis.union(
        multi.select(*KEYS, "_cl", b=multi.start),
        multi.select(*KEYS, "_cl", b=(multi.end + ONE_DAY).cast("date")),
        distinct=True,
    )
    following = ibis.window(group_by=[*KEYS, "_cl"], order_by=bounds.b)
    bounds = bounds.mutate(_nb=bounds.b.lead().over(following))
    cuts = bounds.filter(bounds._nb.notnull()).select(
        *KEYS, "_cl", start=bounds.b, end=(bounds._nb - ONE_DAY).cast("date")
    )
    spells = multi.select(
        _k1=multi[KEYS[0]], _k2=multi[KEYS[1]], _c=multi._cl, _s=multi.start, _e=multi.end,
        **{v: multi[v] for v in values},
    )  # fmt: skip
    covered = cuts.join(
        spells,
        [
            cuts[KEYS[0]] == spells._k1,
            cuts[KEYS[1]] == spells._k2,
            cuts._cl == spells._c,
            cuts.start >= spells._s,
            cuts.end <= spells._e,
        ],
    )
    aggregate = {v: (covered[v].max() if how == "max" else covered[v].sum()) for v in values}
    merged = covered.group_by([*KEYS, "start", "end"]).aggregate(**aggregate)
    return single.union(merged.select(*KEYS, "start", "end", *values))


def _by_year(t: ir.Table, years: ir.Table) -> ir.Table:
    """Split each interval at the year boundaries: one row per year it touches, clipped."""
    split = t.mutate(year=ibis.range(t.start.year(), t.end.year() + 1)).unnest("year")
    split = split.mutate(year=split.year.cast("int64"))
    joined = split.join(years, "year")
    return joined.mutate(
        start=ibis.greatest(joined.start, joined.jan1), end=ibis.least(joined.end, joined.dec31)
    ).drop("jan1", "dec31")


def _with_workdays(t: ir.Table, cal: ir.Table, name: str) -> ir.Table:
    """Add ``name``: the workdays from ``start`` to ``end`` (inclusive), by two look-ups."""
    # A view keeps a projection of a join from being fused into this join.
    t = t.view()
    first = cal.select(_d1=cal.d, _before=cal.before)
    last = cal.select(_d2=cal.d, _through=cal.through)
    joined = t.join(first, [("start", "_d1")]).join(last, [("end", "_d2")])
    return joined.mutate(**{name: joined._through - joined._before}).drop(
        "_d1", "_before", "_d2", "_through"
    )


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
    small: Small,
) -> Expressions:
    """Build the indicator expressions on validated, typed input tables.

    ``keep`` stores an intermediate result that is read more than once, ``small`` turns a small
    Arrow table into a table of the engine (the engine decides how).
    """
    cal = small(calendar_table(first_year, last_year))
    years = small(years_table(first_year, last_year))
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
    emp_segments = _segments(emp.select(*KEYS, "start", "end", "f"), ["f"], "sum")
    emp_years = keep(
        _with_workdays(_by_year(emp_segments, years), cal, "wd").select(
            *KEYS, "year", "start", "end", "f", "wd", "dec1"
        )
    )
    contracted = emp_years.group_by("municipality", "year").aggregate(
        contracted_workdays=(emp_years.wd * emp_years.f / 100).sum()
    )

    # On 1 December each employee is in at most one (disjoint) segment per municipality, whose
    # summed fte is the employee's fte there.
    on_dec1 = emp_years.filter(
        (emp_years.start <= emp_years.dec1) & (emp_years.end >= emp_years.dec1)
    )
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

    # Absences: elementary segments with the highest grade, overall and per certifier.
    spells = absences.select(
        *KEYS,
        start=absences.start_date,
        end=absences.end_date,
        g=absences.grade_pct,
        gs=ibis.ifelse(absences.certified_by == "self", absences.grade_pct, ZERO),
        gd=ibis.ifelse(absences.certified_by == "doctor", absences.grade_pct, ZERO),
    )
    abs_segments = keep(_segments(spells, ["g", "gs", "gd"], "max"))
    abs_years = _by_year(abs_segments, years)

    jobs = emp_years.select(
        _k1=emp_years.employee_id, _k2=emp_years.municipality, _y=emp_years.year,
        _s=emp_years.start, _e=emp_years.end, _f=emp_years.f,
    )  # fmt: skip
    overlap = abs_years.join(
        jobs,
        [
            abs_years.employee_id == jobs._k1,
            abs_years.municipality == jobs._k2,
            abs_years.year == jobs._y,
            abs_years.start <= jobs._e,
            abs_years.end >= jobs._s,
        ],
    )
    pieces = _with_workdays(
        overlap.select(
            *KEYS,
            "year",
            "g",
            "gs",
            "gd",
            f=overlap._f,
            start=ibis.greatest(overlap.start, overlap._s),
            end=ibis.least(overlap.end, overlap._e),
        ),
        cal,
        "wd",
    )
    pieces = keep(pieces)
    weight = pieces.wd * pieces.f / 10000
    lost = pieces.group_by("municipality", "year").aggregate(
        lost=(weight * pieces.g).sum(),
        lost_self=(weight * pieces.gs).sum(),
        lost_doctor=(weight * pieces.gd).sum(),
    )

    # Absence workdays outside every employment of the employee in that municipality: the
    # employment segments are disjoint, so the covered workdays are the pieces' workdays.
    absent_days = _with_workdays(abs_segments, cal, "wd")
    absent = absent_days.group_by(*KEYS).aggregate(absent=absent_days.wd.sum())
    covered = pieces.group_by(*KEYS).aggregate(covered=pieces.wd.sum())
    both = absent.left_join(covered, list(KEYS))
    per_person = both.select(both.employee_id, outside=both.absent - both.covered.fill_null(0))
    per_person = per_person.filter(per_person.outside > 0)
    outside = per_person.aggregate(
        workdays=per_person.outside.sum().fill_null(0),
        employees=per_person.employee_id.nunique(),
    )

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
