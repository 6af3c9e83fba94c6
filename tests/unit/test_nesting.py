"""Depth checks before decoding: brackets inside strings do not count, the limit is exact."""

from __future__ import annotations

import tomllib

import pytest

from recomentor.nesting import MAX_DEPTH, json_too_deep, loads_toml


def test_json_depth_counts_arrays_and_objects_up_to_the_limit() -> None:
    assert not json_too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert json_too_deep(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert json_too_deep(b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1))
    # Unclosed brackets are too deep as soon as they pass the limit; the rest is the decoder's.
    assert json_too_deep(b"[" * 100_000)
    assert not json_too_deep(b"[]" * 100_000)


def test_brackets_inside_strings_are_text() -> None:
    quoted = b'"' + b"[{" * 500 + b'\\"[[[' + b'"'
    assert not json_too_deep(b"[" + quoted + b"," + quoted + b"]")


def test_toml_depth_is_limited_whatever_the_parser_can_take() -> None:
    assert loads_toml("x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)["x"] is not None
    for depth in (MAX_DEPTH + 1, 5_000):
        with pytest.raises(tomllib.TOMLDecodeError, match=f"deeper than {MAX_DEPTH} levels"):
            loads_toml("x = " + "[" * depth + "]" * depth)
    inline = "x = " + "{a = " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    with pytest.raises(tomllib.TOMLDecodeError):
        loads_toml(inline)
