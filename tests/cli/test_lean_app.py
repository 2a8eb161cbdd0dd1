"""The command builds only the subcommand it runs (Typer builds every command's Click command at each call):
the same commands, options, messages and exit codes as the whole app."""

from __future__ import annotations

from typer.testing import CliRunner

from sim.cli import app, lean


def test_a_named_command_is_the_only_one_built_and_keeps_the_global_options():
    only = lean(app, ["-q", "run", "scenarios/lose_hmeimim.yaml"], {})
    assert [c.callback.__name__ for c in only.registered_commands] == ["run_command"]
    assert only.registered_callback is app.registered_callback and only.registered_groups == []
    assert len(app.registered_commands) > 10 and app.registered_groups  # the app itself unchanged


def test_groups_help_misspellings_and_completion_get_the_whole_app():
    for args in (["cache", "info"], ["report", "reach"], ["run", "--help"], ["--help"], ["rnu"], []):
        assert lean(app, args, {}) is app, args
    assert lean(app, ["run", "x.yaml"], {"_AIRLIFT_COMPLETE": "complete_bash"}) is app


def test_the_lean_app_answers_a_misuse_as_the_whole_app_does(tmp_path):
    runner = CliRunner()
    for args in (["run"], ["run", str(tmp_path / "missing.yaml")], ["validate", "--bogus"]):
        whole = runner.invoke(app, args)
        alone = runner.invoke(lean(app, args, {}), args)
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), args
        assert whole.exit_code == 2
