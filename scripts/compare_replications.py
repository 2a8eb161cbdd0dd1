"""Do two versions of the model agree in distribution? (issue 28's rule for engine changes)

For every stochastic shipped scenario (a ``stochastic:`` block), N replications (default 200) on each
side, and for each figure of replications.csv (delivered_t, sorties, flight_h, ...): the means must lie
within two standard errors of their difference, and a two-sample Kolmogorov-Smirnov test
(scipy.stats.ks_2samp) must not reject at 1 %. Prints one row per scenario and figure; exit 1 if any fails.

A side is a git revision (its tree is exported with ``git archive`` into a temporary folder, its compiled
core built where it has one, and run there: nothing in this checkout changes) or a folder of results
holding ``<scenario>/replications.csv`` (as ``--keep`` leaves them):

    python scripts/compare_replications.py main HEAD
    python scripts/compare_replications.py HEAD~3 HEAD --replications 500 --workers 2 --scenarios tobruk_hub
    python scripts/compare_replications.py results/before results/after
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"replication", "seed"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", help="git revision or results folder (before)")
    parser.add_argument("b", help="git revision or results folder (after)")
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", nargs="*", help="scenario names (default: every stochastic shipped one)")
    parser.add_argument("--keep", type=Path, help="keep each side's results here (<keep>/a, <keep>/b)")
    args = parser.parse_args()
    names = args.scenarios or stochastic_scenarios(ROOT / "scenarios")
    with tempfile.TemporaryDirectory(prefix="compare-replications-") as tmp:
        sides = []
        for label, side in (("a", args.a), ("b", args.b)):
            out = (args.keep / label) if args.keep else Path(tmp) / label
            sides.append(results_of(side, names, args.replications, args.workers, out, Path(tmp) / f"src-{label}"))
        rows = [row for name in names for row in compare(name, sides[0] / name, sides[1] / name)]
    print_table(rows, args.a, args.b)
    failed = [r for r in rows if not r["ok"]]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} figures agree (means within 2 SE, KS p >= 0.01)")
    sys.exit(1 if failed else 0)


def stochastic_scenarios(folder: Path) -> list[str]:
    """Names (file stems) of the shipped scenarios with a top-level ``stochastic:`` block."""
    return [p.stem for p in sorted(folder.glob("*.yaml"))
            if any(line.startswith("stochastic:") for line in p.read_text(encoding="utf-8").splitlines())]


def results_of(side: str, names: list[str], replications: int, workers: int, out: Path, src: Path) -> Path:
    """A folder holding <name>/replications.csv for every scenario: ``side`` itself when it is one, else
    the runs of git revision ``side``."""
    if Path(side).is_dir():
        return Path(side)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", side], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    if (src / "scripts" / "build_core.py").exists():  # run the revision as make runs it: its core compiled
        print(f"{side}: building its compiled core ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "scripts/build_core.py"], cwd=src, check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "PYTHONPATH": str(src), "MPLBACKEND": "Agg"}
    env.pop("AIRLIFT_PURE", None)
    for name in names:
        print(f"{side}: {name}, {replications} replications ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "sim", "run", str(src / "scenarios" / f"{name}.yaml"), "--replications",
                        str(replications), "--workers", str(workers), "--traces", "0", "--out", str(out / name),
                        "--force"], cwd=src, env=env, check=True, stdout=subprocess.DEVNULL)
    return out


def read_columns(path: Path) -> dict[str, list[float]]:
    """The numeric whole-run figures of replications.csv (per-requirement columns left out)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    columns: dict[str, list[float]] = {}
    for key in (rows[0] if rows else {}):
        if key in SKIP or ": " in key:
            continue
        try:
            columns[key] = [float(r[key]) if r[key] not in ("", None) else math.nan for r in rows]
        except ValueError:
            continue
    return columns


def compare(name: str, a: Path, b: Path) -> list[dict[str, object]]:
    """One row per figure both sides have."""
    from scipy.stats import ks_2samp

    left, right = read_columns(a / "replications.csv"), read_columns(b / "replications.csv")
    rows = []
    for figure in [k for k in left if k in right]:
        x = [v for v in left[figure] if not math.isnan(v)]
        y = [v for v in right[figure] if not math.isnan(v)]
        if len(x) < 2 or len(y) < 2:
            continue
        mean_x, mean_y = sum(x) / len(x), sum(y) / len(y)
        se = math.sqrt(_var(x) / len(x) + _var(y) / len(y))
        diff = mean_y - mean_x
        within = abs(diff) <= 2 * se if se > 0 else diff == 0
        p = 1.0 if x == y or (se == 0 and diff == 0) else float(ks_2samp(x, y).pvalue)
        rows.append({"scenario": name, "figure": figure, "mean_a": mean_x, "mean_b": mean_y, "diff": diff,
                     "se": se, "ks_p": p, "ok": within and p >= 0.01})
    return rows


def _var(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def print_table(rows: list[dict[str, object]], a: str, b: str) -> None:
    print(f"{'scenario':28s} {'figure':24s} {'mean ' + a:>14s} {'mean ' + b:>14s} {'diff':>10s} {'2 SE':>10s} "
          f"{'KS p':>7s}  verdict")
    for r in rows:
        print(f"{r['scenario']:28s} {r['figure']:24s} {r['mean_a']:14,.2f} {r['mean_b']:14,.2f} {r['diff']:10,.2f} "
              f"{2 * r['se']:10,.2f} {r['ks_p']:7.3f}  {'agree' if r['ok'] else 'DIFFER'}")


if __name__ == "__main__":
    main()
