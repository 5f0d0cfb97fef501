"""Folding Vietnamese names for search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.names import compact, fold, strip_diacritics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thái Bình", "thai binh"),
        ("THÁI BÌNH", "thai binh"),
        ("Đắk Lắk", "dak lak"),
        ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
        ("Thanh Hoá", "thanh hoa"),  # old-style tone placement
        ("Thanh Hóa", "thanh hoa"),  # new-style tone placement
        ("  Hưng   Yên ", "hung yen"),
        ("Cư M'gar", "cu m gar"),
        ("Phường 2 Bảo Lộc", "phuong 2 bao loc"),
        ("", ""),
    ],
)
def test_fold_ignores_diacritics_case_and_punctuation(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hà Nội", "Ha Noi"), ("Đồng Tháp", "Dong Thap"), ("Ứng Hòa", "Ung Hoa"), ("Quảng Trị", "Quang Tri")],
)
def test_strip_diacritics_keeps_case(text: str, expected: str) -> None:
    assert strip_diacritics(text) == expected


def test_compact_removes_spaces_so_hanoi_meets_ha_noi() -> None:
    assert compact("Hà Nội") == "hanoi"


@given(st.text())
def test_fold_is_idempotent_and_plain_ascii(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
