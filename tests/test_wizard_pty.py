"""End to end: the installed `atmp classify` in a real pseudo-terminal, answered by keystrokes (pexpect).

The package is built and installed non-editable into a fresh virtualenv once per test session, so these
tests also catch packaging slips (the question bank missing from the wheel, a broken entry point).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest

from atmp_cli.answers import check_document
from atmp_cli.examples import load_example

DOWN = "\x1b[B"
ENTER = "\r"
PROGRESS = r"question \d+ of ~\d+"
REVIEW = "Review your answers"


@pytest.fixture(scope="session")
def atmp_bin(installed) -> Path:
    """`atmp` from the session's non-editable install of this checkout (conftest.installed)."""
    return installed / "atmp"


@pytest.fixture()
def env(tmp_path) -> dict[str, str]:
    """A terminal user's environment with a private application directory, and no CI variable."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="250")
    return env


def spawn(atmp_bin: Path, args: list[str], env: dict[str, str], cwd: Path) -> pexpect.spawn:
    return pexpect.spawn(str(atmp_bin), args, env=env, cwd=str(cwd), encoding="utf-8", dimensions=(60, 250), timeout=30)


class Driver:
    """Answers whatever question the wizard shows, from an answers dict, by the keys a user would press."""

    def __init__(self, ruleset, child: pexpect.spawn) -> None:
        self.ruleset = ruleset
        self.child = child
        self.given: dict[str, Any] = {}
        self.asked: list[str] = []
        self.prompts = [re.escape(q.prompt) for q in ruleset.questions]

    def next_prompt(self) -> str | None:
        """The id of the question now on screen, or None when the review is shown."""
        if self.child.expect([PROGRESS, REVIEW]) == 1:
            return None
        question = self.ruleset.questions[self.child.expect(self.prompts)]
        self.asked.append(question.id)
        return question.id

    def single_keys(self, qid: str, value: str) -> str:
        question = self.ruleset.question(qid)
        values = list(question.allowed) + ["<back>"]
        start = values.index(self.given[qid]) if qid in self.given else 0
        return DOWN * (values.index(value) - start) + ENTER

    def multi_keys(self, qid: str, wanted: list[str]) -> str:
        question = self.ruleset.question(qid)
        checked = set(self.given.get(qid, ()))
        keys = "".join((" " if (v in wanted) != (v in checked) else "") + DOWN for v in question.values)
        return keys + ENTER

    def answer(self, qid: str, value: Any) -> None:
        if self.ruleset.question(qid).kind == "multi":
            self.child.send(self.multi_keys(qid, value))
        else:
            self.child.send(self.single_keys(qid, value))
        self.given[qid] = value

    def back(self, qid: str) -> None:
        question = self.ruleset.question(qid)
        if question.kind == "multi":
            self.child.send(DOWN * len(question.values) + " " + ENTER)
        else:
            self.child.send(self.single_keys(qid, "<back>"))

    def run(self, answers: dict[str, Any], *, back_at: str | None = None, stop_at: str | None = None) -> str | None:
        """Answer until the review (returns None) or until `stop_at` is on screen (returns it)."""
        while (qid := self.next_prompt()) is not None:
            if qid == stop_at:
                return qid
            if qid == back_at:
                back_at = None
                self.back(qid)
                continue
            self.answer(qid, answers[qid])
        return None

    def accept_and_decline_exports(self, *, ask_answers: bool) -> str:
        """Accept the review, let the report print, say no to the save offers; the screen text."""
        self.child.send(ENTER)
        if ask_answers:
            self.child.expect("Save the answers")
            self.child.send("n")
        self.child.expect("Save the report")
        report = self.child.before
        self.child.send("n")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return report


def car_t(ruleset) -> dict[str, Any]:
    """The CAR-T example's answers, canonical (multi-selects in bank order) as the wizard writes them."""
    return check_document(ruleset, load_example(ruleset, "car-t")).answers


