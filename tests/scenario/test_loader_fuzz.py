"""The scenario loader never crashes: random and mutated documents give a clean InputError with a field
path, and every document it accepts runs and conserves cargo."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim import run
from sim.errors import InputError
from sim.scenario.loading import parse_scenario

VALID = {
    "name": "fuzz", "start_date": "2024-12-08", "days": 3, "seed": 1,
    "aircraft": {"Il-76MD": {"planning_load_t": 30}},
    "fleet": [{"type": "Il-76MD", "count": 2, "base": "HLLB"}, {"type": "An-124-100", "count": 1, "base": "HL69"}],
    "airfields": {"HL59": {"mog": 2, "fuel": False}},
    "requirements": [{"from": "HLLB", "to": "HL59", "tons": 300}, {"from": "HL69", "to": "HLLB", "tons_per_day": 40}],
    "events": [{"day": 1, "close": "HL59"}, {"day": 2, "reopen": "HL59"}],
    "airspace": {"situation": "dec2024"},
    "stochastic": {"replications": 2, "break_per_sortie": 0.1},
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["HL59", "UUMU", "Il-76MD", "EU", "dec2024", "2024-12-08", "", "-1", "1e400"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


ALL_PATHS = [p for p in paths(VALID) if p]


@st.composite
def mutated(draw):
    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()):
                parent[path[-1]] = draw(values)
            elif isinstance(parent, dict):
                parent.pop(path[-1], None)
        except (KeyError, IndexError, TypeError):
            continue
    return doc


def dump(doc) -> str:
    import io

    stream = io.StringIO()
    YAML(typ="safe").dump(doc, stream)
    return stream.getvalue()


def check(text: str) -> None:
    try:
        scenario = parse_scenario(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith("fuzz.yaml") and problem.message
        return
    if scenario.days > 20 or sum(f.count for f in scenario.fleet) > 20:
        return  # accepted; too big to run inside a unit test
    s = run(scenario).summary
    assert abs(s["requested_t"] - (s["delivered_t"] + s["in_transit_t"] + s["backlog_t"])) < 1e-6 * max(1, s["requested_t"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_scenarios_fail_cleanly_or_run(doc):
    check(dump(doc))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200), values.map(dump)))
def test_random_documents_fail_cleanly(text):
    check(text)
