"""Speed benchmarks: `make bench` prints one `name=value` line per figure. Never part of `make test`.

engine_ratio           events/s of the airlift model / events/s of a bare simpy loop with the same
                       numbers of timeouts and resource requests, same process (goal >= 0.67)
sweep_efficiency       time of a 200-replication sweep with 1 worker / (2 x time with 2 workers), caches warm
                       in both (goal >= 0.9)
scaling_slope          log-log slope of run time against sorties, 10 to 1000 aircraft over 90 days (goal <= 1.1)
peak_mb_1000_aircraft  peak resident memory of the 1000-aircraft run, MB (goal <= 300)
reach_report_s         wall time of `airlift report reach` (information only)

From the command line, each in a new process, the route cache in a folder of the benchmark's own:
cold_run_ratio         wall of `airlift run scenarios/lose_hmeimim.yaml` (route cache warm from an earlier
                       process) / wall of `python -c "import sim.cli"` (goal <= 4)
first_run_s            the same run with an empty route cache (goal <= 3)
report_reach_s         `airlift report reach`, route cache warm from an earlier process (goal <= 10); the
                       reach_report_s above starts from an empty cache
cold_sweep_efficiency  200 replications of lose_hmeimim_sweep from the CLI, 1 worker / (2 x 2 workers), cache
                       warm (goal >= 0.9)
replications_1000_s    1,000 replications of lose_hmeimim_sweep from the CLI on 2 workers (goal <= 20)

`python bench/bench.py --only NAME` prints one figure (see ONLY): the in-process ones, the command-line ones
each from a route cache of its own (replications_1000_s among them), or replications_100_s (the
1,000-replication command with 100, for quicker comparisons).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parents[1]
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
    """(seconds, events, resource requests, sorties) of one run, the World built beforehand."""
    world = build_world(scenario)
    model = AirliftModel(world, Randomness(None))
    start = time.perf_counter()
    model.env.run(until=scenario.days * HOURS_PER_DAY)
    seconds = time.perf_counter() - start
    model.flush_records()
    events = next(model.env._eid)  # simpy numbers every scheduled event
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
    start = time.perf_counter()
    env.run()
    return next(env._eid) / (time.perf_counter() - start)


def engine_ratio() -> float:
    seconds, events, requests, _ = timed_model(shuttle(100, 60))
    ours = events / seconds
    return ours / bare_simpy(100, requests, events)


def sweep_efficiency(replications: int = 200) -> float:
    scenario = load_scenario(ROOT / "scenarios" / "lose_hmeimim_sweep.yaml")
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


def scaling() -> tuple[float, list[tuple[int, int, float]]]:
    timed_model(shuttle(5, 5))  # warm the caches (catalogue, routes) before timing
    points = []
    for n in FLEET_SIZES:
        seconds, _, _, sorties = timed_model(shuttle(n))
        points.append((n, sorties, seconds))
    slope = np.polyfit(np.log([p[1] for p in points]), np.log([p[2] for p in points]), 1)[0]
    return float(slope), points


def peak_mb(aircraft: int = 1000) -> float:
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r});"
            f"import bench; bench.timed_model(bench.shuttle({aircraft}));"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024.0  # Linux reports KB


def _wall(args: list[str], cache_dir: str | Path) -> float:
    """Wall time of one new process (``python ARGS``), with the route cache in ``cache_dir``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRLIFT_CACHE_DIR": str(cache_dir), "MPLBACKEND": "Agg"}
    env.pop("AIRLIFT_CACHE", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def _airlift(cache_dir: str | Path, *args: str) -> float:
    return _wall(["-m", "sim", *args], cache_dir)


def reach_report_s(cache_dir: str | Path | None = None) -> float:
    """`airlift report reach` in a new process (an empty route cache unless ``cache_dir`` is given)."""
    with tempfile.TemporaryDirectory() as tmp:
        return _airlift(cache_dir or Path(tmp) / "cache", "report", "reach", "--out", str(Path(tmp) / "reach"))


def first_run_s(cache_dir: Path, out: Path) -> float:
    """`airlift run scenarios/lose_hmeimim.yaml` in a new process with the route cache in ``cache_dir``."""
    return _airlift(cache_dir, "run", "scenarios/lose_hmeimim.yaml", "--force", "--out", str(out / "run"))


def one_figure(name: str) -> float:
    """One figure on its own, each from an empty route cache of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp)
        if name == "first_run_s":
            return first_run_s(cache, out)
        if name == "report_reach_s":
            reach_report_s(cache)  # fill the cache
            return reach_report_s(cache)
        first_run_s(cache, out)  # cold_run_ratio: the cache warm from an earlier process
        warm = float(np.median([first_run_s(cache, out) for _ in range(3)]))
        return warm / float(np.median([_wall(["-c", "import sim.cli"], cache) for _ in range(3)]))


def cli_figures(cache_dir: Path, out: Path, skip_report: bool) -> dict[str, float]:
    """The command-line figures: cold_run_ratio, first_run_s, report_reach_s, cold_sweep_efficiency,
    replications_1000_s (median of 3 where a run is short)."""
    figures = {"first_run_s": first_run_s(cache_dir, out)}  # the cache folder is new: empty
    warm = float(np.median([first_run_s(cache_dir, out) for _ in range(3)]))
    imports = float(np.median([_wall(["-c", "import sim.cli"], cache_dir) for _ in range(3)]))
    figures["cold_run_ratio"] = warm / imports
    if not skip_report:
        reach_report_s(cache_dir)  # fill the cache
        figures["report_reach_s"] = reach_report_s(cache_dir)
    figures["cold_sweep_efficiency"] = cold_sweep_efficiency(cache_dir, out)
    figures["replications_1000_s"] = replications_s(cache_dir, out)
    return figures


def _replications_wall(cache_dir: Path, out: Path, replications: int, workers: int) -> float:
    """Wall time of `airlift run` of lose_hmeimim_sweep with this many replications and workers."""
    return _airlift(cache_dir, "run", "scenarios/lose_hmeimim_sweep.yaml", "--force", "--out", str(out / "reps"),
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


def _in_temporary(figure: Callable[[Path, Path], float]) -> Callable[[], float]:
    """A command-line figure measured with a cache and results folder of its own."""
    def measure() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            return figure(Path(tmp) / "cache", Path(tmp))
    return measure


ONLY = {"engine_ratio": engine_ratio, "sweep_efficiency": sweep_efficiency, "scaling_slope": lambda: scaling()[0],
        "peak_mb_1000_aircraft": peak_mb, "reach_report_s": reach_report_s,
        "cold_sweep_efficiency": _in_temporary(cold_sweep_efficiency),
        "replications_100_s": _in_temporary(lambda cache, out: replications_s(cache, out, 100)),
        "replications_1000_s": _in_temporary(replications_s),
        **{name: (lambda name=name: one_figure(name)) for name in ("first_run_s", "report_reach_s", "cold_run_ratio")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-report", action="store_true", help="leave out reach_report_s and report_reach_s")
    parser.add_argument("--cli-only", action="store_true", help="only the command-line figures")
    parser.add_argument("--details", action="store_true", help="also print the scaling points as JSON on stderr")
    parser.add_argument("--only", choices=sorted(ONLY), help="print this figure only")
    args = parser.parse_args()
    if args.only:
        print(f"{args.only}={ONLY[args.only]():.3f}", flush=True)
        return
    if args.cli_only:
        with tempfile.TemporaryDirectory() as tmp:
            figures = cli_figures(Path(tmp) / "cache", Path(tmp), args.skip_report)
        for name, value in figures.items():
            print(f"{name}={value:.3f}", flush=True)
        return
    print(f"engine_ratio={engine_ratio():.3f}", flush=True)
    print(f"sweep_efficiency={sweep_efficiency():.3f}", flush=True)
    slope, points = scaling()
    print(f"scaling_slope={slope:.3f}", flush=True)
    if args.details:
        print(json.dumps([{"aircraft": n, "sorties": s, "seconds": round(t, 3)} for n, s, t in points]), file=sys.stderr)
    print(f"peak_mb_1000_aircraft={peak_mb():.1f}", flush=True)
    if not args.skip_report:
        print(f"reach_report_s={reach_report_s():.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        figures = cli_figures(Path(tmp) / "cache", Path(tmp), args.skip_report)
    for name in ("cold_run_ratio", "first_run_s", "report_reach_s", "cold_sweep_efficiency", "replications_1000_s"):
        if name in figures:
            digits = 3 if name.endswith(("ratio", "efficiency")) else 2
            print(f"{name}={figures[name]:.{digits}f}", flush=True)


if __name__ == "__main__":
    main()
