"""The documentation: a README that is a front page, and a site that builds with no warning (strict)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import ROOT


def test_the_readme_is_a_front_page_of_at_most_300_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 300


def test_every_page_of_the_site_navigation_exists():
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    missing = [p for p in pages(config["nav"]) if not (ROOT / "docs" / p).is_file()]
    assert missing == []


@pytest.mark.slow
def test_the_site_builds_strictly(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    cli = (tmp_path / "site" / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "airlift size" in cli and "--close-by" in cli  # generated from the typer app
    outputs = (tmp_path / "site" / "reference" / "outputs" / "index.html").read_text(encoding="utf-8")
    assert 'id="requirementrow"' in outputs and "closure_day_p10" in outputs  # generated from summary_types
