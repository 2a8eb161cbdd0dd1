"""Speed benchmarks: `make bench` prints one `name=value` line per figure, with its goal (issue 28) beside
it after a `#`. Never part of `make test`, never asserted on: the machine's speed drifts.

Seconds are also given in *units*: the figure over `import_s`, the wall time of `python -c "import sim.cli"`
measured in the same run (median of 3), so figures from machines of different speeds can be compared.

In process:
engine_ratio            events/s of the model / events/s of a bare simpy loop with the same numbers of timeouts
                        and resource requests, same process (goal >= 0.67)
cpu_per_leg_ratio       CPU per leg of the model / CPU per leg of a bare simpy loop flying the same legs (each
                        aircraft a process: a working spot held for the turn, then the flight); model_us_per_leg
replication_cpu_ms      CPU (ms) of one replication of lose_hmeimim_sweep in process, as a pool worker runs it
sweep_efficiency        time of a 200-replication sweep with 1 worker / (2 x time with 2 workers), caches warm
                        (goal >= 0.9)
scaling_slope           log-log slope of run CPU time against sorties, 10 to 1000 aircraft over 90 days (<= 1.1)
horizon_slope           the same, 30 aircraft over 15 to 240 days (goal <= 1.1)
peak_mb_1000_aircraft   peak resident memory of the 1000-aircraft, 90-day run, MB (goal <= 300)
reach_report_s          wall time of `airlift report reach` from an empty route cache (information only)

From the command line, each in a new process, the route cache in a folder of the benchmark's own:
import_s                `python -c "import sim.cli"`: the unit
cold_run_ratio          warm `airlift run scenarios/lose_hmeimim.yaml` (route cache from an earlier process) in
                        units (goal <= 4)
first_run_s             the same run with an empty route cache (goal <= 3 s)
peer_shuttle_run_units  warm `airlift run bench/peer_shuttle.yaml` (the AFRL airlift-challenge peer's shuttle:
                        20 Il-76MD, 30 days, crews off, sequential refuel) in units (goal <= 2)
report_reach_s          `airlift report reach`, route cache warm (goal <= 10 s)
cold_sweep_efficiency   200 replications of lose_hmeimim_sweep, 1 worker / (2 x 2 workers) (goal >= 0.9)
replications_1000_s     1,000 replications of lose_hmeimim_sweep on 2 workers (goal <= 20 s, <= 45 units);
                        replications_per_s
uncertainty_500_s       `airlift uncertainty scenarios/lose_hmeimim_sweep.yaml --method lhs --samples 500
                        --replications 1 --workers 2` (500 samples + 79 swing and base points; goal <= 12 s,
                        <= 25 units); uncertainty_samples_per_s
dask_samples_per_s_N    the same study on a Dask LocalCluster of N worker processes (1, 2, 4), started
                        beforehand (its start not timed): samples per second

`python bench/bench.py --only NAME` prints one figure (see ONLY; replications_100_s and uncertainty_100_s are
quicker versions). `python bench/bench.py --compare REV --only NAME [--rounds 3]` measures NAME for a
`git archive` export of revision REV and for this tree, alternating round by round, and prints the median
wall figure and CPU seconds (this process's waited-for children) of each: a change's before/after in one
command.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

HERE = Path(__file__).resolve().parent
# The tree measured: this one, or (--compare) an export of another revision, handed over in this variable
ROOT = Path(os.environ.get("AIRLIFT_BENCH_ROOT") or HERE.parent)
sys.path.insert(0, str(ROOT))

from sim.experiments import replications as experiments  # noqa: E402
from sim.experiments.execution import executor, run_tasks  # noqa: E402
from sim.model.engine import HOURS_PER_DAY, AirliftModel  # noqa: E402
from sim.model.randomness import Randomness  # noqa: E402
from sim.model.records import SPOT_ACTIVITIES  # noqa: E402
from sim.scenario.compile import build_world  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402

FLEET_SIZES = (10, 30, 100, 300, 1000)
HORIZON_DAYS = (15, 30, 60, 120, 240)
PEER_SHUTTLE = HERE / "peer_shuttle.yaml"
SWEEP = "scenarios/lose_hmeimim_sweep.yaml"
DASK_WORKERS = (1, 2, 4)
# The goals of issue 28 (and earlier ones), printed beside each figure
GOALS = {"engine_ratio": ">= 0.67", "sweep_efficiency": ">= 0.9", "scaling_slope": "<= 1.1",
         "horizon_slope": "<= 1.1", "peak_mb_1000_aircraft": "<= 300 MB", "cold_run_ratio": "<= 4 units",
         "first_run_s": "<= 3 s", "peer_shuttle_run_units": "<= 2 units", "report_reach_s": "<= 10 s",
         "cold_sweep_efficiency": ">= 0.9", "replications_1000_s": "<= 20 s, <= 45 units",
         "uncertainty_500_s": "<= 12 s, <= 25 units",
         "replication_cpu_ms": "about 35 ms (what 1,000 replications in 20 s on 2 cores leave)"}
# Figures in seconds also shown in units of import_s
IN_UNITS = ("first_run_s", "report_reach_s", "replications_1000_s", "replications_100_s", "uncertainty_500_s",
            "uncertainty_100_s", "reach_report_s")


def shuttle(aircraft: int, days: int = 90) -> Scenario:
    """Benina -> al-Jufra (520 km), enough demand and spots that the fleet is the limit."""
    return Scenario.model_validate({
        "name": f"bench{aircraft}", "start_date": "2024-12-08", "days": days,
        "fleet": [{"type": "Il-76MD", "count": aircraft, "base": "HLLB"}],
        "airfields": {"HLLB": {"mog": aircraft, "fuel": True}, "HL69": {"mog": aircraft, "fuel": True}},
        "requirements": [{"from": "HLLB", "to": "HL69", "tons_per_day": 200.0 * aircraft}],
        "catalogue_fuel_stops": False,
    })


def timed_model(scenario: Scenario) -> tuple[float, int, int, int]:
    """(CPU seconds, events, resource requests, legs) of one run, the World built beforehand."""
    world = build_world(scenario)
    model = AirliftModel(world, Randomness(None))
    start = time.process_time()
    model.env.run(until=scenario.days * HOURS_PER_DAY)
    seconds = time.process_time() - start
    model.flush_records()
    env = model.env  # the kernel numbers every scheduled event (a revision before it, simpy's Environment)
    events = env.take_id() if hasattr(env, "take_id") else next(env._eid)
    requests = sum(1 for activity in model.records.ground["activity"] if activity in SPOT_ACTIVITIES)
    return seconds, events, requests, len(model.records.legs["aircraft"])


def bare_simpy(processes: int, requests: int, events: int) -> float:
    """Events per second of a plain simpy loop: the same requests, the rest as timeouts."""
    env = simpy.Environment()
    spots = simpy.Resource(env, capacity=max(1, processes // 2))
    per_process = max(1, requests // processes)
    timeouts = max(0, events - 3 * requests)  # a request, its grant and the release-side timeout count as ~3 events
    per_process_timeouts = max(1, timeouts // processes)

    def worker():
        for _ in range(per_process):
            with spots.request() as req:
                yield req
                yield env.timeout(1.0)
            for _ in range(per_process_timeouts // per_process):
                yield env.timeout(0.5)

    for _ in range(processes):
        env.process(worker())
    start = time.process_time()
    env.run()
    return next(env._eid) / (time.process_time() - start)


def bare_legs(aircraft: int, legs: int) -> float:
    """CPU seconds of a plain simpy loop flying ``legs`` legs: each aircraft a process that holds one of
    ``aircraft`` working spots for its turn, then flies."""
    env = simpy.Environment()
    spots = simpy.Resource(env, capacity=aircraft)

    def fly(count: int):
        for _ in range(count):
            with spots.request() as req:
                yield req
                yield env.timeout(3.25)
            yield env.timeout(1.2)

    for i in range(aircraft):
        env.process(fly(legs // aircraft + (1 if i < legs % aircraft else 0)))
    start = time.process_time()
    env.run()
    return time.process_time() - start


def engine_figures(aircraft: int = 100, days: int = 60) -> dict[str, float]:
    """engine_ratio, cpu_per_leg_ratio and model_us_per_leg from one shuttle run."""
    seconds, events, requests, legs = timed_model(shuttle(aircraft, days))
    return {"engine_ratio": events / seconds / bare_simpy(aircraft, requests, events),
            "cpu_per_leg_ratio": seconds / bare_legs(aircraft, legs),
            "model_us_per_leg": seconds / legs * 1e6}


def replication_cpu_ms(replications: int = 10, batches: int = 3) -> float:
    """CPU (ms) of one replication of lose_hmeimim_sweep in process, as a pool worker runs it (``run_task`` with
    the loaded heap frozen): the median over ``batches`` batches."""
    from sim.experiments.workers import freeze_heap

    data = load_scenario(ROOT / SWEEP).model_dump(mode="json", by_alias=True, exclude_none=True)
    experiments.run_task(experiments.Task(data, 0))  # warm the caches
    freeze_heap()
    per_batch = []
    for batch in range(batches):
        start = time.process_time()
        for r in range(replications):
            experiments.run_task(experiments.Task(data, 1 + batch * replications + r))
        per_batch.append((time.process_time() - start) / replications * 1000.0)
    return statistics.median(per_batch)


def sweep_efficiency(replications: int = 200) -> float:
    scenario = load_scenario(ROOT / SWEEP)
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    tasks = [experiments.Task(data, r) for r in range(replications)]
    experiments.run_task(tasks[0])  # warm the caches; forked workers inherit them, so both runs start warm
    times = {}
    for workers in (1, 2):
        start = time.perf_counter()
        with executor(workers) as pool:
            run_tasks(pool, experiments.run_task, tasks)
        times[workers] = time.perf_counter() - start
    return times[1] / (2 * times[2])


def scaling(scenarios: list[Scenario]) -> tuple[float, list[tuple[int, int, float]]]:
    """The log-log slope of CPU time against legs over these runs, and (days x aircraft, legs, seconds)."""
    timed_model(shuttle(5, 5))  # warm the caches (catalogue, routes) before timing
    points = []
    for scenario in scenarios:
        seconds, _, _, legs = timed_model(scenario)
        points.append((scenario.days * scenario.fleet[0].count, legs, seconds))
    slope = np.polyfit(np.log([p[1] for p in points]), np.log([p[2] for p in points]), 1)[0]
    return float(slope), points


def fleet_scaling() -> tuple[float, list[tuple[int, int, float]]]:
    return scaling([shuttle(n) for n in FLEET_SIZES])


def horizon_scaling() -> tuple[float, list[tuple[int, int, float]]]:
    return scaling([shuttle(30, days) for days in HORIZON_DAYS])


def peak_mb(aircraft: int = 1000) -> float:
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(HERE)!r});"
            f"import bench; bench.timed_model(bench.shuttle({aircraft}));"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "AIRLIFT_BENCH_ROOT": str(ROOT)})
    return int(done.stdout.strip().splitlines()[-1]) / 1024.0  # Linux reports KB


def _environment(cache_dir: str | Path) -> dict[str, str]:
    """The environment of a timed command: the tree measured, the route cache in ``cache_dir``, and Python's
    bytecode written and read as in an installed package (PYTHONDONTWRITEBYTECODE, set in some shells,
    would have every command compile the package's modules again: some 0.15 s of `import sim.cli` alone)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRLIFT_CACHE_DIR": str(cache_dir), "MPLBACKEND": "Agg"}
    for name in ("AIRLIFT_CACHE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def compiled() -> None:
    """The tree's modules compiled to bytecode (as pip leaves an installed package), before anything is timed."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sim")], check=True, capture_output=True,
                   env=_environment(ROOT))


def _wall(args: list[str], cache_dir: str | Path) -> float:
    """Wall time of one new process (``python ARGS``), with the route cache in ``cache_dir``."""
    env = _environment(cache_dir)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def _airlift(cache_dir: str | Path, *args: str) -> float:
    return _wall(["-m", "sim", *args], cache_dir)


def import_s(cache_dir: str | Path) -> float:
    """The unit: `python -c "import sim.cli"`, median of 3."""
    return statistics.median(_wall(["-c", "import sim.cli"], cache_dir) for _ in range(3))


def reach_report_s(cache_dir: str | Path | None = None) -> float:
    """`airlift report reach` in a new process (an empty route cache unless ``cache_dir`` is given)."""
    with tempfile.TemporaryDirectory() as tmp:
        return _airlift(cache_dir or Path(tmp) / "cache", "report", "reach", "--out", str(Path(tmp) / "reach"))


def first_run_s(cache_dir: Path, out: Path, scenario: str | Path = "scenarios/lose_hmeimim.yaml") -> float:
    """`airlift run SCENARIO` in a new process with the route cache in ``cache_dir``."""
    return _airlift(cache_dir, "run", str(scenario), "--force", "--out", str(out / "run"))


def warm_run_s(cache_dir: Path, out: Path, scenario: str | Path = "scenarios/lose_hmeimim.yaml") -> float:
    """The same run, the route cache filled by an earlier process: median of 3."""
    first_run_s(cache_dir, out, scenario)
    return statistics.median(first_run_s(cache_dir, out, scenario) for _ in range(3))


def _replications_wall(cache_dir: Path, out: Path, replications: int, workers: int) -> float:
    """Wall time of `airlift run` of lose_hmeimim_sweep with this many replications and workers."""
    return _airlift(cache_dir, "run", SWEEP, "--force", "--out", str(out / "reps"),
                    "--replications", str(replications), "--workers", str(workers))


def cold_sweep_efficiency(cache_dir: Path, out: Path, replications: int = 200) -> float:
    """Replications from the CLI, 1 worker / (2 x 2 workers), the route cache warm."""
    _replications_wall(cache_dir, out, 2, 1)  # warm the cache for this scenario
    one = _replications_wall(cache_dir, out, replications, 1)
    two = _replications_wall(cache_dir, out, replications, 2)
    return one / (2 * two)


def replications_s(cache_dir: Path, out: Path, replications: int = 1000) -> float:
    """Wall time of the replications from the CLI on 2 workers (the cache warmed first)."""
    _replications_wall(cache_dir, out, 2, 1)
    return _replications_wall(cache_dir, out, replications, 2)


def study_args(out: Path, samples: int) -> list[str]:
    """`airlift uncertainty` of lose_hmeimim_sweep: a Latin hypercube of ``samples`` points, one replication each."""
    return ["uncertainty", SWEEP, "--method", "lhs", "--samples", str(samples), "--replications", "1",
            "--force", "--out", str(out / "study")]


def uncertainty_s(cache_dir: Path, out: Path, samples: int = 500, workers: int = 2) -> float:
    """Wall time of the study on ``workers`` processes (the route cache warmed first)."""
    _replications_wall(cache_dir, out, 2, 1)
    return _airlift(cache_dir, *study_args(out, samples), "--workers", str(workers))


def dask_samples_per_s(cache_dir: Path, out: Path, samples: int = 500,
                       workers: tuple[int, ...] = DASK_WORKERS) -> dict[int, float]:
    """Samples per second of the study on a Dask LocalCluster of each number of worker processes."""
    from dask.distributed import LocalCluster

    os.environ["PYTHONPATH"] = str(ROOT)  # the workers import sim from the tree measured
    _replications_wall(cache_dir, out, 2, 1)
    rates = {}
    for n in workers:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            seconds = _airlift(cache_dir, *study_args(out, samples), "--dask", cluster.scheduler_address)
        rates[n] = samples / seconds
    return rates


def cli_figures(cache_dir: Path, out: Path, skip_report: bool, skip_dask: bool) -> dict[str, float]:
    """The command-line figures, import_s first (median of 3 where a run is short)."""
    compiled()
    figures = {"import_s": import_s(cache_dir)}
    figures["first_run_s"] = first_run_s(cache_dir, out)  # the cache folder is new: empty
    figures["cold_run_ratio"] = warm_run_s(cache_dir, out) / figures["import_s"]
    figures["peer_shuttle_run_units"] = warm_run_s(cache_dir, out, PEER_SHUTTLE) / figures["import_s"]
    if not skip_report:
        reach_report_s(cache_dir)  # fill the cache
        figures["report_reach_s"] = reach_report_s(cache_dir)
    figures["cold_sweep_efficiency"] = cold_sweep_efficiency(cache_dir, out)
    figures["replications_1000_s"] = replications_s(cache_dir, out)
    figures["replications_per_s"] = 1000 / figures["replications_1000_s"]
    figures["uncertainty_500_s"] = uncertainty_s(cache_dir, out)
    figures["uncertainty_samples_per_s"] = 500 / figures["uncertainty_500_s"]
    if not skip_dask:
        for n, rate in dask_samples_per_s(cache_dir, out).items():
            figures[f"dask_samples_per_s_{n}"] = rate
    return figures


def _in_temporary(figure: Callable[[Path, Path], float]) -> Callable[[], float]:
    """A command-line figure measured with a cache and results folder of its own."""
    def measure() -> float:
        compiled()
        with tempfile.TemporaryDirectory() as tmp:
            return figure(Path(tmp) / "cache", Path(tmp))
    return measure


def _units_of(run: Callable[[Path, Path], float]) -> Callable[[Path, Path], float]:
    return lambda cache, out: run(cache, out) / import_s(cache)


def _dask_only(workers: int) -> Callable[[Path, Path], float]:
    return lambda cache, out: dask_samples_per_s(cache, out, 500, (workers,))[workers]


ONLY: dict[str, Callable[[], float]] = {
    "engine_ratio": lambda: engine_figures()["engine_ratio"],
    "cpu_per_leg_ratio": lambda: engine_figures()["cpu_per_leg_ratio"],
    "replication_cpu_ms": replication_cpu_ms, "sweep_efficiency": sweep_efficiency, "scaling_slope": lambda: fleet_scaling()[0],
    "horizon_slope": lambda: horizon_scaling()[0], "peak_mb_1000_aircraft": peak_mb, "reach_report_s": reach_report_s,
    "import_s": _in_temporary(lambda cache, out: import_s(cache)),
    "first_run_s": _in_temporary(first_run_s),
    "warm_run_s": _in_temporary(warm_run_s),
    "cold_run_ratio": _in_temporary(_units_of(warm_run_s)),
    "peer_shuttle_run_s": _in_temporary(lambda cache, out: warm_run_s(cache, out, PEER_SHUTTLE)),
    "peer_shuttle_run_units": _in_temporary(_units_of(lambda cache, out: warm_run_s(cache, out, PEER_SHUTTLE))),
    "report_reach_s": _in_temporary(lambda cache, out: (reach_report_s(cache), reach_report_s(cache))[1]),
    "cold_sweep_efficiency": _in_temporary(cold_sweep_efficiency),
    "replications_100_s": _in_temporary(lambda cache, out: replications_s(cache, out, 100)),
    "replications_1000_s": _in_temporary(replications_s),
    "uncertainty_100_s": _in_temporary(lambda cache, out: uncertainty_s(cache, out, 100)),
    "uncertainty_500_s": _in_temporary(uncertainty_s),
    **{f"dask_samples_per_s_{n}": _in_temporary(_dask_only(n)) for n in DASK_WORKERS},
}


def line(name: str, value: float, unit_s: float | None = None) -> str:
    """``name=value``, then after ``#`` the value in units of import_s (for seconds) and the goal."""
    digits = 1 if name.startswith("peak_mb") else 2 if name.endswith(("_s", "_per_leg")) else 3
    notes = []
    if unit_s and name in IN_UNITS:
        notes.append(f"{value / unit_s:.1f} units")
    if name in GOALS:
        notes.append(f"goal {GOALS[name]}")
    return f"{name}={value:.{digits}f}" + (f"  # {'; '.join(notes)}" if notes else "")


def export(rev: str, folder: Path) -> Path:
    """The tree of revision ``rev`` (``git archive``) in ``folder``, its compiled core built if it has one (as
    ``make`` builds it: a revision is measured as its users run it)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    if (folder / "scripts" / "build_core.py").exists():
        subprocess.run([sys.executable, "scripts/build_core.py"], cwd=folder, check=True, capture_output=True)
    return folder


def core_status(root: Path) -> str:
    """Whether the tree ``root`` runs its compiled core (sim/_core.py), in a new process like the figures."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("AIRLIFT_PURE", None)
    done = subprocess.run([sys.executable, "-c", "from sim import _core; print(_core.status())"], cwd=root,
                          capture_output=True, text=True, env=env)
    return done.stdout.strip() or "pure (no compiled core in this revision)"


def measured(name: str, root: Path) -> tuple[float, float]:
    """(figure, CPU seconds of the processes it waited for) of ``bench.py --only NAME`` on the tree ``root``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--only", name], check=True,
                          capture_output=True, text=True, env={**os.environ, "AIRLIFT_BENCH_ROOT": str(root)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    value = float(done.stdout.strip().splitlines()[-1].split("=", 1)[1].split()[0])
    return value, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def compare(rev: str, name: str, rounds: int) -> None:
    """NAME for revision REV and for this tree, alternating which goes first; medians of the rounds."""
    with tempfile.TemporaryDirectory() as tmp:
        trees = {rev: export(rev, Path(tmp) / "before"), "tree": HERE.parent}
        found: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
        for round_ in range(rounds):
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for label in order:
                if round_ == 0:
                    print(f"{label}: core {core_status(trees[label])}", file=sys.stderr, flush=True)
                found[label].append(measured(name, trees[label]))
                print(f"round {round_ + 1} {label}: {name}={found[label][-1][0]:.3f} cpu_s={found[label][-1][1]:.2f}",
                      file=sys.stderr, flush=True)
    for label, values in found.items():
        print(f"{label}: {name}={statistics.median(v for v, _ in values):.3f}  "
              f"cpu_s={statistics.median(c for _, c in values):.2f}  "
              f"(rounds: {', '.join(f'{v:.3f}' for v, _ in values)})", flush=True)
    ratio = statistics.median(v for v, _ in found["tree"]) / statistics.median(v for v, _ in found[rev])
    print(f"tree/{rev}: {ratio:.3f}", flush=True)


def in_process(details: bool, skip_report: bool) -> None:
    for name, value in engine_figures().items():
        print(line(name, value), flush=True)
    print(line("replication_cpu_ms", replication_cpu_ms()), flush=True)
    print(line("sweep_efficiency", sweep_efficiency()), flush=True)
    for name, measure in (("scaling_slope", fleet_scaling), ("horizon_slope", horizon_scaling)):
        slope, points = measure()
        print(line(name, slope), flush=True)
        if details:
            print(json.dumps([{"aircraft_days": n, "legs": s, "cpu_s": round(t, 3)} for n, s, t in points]),
                  file=sys.stderr)
    print(line("peak_mb_1000_aircraft", peak_mb()), flush=True)
    if not skip_report:
        print(line("reach_report_s", reach_report_s()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-report", action="store_true", help="leave out reach_report_s and report_reach_s")
    parser.add_argument("--skip-dask", action="store_true", help="leave out the Dask figures")
    parser.add_argument("--cli-only", action="store_true", help="only the command-line figures")
    parser.add_argument("--details", action="store_true", help="also print the scaling points as JSON on stderr")
    parser.add_argument("--only", choices=sorted(ONLY), help="print this figure only")
    parser.add_argument("--compare", metavar="REV", help="with --only: the figure for revision REV and this tree")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare (default 3)")
    args = parser.parse_args()
    if args.compare:
        if not args.only:
            parser.error("--compare needs --only NAME")
        compare(args.compare, args.only, args.rounds)
        return
    if args.only:
        print(line(args.only, ONLY[args.only]()), flush=True)
        return
    print(f"# core: {core_status(ROOT)}", flush=True)
    if not args.cli_only:
        in_process(args.details, args.skip_report)
    with tempfile.TemporaryDirectory() as tmp:
        figures = cli_figures(Path(tmp) / "cache", Path(tmp), args.skip_report, args.skip_dask)
    for name, value in figures.items():
        print(line(name, value, figures["import_s"]), flush=True)


if __name__ == "__main__":
    main()
