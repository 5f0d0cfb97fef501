"""Hour ranges, and rollup sums over them: whole local days from the daily rollups, the edges hourly.

A range of hour buckets [b0, b1) reads the Asia/Ho_Chi_Minh days it covers whole from
``rollups_daily`` and only the hours before the first and after the last of them from
``rollups``: 30 days are 30 rows per key and at most 46 hourly ones, instead of 720.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Table, func, literal, select, union_all

from ioc.rollups import DAY, HOUR, day_of
from ioc.store import tables as t

Span = tuple[int, int]  # hour buckets [b0, b1)
Where = Callable[[Table], list[ColumnElement[bool]]]  # the filter of a read, for either rollup table


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


def rollup_filter(metrics: Sequence[str], province: str | None = None, unit: str | None = None,
                  dim: str | None = "", pick: Where | None = None) -> Where:  # fmt: skip
    """The filter of a rollup read, for either table: the metrics, the scope, one ``dim`` (None: any) and
    ``pick``'s clauses."""

    def where(r: Table) -> list[ColumnElement[bool]]:
        c = r.c
        out = [c.metric.in_(metrics) if len(metrics) > 1 else c.metric == metrics[0]]
        out += ([c.dim == dim] if dim is not None else []) + ([c.province == province] if province else [])
        return out + ([c.unit == unit] if unit else []) + (pick(r) if pick else [])

    return where


def rollup_sums(conn: Connection, by: Sequence[str], where: Where, spans: Sequence[Span], *,
                days: bool = True) -> dict[tuple[Any, ...], float]:  # fmt: skip
    """Sum of the rollup values ``where`` selects, per span (its index) and ``by`` columns.

    Keys are ``(span index, *by values)``, in order; ``bucket`` in ``by`` gives day starts for whole
    days. With ``days`` False every hour is read from the hourly table (an hourly series). One grouped
    SELECT per piece, ``where`` and the bucket bounds inside each so that it reads its covering index.
    """
    parts = []
    for i, (b0, b1) in enumerate(spans):
        pieces = split_span(b0, b1) if days else ((b0, b1), (b1, b1), (b1, b1))
        for table, (lo, hi) in zip((t.rollups, t.rollups_daily, t.rollups), pieces, strict=True):
            if lo < hi:
                cols = [table.c[name] for name in by]
                where_ = [*where(table), table.c.bucket >= lo, table.c.bucket < hi]
                parts.append(select(literal(i, Integer), *cols, func.sum(table.c.value)).where(*where_)
                             .group_by(*cols))  # fmt: skip
    out: dict[tuple[Any, ...], float] = defaultdict(float)
    if parts:
        for i, *key, value in conn.execute(parts[0] if len(parts) == 1 else union_all(*parts)):
            out[(i, *key)] += float(value or 0.0)
    return dict(sorted(out.items()))
