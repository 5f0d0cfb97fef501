"""Name search over units: diacritic- and case-insensitive, ranked exact, prefix, word, substring."""

from __future__ import annotations

import bisect
import re

from geodata.names import fold

EXACT, PREFIX, WORD, SUBSTRING = 0, 1, 2, 3


class NameIndex:
    """Maps folded names to codes; a query finds candidates with one scan of one string."""

    def __init__(self) -> None:
        # (folded names, the same without spaces, code, rank penalty)
        self._entries: list[tuple[tuple[str, ...], tuple[str, ...], str, int]] = []
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._owner: list[int] = []
        self._length = 0
        self._haystack: str | None = None

    def add(self, names: tuple[str, ...], code: str, penalty: int = 0) -> None:
        """Index one unit's names for a code; the penalty pushes indirect matches (legacy names) down."""
        spaced = tuple(dict.fromkeys(fold(n) for n in names))
        joined = tuple(dict.fromkeys(k.replace(" ", "") for k in spaced))
        entry = len(self._entries)
        self._entries.append((spaced, joined, code, penalty))
        for key in joined:
            self._starts.append(self._length)
            self._owner.append(entry)
            self._parts.append(key)
            self._length += len(key) + 1
        self._haystack = None

    def ranks(self, text: str) -> dict[str, int]:
        """Best rank per code for a query (lower is better); empty when nothing matches."""
        query = fold(text)
        squeezed = query.replace(" ", "")
        if not squeezed:
            return {}
        if self._haystack is None:
            self._haystack = "\n".join(self._parts)
        # Every kind of match implies the squeezed query occurs in a squeezed name: find those first, in C.
        entries = {
            self._owner[bisect.bisect_right(self._starts, m.start()) - 1]
            for m in re.finditer(re.escape(squeezed), self._haystack)
        }
        best: dict[str, int] = {}
        for entry in entries:
            spaced, joined, code, penalty = self._entries[entry]
            rank = _rank(query, squeezed, spaced, joined) + penalty
            if rank < best.get(code, rank + 1):
                best[code] = rank
        return best


def _rank(query: str, squeezed: str, spaced: tuple[str, ...], joined: tuple[str, ...]) -> int:
    if query in spaced or squeezed in joined:
        return EXACT
    if any(k.startswith(query) for k in spaced) or any(k.startswith(squeezed) for k in joined):
        return PREFIX
    if any(f" {query}" in k for k in spaced):
        return WORD
    return SUBSTRING
