"""The wizard's command-line options without a terminal: start-up cost, --save, --resume, --product."""

from __future__ import annotations

import json
import subprocess
import sys

from atmp_cli.cli import app
from atmp_cli.commands import classify as classify_command
from atmp_cli.session import Recorder, sessions_dir


def test_questionary_not_imported_for_non_interactive_classify():
    code = (
        "import sys; from typer.testing import CliRunner; from atmp_cli.cli import app; "
        "r = CliRunner().invoke(app, ['classify', '--example', 'car-t', '--format', 'json']); "
        "assert r.exit_code == 0, r.output; print(sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_terminal_message_comes_before_questionary(runner, monkeypatch):
    """Without a terminal the message is all there is: the wizard, questionary and prompt_toolkit are never
    imported (each made unimportable here), so no prompt can start and fail with 'Input is not a terminal'."""
    for name in ("atmp_cli.wizard", "questionary", "prompt_toolkit"):
        monkeypatch.setitem(sys.modules, name, None)  # `import name` now raises ImportError
    result = runner.invoke(app, ["classify"])
    assert result.exit_code == 2, result.exception
    assert "--answers FILE" in result.stderr and result.stdout == ""
    # the control: at a terminal, the same command reaches for the wizard and so meets the blocked import
    monkeypatch.setattr(classify_command, "interactive", lambda: True)
    at_terminal = runner.invoke(app, ["classify"])
    assert isinstance(at_terminal.exception, ImportError), at_terminal.exception


def test_save_with_example_writes_canonical_answers(runner, tmp_path, ruleset):
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["classify", "--example", "car-t", "--format", "json", "--save", str(target), "--product", "Renamed"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["product"] == "Renamed"
    assert json.loads(result.stdout)["product"] == "Renamed"
    assert list(document["answers"]) == [q.id for q in ruleset.questions if q.id in document["answers"]]
    assert document["answers"]["manipulations"] == ["cell_separation", "cryopreservation", "expansion", "genetic_modification", "activation"]
    again = runner.invoke(app, ["classify", "--answers", str(target), "--format", "json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["classification"] == json.loads(result.stdout)["classification"]


def test_incomplete_answers_without_terminal_still_lists_missing(runner, tmp_path):
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"answers": {"human_use": "yes"}}), encoding="utf-8")
    result = runner.invoke(app, ["classify", "--answers", str(path)])
    assert result.exit_code == 1
    assert "missing required answers" in result.stderr and "contains_cells" in result.stderr


def test_resume_without_session_is_usage_error(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(classify_command, "interactive", lambda: True)
    result = runner.invoke(app, ["classify", "--resume"])
    assert result.exit_code == 2
    assert "no saved wizard session" in result.stderr


def test_resume_cannot_combine_with_answers(runner):
    result = runner.invoke(app, ["classify", "--resume", "--example", "car-t"])
    assert result.exit_code == 2 and "--resume" in result.stderr


def test_session_is_saved_under_the_app_dir_with_an_answers_document(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = Recorder("eu")("P", {"human_use": "no"})
    assert path.parent == sessions_dir() and path.is_relative_to(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert {k: document[k] for k in ("product", "answers")} == {"product": "P", "answers": {"human_use": "no"}}
    # a complete saved session also reads as an --answers file (its 'session' key is ignored, with a warning)
    result = runner.invoke(app, ["classify", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["classification"]["code"] == "not-ATMP"
