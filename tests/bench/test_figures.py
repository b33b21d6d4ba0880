"""Figures, their verdicts and the common JSON shape."""

from __future__ import annotations

import pytest

from ksqlmv.benchmarks.figures import Figure, common_figures, format_number, numeric_leaves


@pytest.mark.parametrize(
    ("value", "target", "better", "meets", "text"),
    [
        (4.5, 0.7, "higher", True, ">= 0.7 ms"),
        (0.5, 0.7, "higher", False, ">= 0.7 ms"),
        (0.7, 0.7, "higher", True, ">= 0.7 ms"),
        (12.0, 20.0, "lower", True, "<= 20 ms"),
        (462.4, 20.0, "lower", False, "<= 20 ms"),
        (0.0, 0.0, "lower", True, "<= 0 ms"),
        (3.0, None, "higher", None, ""),
        (None, 3000.0, "higher", None, ">= 3,000 ms"),
    ],
)
def test_a_figure_meets_its_target_the_right_way(
    value: float | None, target: float | None, better: str, meets: bool | None, text: str
) -> None:
    figure = Figure("b", "f", value, "ms", target, better)
    assert figure.meets is meets
    assert figure.target_text == text
    assert figure.as_dict()["meets"] is meets


def test_ratios_show_their_target_without_a_unit() -> None:
    assert Figure("b", "ratio", 1.0, "x", 0.8).target_text == ">= 0.8"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (405803.2, "405,803"),
        (3000.0, "3,000"),
        (60.0, "60"),
        (462.43, "462"),
        (44.7035, "44.7"),
        (4.5403, "4.54"),
        (0.0823, "0.0823"),
        (0.0, "0"),
        (-2.5, "-2.50"),
    ],
)
def test_numbers_read_as_people_read_them(value: float, text: str) -> None:
    assert format_number(value) == text


def test_the_common_shape_is_read_and_bad_entries_are_skipped() -> None:
    document = {
        "figures": [
            {"name": "ready", "value": 21.4, "unit": "s", "target": 60, "better": "lower"},
            {"name": "parse", "value": 41000, "unit": "statements/s"},
            {"name": "odd", "value": "fast", "target": True, "better": "sideways"},
            {"value": 3},
            "not a mapping",
        ]
    }
    ready, parse, odd = common_figures("demo", document)
    assert (ready.value, ready.target, ready.better, ready.meets) == (21.4, 60.0, "lower", True)
    assert (parse.value, parse.unit, parse.target, parse.better) == (
        41000,
        "statements/s",
        None,
        "higher",
    )
    assert (odd.value, odd.target, odd.better) == (None, None, "higher")


def test_a_document_of_unknown_shape_shows_every_number() -> None:
    document = {"records": 10, "pull": {"p99_ms": 1.5, "ok": True, "name": "x"}, "list": [1, 2]}
    figures = numeric_leaves("new", document)
    assert [(f.name, f.value, f.target) for f in figures] == [
        ("records", 10.0, None),
        ("pull.p99_ms", 1.5, None),
    ]
