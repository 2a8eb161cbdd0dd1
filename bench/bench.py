"""Speed benchmarks: `make bench` prints one `name=value` line per figure. Never part of `make test`.

engine_ratio           events/s of the airlift model / events/s of a bare simpy loop with the same
                       numbers of timeouts and resource requests, same process (goal >= 0.67)
sweep_efficiency       time of a 200-replication sweep with 1 worker / (2 x time with 2 workers), caches warm
                       in both (goal >= 0.9)
scaling_slope          log-log slope of run time against sorties, 10 to 1000 aircraft over 90 days (goal <= 1.1)
peak_mb_1000_aircraft  peak resident memory of the 1000-aircraft run, MB (goal <= 300)
reach_report_s         wall time of `airlift report reach` (information only)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
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


def reach_report_s() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "report", "reach", "--out", str(Path(tmp) / "reach")],
                       check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-report", action="store_true", help="leave out reach_report_s (about a minute)")
    parser.add_argument("--details", action="store_true", help="also print the scaling points as JSON on stderr")
    args = parser.parse_args()
    print(f"engine_ratio={engine_ratio():.3f}", flush=True)
    print(f"sweep_efficiency={sweep_efficiency():.3f}", flush=True)
    slope, points = scaling()
    print(f"scaling_slope={slope:.3f}", flush=True)
    if args.details:
        print(json.dumps([{"aircraft": n, "sorties": s, "seconds": round(t, 3)} for n, s, t in points]), file=sys.stderr)
    print(f"peak_mb_1000_aircraft={peak_mb():.1f}", flush=True)
    if not args.skip_report:
        print(f"reach_report_s={reach_report_s():.1f}", flush=True)


if __name__ == "__main__":
    main()
