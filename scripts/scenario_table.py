"""Run every shipped scenario and print one row each: delivered tons, sorties, backlog and what binds.

Used to show what a change moves across the whole set: run it before and after, or once with
``--baseline`` pointing at an earlier results folder (one sub-folder per scenario holding summary.json,
and optionally the table.json this script writes, for the binding limit).

    python scripts/scenario_table.py [--out FOLDER] [--baseline FOLDER] [--only NAME,NAME]

Stochastic scenarios report the mean over their replications (run on 1 worker). The binding limit is
the one `airlift analytic` names, per requirement (joined with "; " when requirements differ).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scenarios(only: set[str] | None) -> list[Path]:
    """The shipped scenarios (scenarios/*.yaml and scenarios/validation/*.yaml), by name."""
    paths = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "validation").glob("*.yaml"))
    return [p for p in paths if only is None or p.stem in only]


def binding(path: Path) -> str:
    """What `airlift analytic` says binds, per requirement."""
    done = subprocess.run([sys.executable, "-m", "sim", "-q", "analytic", str(path), "--json"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return "?"
    names = [r.get("binding") or "-" for r in json.loads(done.stdout).get("requirements", [])]
    return "; ".join(dict.fromkeys(names)) or "-"


def run_one(path: Path, out: Path) -> dict[str, object]:
    """Run one scenario into ``out`` and read its row."""
    subprocess.run([sys.executable, "-m", "sim", "-q", "run", str(path), "--out", str(out), "--force",
                    "--workers", "1"], check=True, capture_output=True)
    summary = json.loads((out / "summary.json").read_text())
    return {"scenario": path.stem, "delivered_t": summary["delivered_t"], "sorties": summary["sorties"],
            "backlog_t": summary.get("backlog_t"), "binding": binding(path)}


def read_row(folder: Path, name: str) -> dict[str, object] | None:
    """A scenario's row from an earlier results folder (its table.json if written, else summary.json)."""
    table = folder / "table.json"
    if table.exists():
        for row in json.loads(table.read_text()):
            if row["scenario"] == name:
                return row
    summary = folder / name / "summary.json"
    if not summary.exists():
        return None
    s = json.loads(summary.read_text())
    return {"scenario": name, "delivered_t": s["delivered_t"], "sorties": s["sorties"],
            "backlog_t": s.get("backlog_t"), "binding": "-"}


def change(new: float, old: float) -> str:
    if not old:
        return "" if not new else "new"
    return f"{100.0 * (new / old - 1.0):+.1f} %"


def print_table(rows: list[dict[str, object]], baseline: Path | None) -> None:
    head = f"{'scenario':34s} {'delivered_t':>11s} {'sorties':>8s} {'backlog_t':>10s}  binding"
    if baseline is not None:
        head = (f"{'scenario':34s} {'before_t':>9s} {'after_t':>9s} {'change':>9s} {'sorties':>13s}  "
                f"binding (before -> after)")
    print(head)
    for row in rows:
        if baseline is None:
            print(f"{row['scenario']:34s} {row['delivered_t']:11.1f} {row['sorties']:8.1f} "
                  f"{row['backlog_t'] or 0:10.1f}  {row['binding']}")
            continue
        old = read_row(baseline, str(row["scenario"])) or {"delivered_t": 0.0, "sorties": 0.0, "binding": "-"}
        sorties = f"{old['sorties']:.1f}->{row['sorties']:.1f}"
        bind = row["binding"] if old["binding"] in ("-", row["binding"]) else f"{old['binding']} -> {row['binding']}"
        print(f"{row['scenario']:34s} {old['delivered_t']:9.1f} {row['delivered_t']:9.1f} "
              f"{change(float(row['delivered_t']), float(old['delivered_t'])):>9s} {sorties:>13s}  {bind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the results folders (and table.json) here")
    parser.add_argument("--baseline", type=Path, help="an earlier results folder to compare against")
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory() as tmp:
        out_root = args.out or Path(tmp)
        rows = [run_one(path, out_root / path.stem) for path in scenarios(only)]
        out_root.mkdir(parents=True, exist_ok=True)
        (out_root / "table.json").write_text(json.dumps(rows, indent=1))
        print_table(rows, args.baseline)


if __name__ == "__main__":
    main()