def test_wizard_classifies_car_t_by_keystrokes_with_one_back(atmp_bin, env, tmp_path, ruleset):
    child = spawn(atmp_bin, ["classify", "--save", "answers.json"], env, tmp_path)
    child.expect("Product name")
    child.send("CAR-T [bold]pty[/bold]" + ENTER)
    driver = Driver(ruleset, child)
    assert driver.run(car_t(ruleset), back_at="viable_cells") is None
    # went back once: cell_source was asked twice, then the walk went on
    assert driver.asked[:5] == ["human_use", "contains_cells", "cell_source", "viable_cells", "cell_source"]
    report = driver.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert "Gene therapy medicinal product" in report
    assert "[bold]pty[/bold]" in report  # the product name is printed as text, not as markup
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved == {"product": "CAR-T [bold]pty[/bold]", "answers": car_t(ruleset)}
    assert not (tmp_path / "config" / "atmp" / "session-eu.json").exists()  # finished: session removed


def test_ctrl_c_saves_and_resume_finishes_with_same_result(atmp_bin, env, tmp_path, ruleset):
    child = spawn(atmp_bin, ["classify", "--product", "CAR-T resumed"], env, tmp_path)
    driver = Driver(ruleset, child)
    assert driver.run(car_t(ruleset), stop_at="manipulations") == "manipulations"
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before
    session = tmp_path / "config" / "atmp" / "session-eu.json"
    saved = json.loads(session.read_text(encoding="utf-8"))
    assert saved["product"] == "CAR-T resumed"
    assert list(saved["answers"]) == driver.asked[:-1]  # everything answered before Ctrl-C, nothing more

    child = spawn(atmp_bin, ["classify", "--resume", "--save", "resumed.json"], env, tmp_path)
    resumed = Driver(ruleset, child)
    assert resumed.run(car_t(ruleset)) is None
    assert resumed.asked[0] == "manipulations"  # continues where it stopped
    report = resumed.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert "Gene therapy medicinal product" in report
    document = json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8"))
    assert document == {"product": "CAR-T resumed", "answers": car_t(ruleset)}
    assert not session.exists()


def test_incomplete_answers_file_asks_only_what_is_missing(atmp_bin, env, tmp_path, ruleset):
    answers = car_t(ruleset)
    partial = {k: v for k, v in answers.items() if k not in ("device_integral", "hospital_exemption")}
    (tmp_path / "partial.json").write_text(json.dumps({"product": "partial", "answers": partial}), encoding="utf-8")
    child = spawn(atmp_bin, ["classify", "--answers", "partial.json", "--format", "json"], env, tmp_path)
    driver = Driver(ruleset, child)
    assert driver.run(answers) is None
    assert driver.asked == ["device_integral", "hospital_exemption"]
    driver.accept_and_decline_exports(ask_answers=True)
    assert child.exitstatus == 0


def test_no_terminal_exits_2_at_once(atmp_bin, env):
    started = time.monotonic()
    done = subprocess.run([str(atmp_bin), "classify"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=20)
    assert done.returncode == 2
    assert time.monotonic() - started < 10
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--answers FILE" in lines[0]
    assert done.stdout == ""


def test_ci_variable_means_no_wizard_even_at_a_terminal(atmp_bin, env, tmp_path):
    child = spawn(atmp_bin, ["classify"], {**env, "CI": "true"}, tmp_path)
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    assert child.exitstatus == 2
    assert "--answers FILE" in child.before


def test_resume_without_saved_session_is_a_usage_error(atmp_bin, env, tmp_path):
    child = spawn(atmp_bin, ["classify", "--resume"], env, tmp_path)
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    assert child.exitstatus == 2
    assert "no saved wizard session" in child.before


def test_ctrl_c_before_any_answer_keeps_an_earlier_session(atmp_bin, env, tmp_path):
    session = tmp_path / "config" / "atmp" / "session-eu.json"
    session.parent.mkdir(parents=True)
    earlier = {"product": "earlier", "answers": {"human_use": "yes"}}
    session.write_text(json.dumps(earlier), encoding="utf-8")
    child = spawn(atmp_bin, ["classify"], env, tmp_path)
    child.expect("replacing the interrupted session")
    child.expect("Product name")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "nothing saved" in child.before
    assert json.loads(session.read_text(encoding="utf-8")) == earlier
