"""`--help` as users read it: plain text pinned by snapshots, free of typer's artefacts, exit codes once."""

from __future__ import annotations

import pytest

from atmp_cli.cli import app
from reporting import assert_snapshot

COMMANDS = ("batch", "classify", "definitions", "template", "schema")


def help_text(runner, command: str) -> str:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_matches_its_snapshot(runner, command):
    assert_snapshot(f"help-{command}.txt", help_text(runner, command))


@pytest.mark.parametrize("command", COMMANDS + ("examples", "explain", "questions", "tree"))
def test_help_has_no_framework_artefacts(runner, command):
    text = help_text(runner, command)
    assert "<list[" not in text and "<str>" not in text and "[[" not in text and "{" not in text.splitlines()[0]
    assert text.count("Exit code") <= 1


def test_arguments_read_as_their_metavar(runner):
    assert "Usage: atmp batch [OPTIONS] PATH...\n" in help_text(runner, "batch")
    assert "\n  PATH...  Answers files" in help_text(runner, "batch")
    assert "Usage: atmp definitions [OPTIONS] [ID]...\n" in help_text(runner, "definitions")


def test_classify_help_shows_the_answers_file_in_one_line(runner):
    text = help_text(runner, "classify")
    (line,) = [line for line in text.splitlines() if line.strip().startswith("Answers file:")]
    assert '"answers": {' in line and line.rstrip().endswith("}}") and len(line) <= 80
    assert "atmp template" in text and "atmp schema" in text


def test_batch_help_lists_its_own_exit_codes(runner):
    text = help_text(runner, "batch")
    assert "some records undetermined, none invalid" in text and "130" not in text
