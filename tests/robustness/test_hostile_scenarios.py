"""Hostile and careless scenario input is refused in one clear line, quickly, and within a small
memory: alias bombs, huge or non-UTF-8 files, infinite or absurd numbers, Python tags, and scenarios
changed after they were validated."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import time

import pytest
from helpers import BASE, scenario

from sim import load_scenario, replicate, run
from sim.errors import InputError
from sim.scenario import yamlread
from sim.scenario.loading import parse_scenario

VALID = textwrap.dedent("""\
    name: ok
    start_date: 2025-01-01
    days: 2
    fleet: [{type: Il-76MD, count: 2, base: UUMU}]
    requirements: [{from: UUMU, to: HLLB, tons: 100}]
""")


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def test_an_alias_bomb_is_refused_before_it_expands():
    # 9 levels of 9 aliases: 387 million strings if expanded; refused after ALIAS_BUDGET nodes.
    (problem,) = _problems(_bomb())
    assert "aliases expand to more than" in problem and problem.startswith("s.yaml:")


def test_a_few_aliases_are_fine():
    data, _ = yamlread.read_yaml("x: &x {a: 1}\ny: *x\nz: {<<: *x, b: 2}\n")
    assert data == {"x": {"a": 1}, "y": {"a": 1}, "z": {"a": 1, "b": 2}}


@pytest.mark.parametrize("text, expected", [
    ("a: !!python/object/apply:os.system [echo hi]\n", "is not allowed in a scenario"),
    ("a: [1, 2\n", "YAML syntax error"),
    ("a: 1\na: 2\n", "duplicate key 'a'"),
])
def test_tags_syntax_errors_and_duplicate_keys_are_one_line_each_with_a_position(text, expected):
    (problem,) = _problems(text)
    assert expected in problem and problem.startswith("s.yaml:") and problem.split(":")[1].isdigit()


def test_yaml_1_2_scalars():
    data, positions = yamlread.read_yaml("a: no\nb: 1e3\nc: '1'\nd: 0o17\ne: ~\nf: true\ng: 2024-12-08\n")
    assert data == {"a": "no", "b": 1000.0, "c": "1", "d": 15, "e": None, "f": True, "g": "2024-12-08"}
    assert positions[("g",)] == (7, 1)


def test_lists_and_files_beyond_the_limits_are_refused(monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_ITEMS", 3)
    assert "at most 3" in _problems("a: [1, 2, 3, 4]\n")[0]
    monkeypatch.setattr(yamlread, "MAX_BYTES", 10)
    assert "at most 10" in _problems("a: [1, 2, 3]\n")[0]


@pytest.mark.parametrize("change, field", [
    ("tons: 1e309", "requirements[0].tons"),
    ("tons: .inf", "requirements[0].tons"),
    ("tons: .nan", "requirements[0].tons"),
    ("tons: 2e7", "requirements[0].tons"),
])
def test_numbers_must_be_finite_and_sane(change, field):
    problems = _problems(VALID.replace("tons: 100", change))
    assert any(field in p for p in problems), problems


def test_a_fleet_no_machine_holds_is_refused():
    problems = _problems(VALID.replace("count: 2", "count: 1000000000"))
    assert any("fleet[0].count" in p and "5000" in p for p in problems), problems
    many = VALID.replace("fleet: [{type: Il-76MD, count: 2, base: UUMU}]",
                         "fleet: [" + ", ".join(["{type: Il-76MD, count: 4000, base: UUMU}"] * 2) + "]")
    assert any("8,000 aircraft in all" in p for p in _problems(many))


@pytest.mark.parametrize("raw, what", [(b"name: caf\xe9\n", "not UTF-8"), (b"\xff\xfe n\x00a\x00", "not UTF-8")])
def test_a_file_in_another_encoding_is_one_line_and_exit_2(tmp_path, raw, what):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert what in str(problem)
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_alias_bomb_through_the_command_is_one_line_exit_2_in_a_small_memory(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb())
    limit = 1 << 30  # 1 GB of address space is plenty for a refusal (the expansion needed 6 GB and more)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit * 2, limit * 2))

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                          preexec_fn=cap if os.name == "posix" else None, timeout=120)
    assert done.returncode == 2 and "aliases expand" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 120  # the timeout above; the refusal itself takes a second or two


def test_a_scenario_changed_after_loading_is_validated_again_by_run():
    valid = scenario()
    valid.requirements.append(valid.requirements[0].model_copy(update={"tons": -5.0}))
    with pytest.raises(InputError, match="requirements.1..tons"):
        run(valid)
    bypassed = scenario().model_copy(update={"days": 0})
    with pytest.raises(InputError, match="days"):
        run(bypassed)
    object.__setattr__(scenario_with_mog := scenario(), "airfields", {
        **scenario_with_mog.airfields, "ORIG": scenario_with_mog.airfields["ORIG"].model_copy(update={"mog": -1})})
    with pytest.raises(InputError, match="mog"):
        run(scenario_with_mog)


@pytest.mark.parametrize("replications", [0, -1, 1.5, True])
def test_replicate_refuses_a_count_that_is_not_a_whole_number_from_one(replications):
    with pytest.raises(ValueError, match="replications"):
        replicate(scenario(stochastic={"replications": 2}), replications)


def test_replicate_refuses_zero_workers():
    with pytest.raises(ValueError, match="workers"):
        replicate(scenario(), 1, workers=0)


def test_the_base_scenario_still_runs():
    assert run(scenario()).summary["delivered_t"] > 0 and BASE["name"] == "micro"
