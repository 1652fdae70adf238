"""Webhook bodies: nesting counted without recursion, one top-level field read without parsing."""

from __future__ import annotations

import pytest

from channels.raw_json import BodyError, loads_bounded, nesting_depth, top_level_scalar

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('{"a": 1}', 1),
        ('{"a": {"b": [1, {"c": 2}]}}', 4),
        ('{"text": "[[[[{{{{ không phải ngoặc"}', 1),  # brackets inside a string do not count
        ('{"text": "a \\"[[\\" b"}', 1),  # nor after an escaped quote
        ("7", 0),
        (DEEP, 100_000),
    ],
)
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_a_body_nested_100k_deep_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(BodyError, match="nested deeper than 16 levels") as error:
        loads_bounded(DEEP.encode(), max_depth=16)
    assert error.value.status == 400


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00", b'{"a": '])
def test_what_is_not_json_is_a_body_error(raw: bytes) -> None:
    with pytest.raises(BodyError):
        loads_bounded(raw, max_depth=16)


def test_a_shallow_body_parses_as_json_loads_would() -> None:
    assert loads_bounded('{"message": {"text": "xin chào"}}'.encode(), max_depth=2) == {"message": {"text": "xin chào"}}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"event_name": "user_send_text", "timestamp": "1763800000000"}', "1763800000000"),
        ('{"timestamp": 1763800000000}', "1763800000000"),
        ('{"message": {"timestamp": "1"}, "timestamp": "2"}', "2"),  # a nested one is not the event's
        ('{"message": {"timestamp": "1"}}', None),
        ('{"timestamp": "1", "timestamp": "2"}', "2"),  # the last wins, as in json.loads
        ('{"text": "\\"timestamp\\": \\"9\\"", "timestamp": "3"}', "3"),
        ('{"timestamp": {"nested": 1}}', None),
        ('{"timestamp": true}', None),
        ('["timestamp", "1"]', None),
        ("", None),
        ("[" * 50_000 + '{"timestamp": "1"}', None),
    ],
)
def test_top_level_scalar(text: str, value: str | None) -> None:
    assert top_level_scalar(text, "timestamp") == value
