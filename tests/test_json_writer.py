"""The --json writer against the standard library's json module."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.render.json import _string, dumps, sanitize

finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | st.integers(-10**30, 10**30) | finite | st.text()
values = st.recursive(scalars, lambda children: st.lists(children, max_size=6)
                      | st.dictionaries(st.text(max_size=8), children, max_size=6), max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_strings_are_written_as_json_dumps_writes_them(text):
    assert _string(text) == json.dumps(text, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(values)
def test_writer_round_trips_through_json_loads(value):
    assert json.loads(dumps(value)) == value


def test_non_finite_floats_never_reach_the_output():
    data = sanitize({"a": float("nan"), "b": [float("inf"), -float("inf"), 1.5]})
    assert json.loads(dumps(data)) == {"a": "nan", "b": ["inf", "-inf", 1.5]}


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), st.integers(1, 5000))
def test_streamed_json_is_the_same_text_in_pieces(rows, cols, batch):
    """``dlcalc ... --json`` writes a piece at a time; joined, the pieces are exactly to_json."""
    from dlcalc.render.json import to_json, write_json
    from dlcalc.solution import Solution

    sol = Solution("demo", "a large matrix")
    sol.result = {"matrix": [[r * 0.5 + c for c in range(cols)] for r in range(rows)], "ints": list(range(cols))}
    sol.step("one", "x = 1", "1", 1.0)
    pieces: list[str] = []
    write_json(sol, pieces.append, batch=batch)
    assert "".join(pieces) == to_json(sol)
    assert json.loads("".join(pieces))["result"]["matrix"][rows - 1][cols - 1] == (rows - 1) * 0.5 + cols - 1
    assert all(len(p) >= batch for p in pieces[:-1])  # written in batches, not a call per number
