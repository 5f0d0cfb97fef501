"""Personal data in citizen text is masked: phone numbers, CMND/CCCD numbers, e-mail addresses."""

from __future__ import annotations

import pytest

from ioc.privacy import MASK, mask_personal_data, safe_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Liên hệ 0912345678.", f"Liên hệ {MASK * 7}678."),
        ("SĐT 0912 345 678 gấp", f"SĐT {MASK * 4} {MASK * 3} 678 gấp"),
        ("0912.345.678", f"{MASK * 4}.{MASK * 3}.678"),
        ("gọi +84 912 345 678", f"gọi +{MASK * 2} {MASK * 3} {MASK * 3} 678"),
        ("84912345678", f"{MASK * 8}678"),
        ("(024) 3825 1234", f"({MASK * 3}) {MASK * 4} {MASK}234"),
        ("CMND 123456789", f"CMND {MASK * 6}789"),
        ("CCCD 001099012345", f"CCCD {MASK * 9}345"),
        ("Email: nguoidan@example.vn", f"Email: n{MASK * 3}@example.vn"),
        ("a.b-c+d@sub.domain.gov.vn viết", f"a{MASK * 3}@sub.domain.gov.vn viết"),
        ("hai số 0912345678 và 0987654321", f"hai số {MASK * 7}678 và {MASK * 7}321"),
    ],
)
def test_personal_data_is_masked_keeping_the_last_digits(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thủ tục 1.001612 nộp ngày 22/11/2025",  # procedure codes and dates
        "Phí 1.500.000 đồng",  # amounts with thousands separators
        "Mã xã 11953, tỉnh 33",  # unit codes
        "Gọi đường dây nóng 1022",  # the public hotline
        "Số 1234567890 không phải số điện thoại",  # ten digits not starting with 0
        "Năm 2025 có 12 tháng",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_safe_text_drops_control_characters_masks_and_shortens() -> None:
    text = "Rác\x00 tồn\u200b đọng\n\ntại ngõ 5, gọi 0912345678 " + "x" * 400
    out = safe_text(text, limit=60)
    assert "\x00" not in out and "\n" not in out and "\u200b" not in out
    assert "0912345678" not in out
    assert len(out) == 60 and out.endswith("…")


def test_safe_text_keeps_markup_as_plain_text_for_the_page_to_escape() -> None:
    assert safe_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


@pytest.mark.parametrize("empty", [None, ""])
def test_safe_text_of_nothing_is_empty(empty: str | None) -> None:
    assert safe_text(empty) == ""
