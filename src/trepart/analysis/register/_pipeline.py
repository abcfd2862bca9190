"""The register indicators as Ibis expressions: the same expressions run on DuckDB and Spark.

No spell is exploded into days, and no string is carried past the first step. Every employee
of either table gets a number, and an employee in a municipality becomes one integer, the
*pair* (``employee number × 2^14 + municipality code``); dates become day numbers (0 = 1
January of the first year); the workdays in ``[a, b]`` are ``before[b + 1] - before[a]``, one
look-up each in an array of cumulative workday counts. Overlapping spells of one pair are cut
into *elementary segments* (disjoint intervals between consecutive spell boundaries, each with
the highest grade, or the summed fte, of the spells covering it); only spells that overlap
another go through that cut, found with one running maximum over the sort key ``pair × 2^17 +
day``. Each absence segment is joined to the *time line* of its pair (the disjoint employment
segments and the gaps between them), and the pieces are summed per municipality and pair of
years, so only that small table is split by year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from trepart.analysis.calendar import date_table
from trepart.analysis.register._schema import SmallColumns

ZERO = ibis.literal(0.0, type="float64")
# A pair is ``employee number << MUN_BITS | municipality``: codes are four digits (< 2^14).
MUN_BITS = 14
MUN_MASK = (1 << MUN_BITS) - 1
# Day numbers fit in this many bits (2^17 days is 358 years): a pair shifted by it plus a day
# number sorts by pair first, then by day. With both shifts the sort key is below 2^63 for up to
# 2^32 employees.
DAY_BITS = 17
DAY_MASK = (1 << DAY_BITS) - 1
# Windows are never partitioned by pair (millions of tiny partitions are slow) but by a few
# buckets of employees, or not at all: the engine chooses how many (DuckDB sorts one partition
# fastest; Spark needs several to spread the work).
BUCKETS = 64

Keep = Callable[[ir.Table], ir.Table]
Small = Callable[[SmallColumns], ir.Table]


@dataclass(frozen=True)
class Expressions:
    """What the pipeline computes: the indicator rows and the quality figures (one row)."""

    indicators: ir.Table
    outside: ir.Table


@dataclass(frozen=True)
class Days:
    """Day numbers (0 = 1 January of the first year) and look-ups by day and year.

    Workdays in ``[a, b]`` are ``wb[b + 1] - wb[a]``, where ``wb`` (workdays before each day)
    is a column of the calendar table: one equi-join per day looked up, with a table of a few
    thousand rows (much faster than an array written into the query, and broadcast by Spark).
    The workdays before each 1 January, a short array, are written into the query.
    """

    first_year: int
    last_year: int
    origin: date
    # One row per day number d from 0 to the day after the last: ``wb`` the workdays on days
    # 0 .. d - 1, ``yr`` the year of day d, ``yp`` the year of day d - 1, ``dn`` the first
    # year whose 1 December is on or after day d, ``dp`` the last year whose 1 December is
    # before day d.
    calendar: ir.Table
    before_jan1: ir.ArrayValue  # before_jan1[k]: workdays before 1 January of first_year + k

    @classmethod
    def of(cls, first_year: int, last_year: int, small: Small) -> Days:
        """The days from ``first_year`` to ``last_year``; ``small`` makes the calendar table."""
        if not cls.fits(first_year, last_year):
            raise ValueError(f"the dates span {first_year}–{last_year}: too many days")
        table = date_table(date(first_year, 1, 1), date(last_year, 12, 31))
        origin = table.first
        before = [*table.before, table.through[-1]]
        jan1 = [(date(y, 1, 1) - origin).days for y in range(first_year, last_year + 2)]
        year: list[int] = []
        for k, y in enumerate(range(first_year, last_year + 1)):
            year.extend([y] * (jan1[k + 1] - jan1[k]))
        year.append(last_year + 1)
        # (1 December of the year after the last too: day d can be 1 January of that year.)
        dec1 = [(date(y, 12, 1) - origin).days for y in range(first_year, last_year + 2)]
        # The first year whose 1 December is on or after day d, the last whose is before it.
        dec1_on_or_after = [y if d <= dec1[y - first_year] else y + 1 for d, y in enumerate(year)]
        dec1_before = [y if d > dec1[y - first_year] else y - 1 for d, y in enumerate(year)]
        calendar = small(
            {
                "d": ("int64", range(len(before))),
                "wb": ("int64", before),
                "yr": ("int64", year),
                "yp": ("int64", [first_year - 1, *year[:-1]]),
                "dn": ("int64", dec1_on_or_after),
                "dp": ("int64", dec1_before),
            }
        )
        return cls(
            first_year,
            last_year,
            origin,
            calendar,
            ibis.literal([before[d] for d in jan1], type="array<int64>"),
        )

    # The most years whose day numbers fit in DAY_BITS (with the day after the last).
    MAX_YEARS = 358

    @staticmethod
    def fits(first_year: int, last_year: int) -> bool:
        """Whether the day numbers of these years, and of the day after the last, fit in
        DAY_BITS (a spell's end + 1 is a cut boundary)."""
        return (date(last_year, 12, 31) - date(first_year, 1, 1)).days + 1 < 1 << DAY_BITS

    @property
    def last(self) -> int:
        return (date(self.last_year, 12, 31) - self.origin).days

    def number(self, day: ir.DateValue) -> ir.IntegerValue:
        """The day number of a date (inside the years of the data)."""
        return (day.epoch_days() - (self.origin - date(1970, 1, 1)).days).cast("int64")

    def span(self, t: ir.Table, first: ir.IntegerValue, last: ir.IntegerValue) -> ir.Table:
        """``t`` with the workdays before day ``first`` (``c1``) and before the day after
        ``last`` (``c2``), the years of ``first`` (``y1``) and ``last`` (``y2``), and the
        first and last year whose 1 December lies from ``first`` to ``last`` (``n1``, ``n2``;
        ``n1 > n2``: none).

        The workdays from ``first`` to ``last`` (both included) are ``c2 - c1``.
        """
        columns = t.columns
        t = t.mutate(_d1=first, _d2=last + 1)
        at_first = self.calendar.view()
        after_last = self.calendar.view()
        joined = t.join(at_first, t._d1 == at_first.d).join(after_last, t._d2 == after_last.d)
        return joined.select(
            *columns,
            c1=at_first.wb,
            y1=at_first.yr,
            n1=at_first.dn,
            c2=after_last.wb,
            y2=after_last.yp,
            n2=after_last.dp,
        )

    def workdays_before_jan1(self, year: ir.IntegerValue) -> ir.IntegerValue:
        """Workdays before 1 January of ``year`` (up to the year after the last)."""
        return _at(self.before_jan1, year - self.first_year)

    def in_year(
        self,
        year: ir.IntegerValue,
        first_year: ir.IntegerValue,
        last_year: ir.IntegerValue,
        c1: ir.NumericValue,
        c2: ir.NumericValue,
        weight: ir.NumericValue,
    ) -> ir.NumericValue:
        """The part in ``year`` of ``weight × (c2 - c1)`` workdays (see :meth:`span`).

        Also for sums over spans with the same first and last year: ``c1`` and ``c2`` are
        then the sums of ``weight × c1`` and ``weight × c2``, and ``weight`` their sum.
        """
        upper = ibis.ifelse(
            year == last_year, c2, weight * self.workdays_before_jan1(year + 1).cast("float64")
        )
        lower = ibis.ifelse(
            year == first_year, c1, weight * self.workdays_before_jan1(year).cast("float64")
        )
        return upper - lower

    def year_sums(self, t: ir.Table, weights: Mapping[str, ir.NumericValue]) -> dict[str, ir.Value]:
        """The sums over spans of ``t`` (see :meth:`span`) that :meth:`by_year` splits: per
        weight ``w_<name>`` = Σ weight, ``a_<name>`` = Σ weight × c1, ``b_<name>`` = Σ weight ×
        c2 (to be grouped by a key, ``y1`` and ``y2``)."""
        sums: dict[str, ir.Value] = {}
        for name, weight in weights.items():
            sums[f"w_{name}"] = weight.sum()
            sums[f"a_{name}"] = (weight * t.c1).sum()
            sums[f"b_{name}"] = (weight * t.c2).sum()
        return sums

    def by_year(self, sums: ir.Table, key: str, names: Sequence[str]) -> ir.Table:
        """Σ weight × workdays in each year, per ``key`` and ``year``, from the sums of
        :meth:`year_sums` grouped by ``key``, ``y1`` and ``y2``.

        A span's workdays in year y are ``wb[min(last + 1, jan1[y + 1])] - wb[max(first,
        jan1[y])]``: so per first and last year the three sums are enough, and only that small
        table is split by year.
        """
        years = _each_year(sums, sums.y1, sums.y2)
        parts = years.select(
            key,
            "year",
            **{
                name: self.in_year(
                    years.year, years.y1, years.y2, years[f"a_{name}"], years[f"b_{name}"],
                    years[f"w_{name}"],
                )
                for name in names
            },
        )  # fmt: skip
        return parts.group_by(key, "year").aggregate(**{n: parts[n].sum() for n in names})


def _each_year(t: ir.Table, first: ir.IntegerValue, last: ir.IntegerValue) -> ir.Table:
    """``t`` with each row repeated for every year from ``first`` to ``last`` (column
    ``year``, int64)."""
    years = t.mutate(year=ibis.range(first, last + 1)).unnest("year")
    return years.mutate(year=years.year.cast("int64"))


def _at(array: ir.ArrayValue, index: ir.IntegerValue) -> ir.IntegerValue:
    """``array[index]`` (from 0); Spark wants a 32-bit index."""
    return array[index.cast("int32")]


def _bucket(pair: ir.IntegerValue, buckets: int) -> ir.IntegerValue:
    """A bucket of employees (from the pair), for partitioned windows."""
    return (pair >> MUN_BITS) % buckets


def pair_employee(pair: ir.IntegerValue) -> ir.IntegerValue:
    return pair >> MUN_BITS


def pair_municipality(pair: ir.IntegerValue) -> ir.IntegerValue:
    return pair & MUN_MASK


Values = Mapping[str, Callable[[ir.Table], ir.Value]]


def _segments(
    t: ir.Table,
    carry: Sequence[str],
    values: Values,
    how: Literal["max", "sum"],
    buckets: int,
) -> ir.Table:
    """Cut the spells of each pair into disjoint elementary segments.

    ``t`` has ``pair``, ``s`` and ``e`` (inclusive day numbers) and the ``carry`` columns;
    ``values`` computes each value of a spell from them. Each segment (``pair``, ``s``, ``e``
    and the values) gets the max (or the sum) of each value over the spells covering it.

    Overlaps are found with one running maximum (per bucket of employees) over the sort key
    ``pair << DAY_BITS | day``: the pair dominates, so the maximum never leaks from one pair
    into the next. The sorted rows carry only what is needed: the pair and the day numbers live
    in the two sort keys.
    """
    group = t.pair << DAY_BITS
    columns = {"_b": _bucket(t.pair, buckets)} if buckets > 1 else {}
    t = t.select(*carry, **columns, _ks=group + t.s, _ke=group + t.e)
    part = [t._b] if buckets > 1 else []
    extra = ["_b"] if buckets > 1 else []
    # Spells starting the same day may come in either order: each overlaps the other anyway.
    order = [t._ks]
    before = ibis.window(group_by=part, order_by=order, rows=(None, -1))
    ordered = ibis.window(group_by=part, order_by=order)
    flagged = t.mutate(_pe=t._ke.max().over(before), _ns=t._ks.lead().over(ordered))
    alone = (flagged._pe.isnull() | (flagged._ks > flagged._pe)) & (
        flagged._ns.isnull() | (flagged._ns > flagged._ke)
    )
    # Both branches below read this table: it carries the flag, not the neighbours.
    flagged = flagged.select(*carry, *extra, "_ks", "_ke", _alone=alone)
    alone = flagged._alone
    single = flagged.filter(alone)
    single = single.select(
        pair=single._ks >> DAY_BITS,
        s=single._ks & DAY_MASK,
        e=single._ke & DAY_MASK,
        **{name: value(single) for name, value in values.items()},
    )
    # The overlapping spells are cut at every spell boundary of their pair; a boundary found
    # twice gives an empty cut, and a cut between two clusters of overlapping spells is covered
    # by no spell: both are dropped.
    multi = flagged.filter(~alone)
    multi = multi.select(*carry, *extra, "_ks", "_ke", _gr=multi._ks >> DAY_BITS)
    bounds = ibis.union(multi.select(*extra, k=multi._ks), multi.select(*extra, k=multi._ke + 1))
    part = [bounds._b] if buckets > 1 else []
    bounds = bounds.mutate(_nk=bounds.k.lead().over(ibis.window(group_by=part, order_by=bounds.k)))
    same = (bounds._nk >> DAY_BITS) == (bounds.k >> DAY_BITS)
    cuts = bounds.filter(same & (bounds._nk > bounds.k))
    cuts = cuts.select(
        **({"_cb": cuts._b} if buckets > 1 else {}),
        _cg=cuts.k >> DAY_BITS,
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
    # A cut is one per start (the start holds the pair): its end comes along.
    merged = covered.group_by(covered._cs).aggregate(_ce=covered._ce.max(), **aggregate)
    merged = merged.select(
        pair=merged._cs >> DAY_BITS,
        s=merged._cs & DAY_MASK,
        e=merged._ce & DAY_MASK,
        **{v: merged[v] for v in values},
    )
    return single.union(merged)


def _absence_sums(spells: ir.Table, line: ir.Table, days: Days, buckets: int) -> ir.Table:
    """Lost-workday sums per municipality and pair of years, and outside workdays per employee.

    ``spells`` has ``pair``, ``s``, ``e``, ``g`` and ``doctor``; ``line`` is the time line of
    the employments (``_p``, ``_s``, ``_e``, ``_f``). One row per municipality (``mun``), first
    and last year of the pieces (``y1``, ``y2``) and ``oid`` (null, or the employee number for
    the pieces outside every employment).
    """
    # Absences: elementary segments with the highest grade, overall and per certifier.
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
        [abs_segments.pair == line._p, line._s <= abs_segments.e, line._e >= abs_segments.s],
    )
    inside = met._f.notnull()
    met = met.select(
        "g",
        "gs",
        "gd",
        inside=inside,
        mun=pair_municipality(met.pair),
        first=ibis.greatest(met.s, met._s.fill_null(met.s)),
        last=ibis.least(met.e, met._e.fill_null(met.e)),
        w=ibis.ifelse(inside, met._f / 10000, ZERO),
        oid=ibis.ifelse(inside, ibis.null("int64"), pair_employee(met.pair)),
    )
    pieces = days.span(met, met.first, met.last)
    pieces = pieces.mutate(
        y1=ibis.ifelse(pieces.inside, pieces.y1, ibis.null("int64")),
        y2=ibis.ifelse(pieces.inside, pieces.y2, ibis.null("int64")),
    )
    weights = {
        "lost": pieces.w * pieces.g,
        "lost_self": pieces.w * pieces.gs,
        "lost_doctor": pieces.w * pieces.gd,
    }
    sums = days.year_sums(pieces, weights)
    sums["out"] = ibis.ifelse(pieces.inside, 0, pieces.c2 - pieces.c1).sum()
    return pieces.group_by("mun", "y1", "y2", "oid").aggregate(**sums)


def _attach(base: ir.Table, other: ir.Table, columns: Sequence[str]) -> ir.Table:
    """Left-join ``other`` (keyed by municipality and year) and keep ``columns`` of it."""
    right = other.select(_m=other.mun, _y=other.year, **{c: other[c] for c in columns})
    joined = base.left_join(right, [base.mun == right._m, base.year == right._y])
    return joined.select(*base.columns, *columns)


def build(
    employments: ir.Table,
    absences: ir.Table,
    *,
    first_year: int,
    last_year: int,
    keep: Keep,
    small: Small,
    buckets: int = BUCKETS,
    chunks: int = 1,
) -> Expressions:
    """Build the indicator expressions on validated, typed input tables.

    ``keep`` stores an intermediate result that is read more than once (the engine decides
    how), ``small`` makes a small table from lists of values (the calendar); ``buckets`` is how
    many partitions the windows use (1: none), ``chunks`` in how many parts the absences are
    processed one after the other (each part's intermediate results are smaller).
    """
    # The calendar is kept: an engine plans its joins better knowing the table's size.
    days = Days.of(first_year, last_year, lambda data: keep(small(data)))
    last_day = ibis.literal(date(last_year, 12, 31))

    # Every employee of either table gets a number (from 0); from here on an employee in a
    # municipality is one integer, the pair.
    people = ibis.union(
        employments.select("employee_id"), absences.select("employee_id"), distinct=True
    )
    people = keep(people.select("employee_id", _n=ibis.row_number().cast("int64")))

    def paired(table: ir.Table, who: ir.Table) -> ir.Table:
        joined = table.join(who, "employee_id")
        return joined.mutate(pair=(joined._n << MUN_BITS) + joined.municipality.cast("int64"))

    emp = paired(employments, people)
    # Kept: read again for AFP (a fifth of a second less than numbering them twice).
    emp = keep(
        emp.select(
            "pair",
            "birth_date",
            "end_date",
            "end_reason",
            start=emp.start_date,
            end=emp.end_date.fill_null(last_day),
            f=emp.fte_pct,
        )
    )

    # Employments: elementary segments with the summed fte, split by year, with workdays.
    spans = emp.select("pair", s=days.number(emp.start), e=days.number(emp.end), f=emp.f)
    emp_segments = keep(_segments(spans, ["f"], {"f": lambda t: t.f}, "sum", buckets))
    spanned = days.span(emp_segments, emp_segments.s, emp_segments.e)
    spanned = spanned.mutate(mun=pair_municipality(spanned.pair))
    weights = {"contracted_workdays": spanned.f / 100}
    contracted = days.by_year(
        spanned.group_by("mun", "y1", "y2").aggregate(**days.year_sums(spanned, weights)),
        "mun",
        list(weights),
    )

    # On 1 December each employee is in at most one (disjoint) segment per municipality, whose
    # summed fte is the employee's fte there. The segments are summed per municipality and span
    # of 1 Decembers first, like the workdays: only that small table is split into years.
    counted = spanned.filter(spanned.n1 <= spanned.n2)
    spans_dec1 = counted.group_by("mun", "n1", "n2").aggregate(
        k=counted.count(),
        sf=counted.f.sum(),
        full=ibis.ifelse(counted.f >= 100, 1, 0).sum(),
    )
    on_dec1 = _each_year(spans_dec1, spans_dec1.n1, spans_dec1.n2)
    staff = on_dec1.group_by("mun", "year").aggregate(
        headcount=on_dec1.k.sum(), sf=on_dec1.sf.sum(), full=on_dec1.full.sum()
    )
    staff = staff.select(
        "mun",
        "year",
        "headcount",
        fte_years=staff.sf / 100,
        avg_fte_pct=staff.sf / staff.headcount,
        fulltime_share=staff.full.cast("float64") / staff.headcount,
    )
    # KS's turnover: counted on 1 December, employed nowhere in the data the next 1 December.
    # A segment's employee is there again on every 1 December it covers but its last (n2); so
    # only that one needs looking for a segment of the same employee (in any municipality)
    # covering the next 1 December.
    # (The last year of the data has no turnover: its segments are not looked up.)
    ending = counted.filter(counted.n2 < last_year)
    last = ending.select("mun", person=pair_employee(ending.pair), year=ending.n2)
    cover = counted.select(_person=pair_employee(counted.pair), _n1=counted.n1, _n2=counted.n2)
    gone = last.anti_join(
        cover,
        [last.person == cover._person, cover._n1 <= last.year + 1, cover._n2 >= last.year + 1],
    )
    leavers = gone.group_by("mun", "year").aggregate(leavers=gone.count())

    # The time line of each pair with an employment, cut into the employment segments (with
    # their fte) and the gaps around them (fte null).
    seg = emp_segments.mutate(_k=(emp_segments.pair << DAY_BITS) + emp_segments.s)
    in_order = ibis.window(
        group_by=[_bucket(seg.pair, buckets)] if buckets > 1 else [], order_by=[seg._k]
    )
    seg = seg.mutate(
        _np=seg.pair.lead().over(in_order),
        _ns=seg.s.lead().over(in_order),
        _pp=seg.pair.lag().over(in_order),
    )
    same_next = (seg._np == seg.pair).fill_null(False)
    same_prev = (seg._pp == seg.pair).fill_null(False)
    no_fte = ibis.null("float64")
    gap_after = seg.select(
        "pair",
        s=seg.e + 1,
        e=ibis.ifelse(same_next, seg._ns - 1, ibis.literal(days.last, type="int64")),
        f=no_fte,
    )
    gap_before = seg.filter(~same_prev & (seg.s > 0)).select(
        "pair", s=ibis.literal(0, type="int64"), e=seg.s - 1, f=no_fte
    )
    timeline = ibis.union(
        emp_segments.select("pair", "s", "e", "f"),
        gap_after.filter(gap_after.s <= gap_after.e),
        gap_before,
    )
    line = timeline.select(_p=timeline.pair, _s=timeline.s, _e=timeline.e, _f=timeline.f)

    # Absences, in `chunks` parts (by employee number) so that each part's sort fits in memory:
    # per municipality and pair of years the sums of the lost-workday terms, and per employee
    # outside any employment the workdays there.
    if chunks > 1:
        line = keep(line)
    parts = []
    for chunk in range(chunks):
        who, part_line = people, line
        if chunks > 1:
            # A part's absences are those its employees' numbers pick out in the join.
            who = people.filter(people._n % chunks == chunk)
            part_line = line.filter(pair_employee(line._p) % chunks == chunk)
        part_spells = paired(absences, who)
        part_spells = part_spells.select(
            "pair",
            s=days.number(part_spells.start_date),
            e=days.number(part_spells.end_date),
            g=part_spells.grade_pct,
            doctor=part_spells.certified_by == "doctor",
        )
        parts.append(keep(_absence_sums(part_spells, part_line, days, buckets)))
    met_sums = parts[0] if len(parts) == 1 else ibis.union(*parts)

    lost = days.by_year(
        met_sums.filter(met_sums.y1.notnull()), "mun", ["lost", "lost_self", "lost_doctor"]
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
    ages = emp.select("pair", _low=low, _high=high)
    ages = ages.filter(ages._low <= ages._high)
    eligible = _each_year(ages, ages._low, ages._high).select("pair", "year").distinct()
    afp_base = eligible.group_by(mun=pair_municipality(eligible.pair), year=eligible.year)
    afp_base = afp_base.aggregate(afp_base=eligible.count())
    retired = emp.filter((emp.end_reason == "afp") & emp.end_date.notnull())
    retired = retired.select("pair", year=retired.end_date.year().cast("int64")).distinct()
    afp_count = retired.group_by(mun=pair_municipality(retired.pair), year=retired.year)
    afp_count = afp_count.aggregate(afp_count=retired.count())

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
        # The four-digit code again (a code's leading zeros were lost as an integer).
        municipality=table.mun.cast("string").lpad(4, "0"),
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
