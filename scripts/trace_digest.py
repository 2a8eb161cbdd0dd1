"""Run every shipped scenario through the `airlift` command and print a digest of its traces.

Used to show that a change which should not move any number (a refactor, a speed-up) does not:
run it before and after and compare the output. Stochastic scenarios run their own replications on 1 worker.

    python scripts/trace_digest.py [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

TRACE_FILES = ("sorties.csv", "ground.csv", "daily.csv", "replications.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the results folders here")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    scenarios = sorted((root / "scenarios").glob("*.yaml")) + sorted((root / "scenarios" / "validation").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        out_root = args.keep or Path(tmp)
        for path in scenarios:
            out = out_root / path.stem
            command = [sys.executable, "-m", "sim", "run", str(path), "--out", str(out), "--force",
                       "--workers", "1"]
            subprocess.run(command, check=True, capture_output=True)
            for name in TRACE_FILES:
                file = out / name
                if file.exists():
                    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
                    print(f"{path.stem:36s} {name:18s} {digest}", flush=True)


if __name__ == "__main__":
    main()
