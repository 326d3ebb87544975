"""Masking of names, phones and identity numbers (and not over-redacting)."""

from __future__ import annotations

import pytest

from tickets.privacy import (
    mask_id_number,
    mask_name,
    mask_phone,
    masked_identity,
    redact_text,
    scrub_text,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("李", "李*"),
        ("John Smith", "J."),
        ("  jane ", "J."),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0086-138-1234-5678", "138****5678"),
        ("010-12345678", "010****5678"),
        ("12345", "***45"),
        (None, ""),
    ],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_masked_identity() -> None:
    assert masked_identity("张三", "13812345678", "市民") == "张* (138****5678)"
    assert masked_identity(None, None, "Citizen #3") == "Citizen #3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678请回电", "电话138****5678请回电"),
        ("call +86 138-1234-5678 now", "call 138****5678 now"),
        ("tel (021) 5555 1234.", "tel 021****1234."),
        ("身份证号11010519491231002X。", "身份证号" + mask_id_number("11010519491231002X") + "。"),
        ("ID 11010519491231002x and 440524198001010014", None),
    ],
)
def test_redact_sensitive_numbers(text: str, expected: str | None) -> None:
    out = redact_text(text)
    if expected is not None:
        assert out == expected
    for secret in ("13812345678", "1234-5678", "5555 1234", "19491231", "19800101"):
        assert secret not in out


@pytest.mark.parametrize(
    "text",
    [
        "工单 2026-000123 的进度？",
        "日期 2026-11-24 17:30",
        "2026年11月24日 下午",
        "金额 12345678 元，门牌 1203 号，邮编 200000",
        "订单号 113812345678999 (15位以上的数字串不拆)",
        "发票 1234567890123456789012",
        "version 3.14.15, room 12",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_mask_id_number_keeps_only_the_ends() -> None:
    assert mask_id_number("11010519491231002X") == "11" + "*" * 14 + "2X"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 13812345678 or 139 1234 5678", "call *** or ***"),
        ("身份证11010519491231002X，工单2026-000123", "身份证***，工单2026-000123"),
        ("Dear Ada Lovelace, ada and lovelace", "Dear ***, *** and ***"),
        ("Adam and Adalbert are other people", "Adam and Adalbert are other people"),
        ("我是张三，张三的电话是 86-138-1234-5678", "我是***，***的电话是 ***"),
        ("my number: 0138 1234 56 78", "my number: 0138 1234 56 78"),  # another number
        ("my number: 1 3 8 1 2 3 4 5 6 7 8", "my number: ***"),
    ],
)
def test_scrub_text_removes_numbers_and_the_persons_name_and_phone(
    text: str, expected: str
) -> None:
    names = ["Ada Lovelace", "张三", "A"]  # one-letter parts are too ambiguous to scrub
    assert scrub_text(text, names=names, phones=["+8613812345678"]) == expected


def test_scrub_text_leaves_ordinary_numbers_alone() -> None:
    text = "工单 2026-000123，金额 12345678 元，日期 2026-11-24"
    assert scrub_text(text, names=["张三"], phones=["13812345678"]) == text
