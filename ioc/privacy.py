"""Masking personal data in citizen text (Decree 13/2023/NĐ-CP): phone numbers, ID numbers, e-mail addresses.

Citizens write phone numbers, CMND (9 digits) or CCCD (12 digits) numbers and e-mail
addresses into their feedback. Screens and the API show the text with those masked:
enough is kept (the last digits, the e-mail domain) for an officer to match a case he
is already handling, not enough to identify or contact the citizen from a wall screen.
"""

from __future__ import annotations

import re
import unicodedata

MASK = "•"

# A Vietnamese phone number: 0 or +84/84, then 9 or 10 more digits, optionally grouped with spaces,
# dots or dashes ("0912 345 678", "+84 912.345.678", "(024) 3825 1234"). Counted digit by digit below.
_PHONE = re.compile(r"(?<![\w+])(?:\(?\+?84\)?|\(?0)(?:[\s.\-)]{0,2}\d){8,11}?(?![\d])")
# CMND (9 digits) or CCCD (12 digits), written as one run of digits.
_ID = re.compile(r"(?<![\d.,/-])(?:\d{12}|\d{9})(?![\d]|[.,/-]\d)")
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_CONTROL = {"Cc", "Cf", "Co", "Cs"}


def _is_phone(digits: str) -> bool:
    if digits.startswith("84"):
        return len(digits) in (11, 12)
    return digits.startswith("0") and len(digits) in (10, 11)


def _mask_digits(text: str, keep: int) -> str:
    """Every digit but the last ``keep`` replaced by the mask; separators kept so the shape reads."""
    total = sum(c.isdigit() for c in text)
    seen = 0
    out = []
    for c in text:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else MASK)
        else:
            out.append(c)
    return "".join(out)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = re.sub(r"\D", "", found)
    return _mask_digits(found, 3) if _is_phone(digits) else found


def mask_personal_data(text: str) -> str:
    """The text with phone numbers, CMND/CCCD numbers and e-mail addresses masked."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}{MASK * 3}@{m.group(2)}", text)
    text = _PHONE.sub(_phone, text)
    return _ID.sub(lambda m: _mask_digits(m.group(0), 3), text)


def safe_text(text: str | None, limit: int = 280) -> str:
    """Citizen text ready for a screen: control characters dropped, personal data masked, shortened.

    Markup needs no treatment here: the dashboard renders text as text (React escapes it)
    and the API returns JSON strings, so nothing a citizen types is ever interpreted as HTML.
    """
    if not text:
        return ""
    cleaned = "".join(" " if unicodedata.category(c) in _CONTROL else c for c in text)
    cleaned = " ".join(cleaned.split())
    masked = mask_personal_data(cleaned)
    return masked if len(masked) <= limit else masked[: limit - 1].rstrip() + "…"
