"""Hour ranges, and rollup sums over them: whole local days from the daily rollups, the edges hourly.

A range of hour buckets [b0, b1) reads the Asia/Ho_Chi_Minh days it covers whole from
``rollups_daily`` and only the hours before the first and after the last of them from
``rollups``: 30 days are 30 rows per key and at most 46 hourly ones, instead of 720.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, Integer, Table, func, literal, select, union_all

from ioc.rollups import DAY, HOUR, day_of
from ioc.store import settled
from ioc.store import tables as t

Span = tuple[int, int]  # hour buckets [b0, b1)


def span(since: datetime, until: datetime) -> Span:
    """The hour buckets [b0, b1) a range covers: since floored, until ceiled to the hour."""
    b0 = math.floor(since.timestamp()) // HOUR * HOUR
    return b0, max(b0, math.ceil(until.timestamp() / HOUR) * HOUR)


def split_span(b0: int, b1: int) -> tuple[Span, Span, Span]:
    """[b0, b1) as hourly head [b0, d0), whole local days [d0, d1) and hourly tail [d1, b1).

    d0 is the first day start at or after b0, d1 the last at or before b1; without a whole day in the
    range, the head is all of it and the other two are empty.
    """
    start = day_of(b0)
    d0, d1 = start if start == b0 else start + DAY, day_of(b1)
    if d1 <= d0:
        return (b0, b1), (b1, b1), (b1, b1)
    return (b0, d0), (d0, d1), (d1, b1)


@dataclass(frozen=True)
class RollupFilter:
    """What a rollup read selects, for either table: metrics, scope, and one dim, any of ``dims``, or dims
    starting with ``dim_prefix`` ("" for any non-empty dim). Hashable: settled sums are kept by it."""

    metrics: tuple[str, ...]
    province: str | None = None
    unit: str | None = None
    dim: str | None = ""
    dims: tuple[str, ...] = ()
    dim_prefix: str | None = None

    def __call__(self, r: Table) -> list[ColumnElement[bool]]:
        c = r.c
        out = [c.metric.in_(self.metrics) if len(self.metrics) > 1 else c.metric == self.metrics[0]]
        out += [c.dim == self.dim] if self.dim is not None else []
        out += [c.province == self.province] if self.province else []
        out += [c.unit == self.unit] if self.unit else []
        if self.dims:
            out.append(c.dim.in_(self.dims))
        elif self.dim_prefix:  # substr, not a range on dim: the planner walks the hour range, not all dims
            out.append(func.substr(c.dim, 1, len(self.dim_prefix)) == self.dim_prefix)
        elif self.dim_prefix == "":
            out.append(c.dim != "")
        return out


def rollup_filter(metrics: Sequence[str], province: str | None = None, unit: str | None = None,
                  dim: str | None = "", *, dims: Sequence[str] = (),
                  dim_prefix: str | None = None) -> RollupFilter:  # fmt: skip
    """The filter of a rollup read (``RollupFilter``); ``dim=None`` with ``dims`` or ``dim_prefix``."""
    return RollupFilter(tuple(metrics), province, unit, dim, tuple(dims), dim_prefix)


def rollup_sums(conn: Connection, by: Sequence[str], where: RollupFilter, spans: Sequence[Span], *,
                days: bool = True) -> dict[tuple[Any, ...], float]:  # fmt: skip
    """Sum of the rollup values ``where`` selects, per span (its index) and ``by`` columns.

    Keys are ``(span index, *by values)``, in order; ``bucket`` in ``by`` gives day starts for whole
    days. With ``days`` False every hour is read from the hourly table (an hourly series). Hours settled
    for two hours come from memory once read (``settled``); the rest is one grouped SELECT per piece,
    ``where`` and the bucket bounds inside each so that it reads its covering index.
    """
    kept = settled.for_engine(conn.engine)
    seq, edge = kept.sync(conn), settled.settled_before()
    out: dict[tuple[Any, ...], float] = defaultdict(float)
    reads: list[tuple[Span, int, Any]] = []  # (hours, span index, key to keep settled sums under or None)
    for i, (b0, b1) in enumerate(spans):
        if b0 < min(b1, edge):
            key = (where, tuple(by), b0, min(b1, edge), days)
            found = kept.get(key)
            if found is None:
                reads.append(((b0, min(b1, edge)), i, key))
            else:
                for k, v in found.items():
                    out[(i, *k)] += v
            b0 = min(b1, edge)
        if b0 < b1:
            reads.append(((b0, b1), i, None))
    parts = [p for j, (hours, _, _) in enumerate(reads) for p in _selects(by, where, j, hours, days)]
    got: dict[int, dict[tuple[Any, ...], float]] = defaultdict(lambda: defaultdict(float))
    if parts:
        query: Executable = parts[0] if len(parts) == 1 else union_all(*parts)
        for j, *by_values, value in conn.execute(query):
            got[j][tuple(by_values)] += float(value or 0.0)
    for j, ((_, hi), i, keep) in enumerate(reads):
        if keep is not None:
            kept.put(keep, hi, dict(got[j]), seq)
        for k, v in got[j].items():
            out[(i, *k)] += v
    return dict(sorted(out.items()))


def _selects(by: Sequence[str], where: RollupFilter, label: int, hours: Span, days: bool) -> list[Any]:
    """The grouped SELECTs of one read of ``hours``: whole days from the daily table, the rest hourly."""
    parts = []
    pieces = split_span(*hours) if days else (hours, (hours[1], hours[1]), (hours[1], hours[1]))
    for table, (lo, hi) in zip((t.rollups, t.rollups_daily, t.rollups), pieces, strict=True):
        if lo < hi:
            cols = [table.c[name] for name in by]
            where_ = [*where(table), table.c.bucket >= lo, table.c.bucket < hi]
            parts.append(select(literal(label, Integer), *cols, func.sum(table.c.value)).where(*where_)
                         .group_by(*cols))  # fmt: skip
    return parts
