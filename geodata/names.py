"""Vietnamese names folded for search: no diacritics, no case, no punctuation."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def strip_diacritics(text: str) -> str:
    """'Thái Bình' -> 'Thai Binh' (case and punctuation kept)."""
    # Đ/đ is a letter of its own, not D plus a mark; after NFD every other Vietnamese letter
    # is ASCII plus combining marks, so dropping non-ASCII drops the marks.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def fold(text: str) -> str:
    """Search key: 'Bà Rịa - Vũng Tàu' -> 'ba ria vung tau'."""
    return _NOT_WORD.sub(" ", strip_diacritics(text).lower()).strip()


def compact(text: str) -> str:
    """Search key without spaces, so 'hanoi' meets 'Hà Nội' and 'hungyen' meets 'Hưng Yên'."""
    return fold(text).replace(" ", "")
