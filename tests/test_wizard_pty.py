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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pyte
import pytest

from atmp_cli import walk
from atmp_cli.answers import CASE_KEYS, check_document
from atmp_cli.bank import UNSURE
from atmp_cli.examples import load_example
from atmp_cli.wizard import HELP_KEY, answer_label, case_entry

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_B = "\x02"
ESCAPE = "\x1b"
CTRL_U = "\x15"  # in a text prompt: clear the line


@dataclass(frozen=True)
class Words:
    """What a user sees of the wizard (patterns), in its language: how the tests find where it is."""

    progress: str = r"question \d+ of ~\d+"
    review: str = "Review your answers"
    ask_case: str = "Record the case details"
    ask_reasons: str = "Record a reason for each answer"
    reason: str = "Reason for this answer"
    yes: str = "Yes"
    no: str = "No"
    save_answers: str = "Save the answers"
    save_report: str = "Save the report"


ENGLISH = Words()
PROGRESS, REVIEW = ENGLISH.progress, ENGLISH.review


@pytest.fixture(scope="session")
def atmp_bin(installed) -> Path:
    """`atmp` from the session's non-editable install of this checkout (conftest.installed)."""
    return installed / "atmp"


@pytest.fixture()
def env(tmp_path) -> dict[str, str]:
    """A terminal user's environment with a private application directory, and no CI variable."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    return env


def spawn(atmp_bin: Path, args: list[str], env: dict[str, str], cwd: Path, rows: int = 60, cols: int = 250) -> pexpect.spawn:
    child = pexpect.spawn(str(atmp_bin), args, env={**env, "COLUMNS": str(cols)}, cwd=str(cwd), encoding="utf-8",
                          dimensions=(rows, cols), timeout=30)
    # pexpect sleeps 50 ms before each send and 100 ms on close by default; the expects do the waiting, and
    # finish() reaps the child before closing
    child.delaybeforesend = None
    child.ptyproc.delayafterclose = 0
    return child


def finish(child: pexpect.spawn, timeout: float = 30) -> pexpect.spawn:
    """Read to the end of the output, wait for the exit (its status in `child.exitstatus`), close."""
    child.expect(pexpect.EOF, timeout=timeout)
    child.wait()
    child.close()
    return child


class Driver:
    """Answers whatever question the wizard shows, from an answers dict, by the keys a user would press.

    It says no to the offers of the wizard's opening (the case details, a reason after each answer) unless
    given `reasons`: then the opening must be over, and it answers each reason prompt with the reason in
    that dict, or skips it (Enter on an empty line).
    """

    def __init__(self, ruleset, child: pexpect.spawn, *, reasons: dict[str, str] | None = None, words: Words = ENGLISH) -> None:
        self.ruleset = ruleset
        self.child = child
        self.given: dict[str, Any] = {}
        self.asked: list[str] = []
        self.prompts = [re.escape(q.prompt) for q in ruleset.questions]
        self.reasons = reasons
        self.words = words
        self.screens = [words.progress, words.review, words.ask_case, words.ask_reasons]

    def next_prompt(self) -> str | None:
        """The id of the question now on screen, or None when the review is shown."""
        while (shown := self.child.expect(self.screens)) >= 2:  # an offer of the opening: no
            assert self.reasons is None, "the opening is asked once, when the walk begins"
            self.child.send("n")
            self.child.expect(self.screens[shown] + r"[^\n]*" + self.words.no)  # left on screen, answered
        if shown == 1:
            return None
        question = self.ruleset.questions[self.child.expect(self.prompts)]
        self.asked.append(question.id)
        return question.id

    def single_keys(self, qid: str, value: str) -> str:
        """Down from where the cursor starts (the answer given before, else the safe default), then Enter."""
        question = self.ruleset.question(qid)
        values = list(question.allowed)
        start = values.index(self.given.get(qid) or question.safe_default or values[0])
        return DOWN * ((values.index(value) - start) % len(values)) + ENTER

    def multi_keys(self, qid: str, wanted: list[str] | str) -> str:
        """Space on each entry whose tick must change (the options, then Unsure where allowed), then Enter."""
        question = self.ruleset.question(qid)
        entries = list(question.values) + ([UNSURE] if question.unsure else [])
        ticks = lambda value: {value} if value == UNSURE else set(value or ())  # noqa: E731
        wanted_ticks, checked = ticks(wanted), ticks(self.given.get(qid))
        keys = "".join((" " if (v in wanted_ticks) != (v in checked) else "") + DOWN for v in entries)
        return keys + ENTER

    def answer(self, qid: str, value: Any) -> None:
        if self.ruleset.question(qid).kind == "multi":
            self.child.send(self.multi_keys(qid, value))
        else:
            self.child.send(self.single_keys(qid, value))
        self.given[qid] = value
        if self.reasons is not None:
            self.child.expect(self.words.reason)
            self.child.send(CTRL_U + self.reasons.get(qid, "") + ENTER)

    def run(self, answers: dict[str, Any], *, stop_at: str | None = None) -> str | None:
        """Answer until the review (returns None) or until `stop_at` is on screen (returns it)."""
        while (qid := self.next_prompt()) is not None:
            if qid == stop_at:
                return qid
            self.answer(qid, answers[qid])
        return None

    def accept_and_decline_exports(self, *, ask_answers: bool) -> str:
        """Accept the review, let the report print, say no to the save offers; the screen text."""
        self.child.send(ENTER)
        if ask_answers:
            self.child.expect(self.words.save_answers)
            self.child.send("n")
        self.child.expect(self.words.save_report)
        report = self.child.before
        self.child.send("n")
        finish(self.child)
        return report


# The optional questions the CAR-T example file leaves out (the patient's own cells): the wizard asks them.
CAR_T_OPTIONAL = {"blood_or_organ": "neither", "same_surgical_procedure": "no"}


def car_t_file(ruleset) -> dict[str, Any]:
    """The CAR-T example file's answers, canonical (multi-selects in bank order), as JSON reads them back."""
    return json.loads(json.dumps(check_document(ruleset, load_example(ruleset, "car-t")).answers))


def car_t(ruleset) -> dict[str, Any]:
    """The CAR-T answers as the wizard writes them: the file's and the optional ones it asks too, in bank order."""
    answers = {**car_t_file(ruleset), **CAR_T_OPTIONAL}
    return {q.id: answers[q.id] for q in ruleset.questions if q.id in answers}


def test_wizard_classifies_car_t_by_keystrokes_going_back_with_escape_and_with_ctrl_b(atmp_bin, env, tmp_path, ruleset):
    """Back with Escape alone (told apart from the arrow keys' sequences, which the driver sends throughout)
    and with Ctrl-B: the question before again, its answer ticked; then on to the report and the saved file."""
    child = spawn(atmp_bin, ["classify", "--save", "answers.json"], env, tmp_path)
    child.expect("Product name")
    child.send("CAR-T [bold]pty[/bold]" + ENTER)
    driver = Driver(ruleset, child)
    answers = car_t(ruleset)
    assert driver.run(answers, stop_at="blood_or_organ") == "blood_or_organ"
    for key in (ESCAPE, CTRL_B):
        child.send(key)
        assert driver.next_prompt() == "cell_source"  # back, its answer ticked: the driver sends no new ticks
        driver.answer("cell_source", answers["cell_source"])
        assert driver.next_prompt() == "blood_or_organ"
    driver.answer("blood_or_organ", answers["blood_or_organ"])
    assert driver.run(answers) is None
    # went back twice: cell_source asked three times, then the walk went on, every question once
    assert driver.asked[:8] == ["human_use", "contains_cells"] + ["cell_source", "blood_or_organ"] * 3
    assert driver.asked[8:] == list(answers)[4:]  # the optional questions too
    report = driver.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert "Gene therapy medicinal product" in report
    assert "[bold]pty[/bold]" in report  # the product name is printed as text, not as markup
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved == {"product": "CAR-T [bold]pty[/bold]", "answers": car_t(ruleset)}
    assert sessions_in(tmp_path) == []  # finished: its session removed


def sessions_in(tmp_path: Path) -> list[Path]:
    """The saved sessions in the test's application directory, oldest name first."""
    return sorted((tmp_path / "config" / "atmp" / "sessions").glob("*.json"))


def interrupt(child: pexpect.spawn) -> None:
    child.send("\x03")
    assert finish(child).exitstatus == 130
    assert "Traceback" not in child.before


def test_ctrl_c_saves_and_resume_finishes_with_same_result_and_the_first_runs_save(atmp_bin, env, tmp_path, ruleset):
    child = spawn(atmp_bin, ["classify", "--product", "CAR-T resumed", "--save", "resumed.json"], env, tmp_path)
    driver = Driver(ruleset, child)
    assert driver.run(car_t(ruleset), stop_at="manipulations") == "manipulations"
    interrupt(child)
    (path,) = sessions_in(tmp_path)
    assert path.stem.startswith("car-t-resumed-") and path.stem in child.before
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["product"] == "CAR-T resumed"
    assert list(saved["answers"]) == driver.asked[:-1]  # everything answered before Ctrl-C, nothing more

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    child = spawn(atmp_bin, ["classify", "--resume"], env, elsewhere)  # no --save: the first run's is kept
    resumed = Driver(ruleset, child)
    assert resumed.run(car_t(ruleset)) is None
    assert resumed.asked[0] == "manipulations"  # continues where it stopped
    report = resumed.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert "Gene therapy medicinal product" in report
    document = json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8"))
    assert document == {"product": "CAR-T resumed", "answers": car_t(ruleset)}
    assert sessions_in(tmp_path) == []


def test_a_second_wizard_leaves_the_first_resumable_and_resume_offers_a_list(atmp_bin, env, tmp_path, ruleset):
    answers = car_t(ruleset)
    first = spawn(atmp_bin, ["classify", "--product", "First"], env, tmp_path)
    assert Driver(ruleset, first).run(answers, stop_at="viable_cells") == "viable_cells"
    interrupt(first)
    (first_path,) = sessions_in(tmp_path)
    first_saved = first_path.read_bytes()

    second = spawn(atmp_bin, ["classify", "--product", "Second"], env, tmp_path)
    second.expect("1 interrupted session kept")
    assert Driver(ruleset, second).run(answers, stop_at="nucleic_acid") == "nucleic_acid"
    interrupt(second)
    paths = sessions_in(tmp_path)
    assert len(paths) == 2 and first_path in paths
    assert first_path.read_bytes() == first_saved  # untouched by the second walk

    # two sessions at a terminal: a list, the latest (Second) first; pick First
    child = spawn(atmp_bin, ["classify", "--resume"], env, tmp_path)
    child.expect("Continue which interrupted session")
    child.expect("Second")
    child.expect("First")  # drawn after Second, so below it
    child.send(DOWN + ENTER)
    resumed = Driver(ruleset, child)
    assert resumed.run(answers) is None
    assert resumed.asked[0] == "viable_cells"  # where First stopped
    resumed.accept_and_decline_exports(ask_answers=True)
    assert child.exitstatus == 0
    (left,) = sessions_in(tmp_path)
    assert left.stem.startswith("second-")  # First is done; Second is still kept


def test_incomplete_answers_file_asks_only_what_is_missing(atmp_bin, env, tmp_path, ruleset):
    """What is missing: a required answer, and the optional ones (a file may leave them out; the wizard asks)."""
    answers = car_t(ruleset)
    partial = {k: v for k, v in car_t_file(ruleset).items() if k not in ("device_integral", "hospital_exemption")}
    (tmp_path / "partial.json").write_text(json.dumps({"product": "partial", "answers": partial}), encoding="utf-8")
    child = spawn(atmp_bin, ["classify", "--answers", "partial.json", "--format", "json"], env, tmp_path)
    driver = Driver(ruleset, child)
    assert driver.run(answers) is None
    assert driver.asked == ["blood_or_organ", "same_surgical_procedure", "device_integral", "hospital_exemption"]
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
    child = finish(spawn(atmp_bin, ["classify"], {**env, "CI": "true"}, tmp_path), timeout=10)
    assert child.exitstatus == 2
    assert "--answers FILE" in child.before


def test_resume_without_saved_session_is_a_usage_error(atmp_bin, env, tmp_path):
    child = finish(spawn(atmp_bin, ["classify", "--resume"], env, tmp_path), timeout=10)
    assert child.exitstatus == 2
    assert "no saved wizard session" in child.before


def test_ctrl_c_before_any_answer_keeps_an_earlier_session(atmp_bin, env, tmp_path):
    """Including one saved by the previous version (`session-eu.json`), which is adopted among the others."""
    legacy = tmp_path / "config" / "atmp" / "session-eu.json"
    legacy.parent.mkdir(parents=True)
    earlier = {"product": "earlier", "answers": {"human_use": "yes"}}
    legacy.write_text(json.dumps(earlier), encoding="utf-8")
    child = spawn(atmp_bin, ["classify"], env, tmp_path)
    child.expect("1 interrupted session kept")
    child.expect("Product name")
    interrupt(child)
    assert "nothing saved" in child.before
    (kept,) = sessions_in(tmp_path)
    assert kept.stem.startswith("earlier-")
    document = json.loads(kept.read_text(encoding="utf-8"))
    assert {k: document[k] for k in ("product", "answers")} == earlier


# ---------------------------------------------------------------------------------------------- case and reasons


def open_with(child: pexpect.spawn, ruleset, case: dict[str, str] | None, reasons: bool, words: Words = ENGLISH) -> None:
    """The wizard's opening: the case details (each field typed, or Enter to skip it), and whether to give reasons."""
    child.expect(words.ask_case)
    child.send("y" if case is not None else "n")
    for key in CASE_KEYS if case is not None else ():
        child.expect(re.escape(ruleset.messages(f"case.{key}")) + r" \(")  # the field's prompt, with its keys
        child.send(case.get(key, "") + ENTER)
    child.expect(words.ask_reasons)
    child.send("y" if reasons else "n")
    child.expect(words.ask_reasons + r"[^\n]*" + (words.yes if reasons else words.no))  # left on screen, answered


def between(text: str, start: str, end: str) -> str:
    """The part of `text` from `start` to the next `end` after it."""
    begin = text.index(start)
    return text[begin:text.index(end, begin + len(start))]


CASE = {"reference": "CAT/2026/0042", "organisation": "Läkemedelsverket [bold]x[/bold]", "date": "2026-12-01",
        "indication": "Relapsed B-cell lymphoma"}


def test_the_case_and_a_reason_per_answer_are_recorded_saved_and_reported(atmp_bin, env, tmp_path, ruleset):
    """The opening records the case; a reason follows each answer (Enter skips it); Escape in a reason goes back
    to its question and keeps what was typed; --save and the report (summary and file) carry them, as typed."""
    child = spawn(atmp_bin, ["classify", "--save", "answers.json"], env, tmp_path)
    child.expect("Product name")
    child.send("CAR-T case" + ENTER)
    open_with(child, ruleset, CASE, reasons=True)
    reasons = {"human_use": "for patients", "nucleic_acid": "a lentiviral vector carries the CAR [i]transgene[/i]"}
    driver = Driver(ruleset, child, reasons=reasons)
    answers = car_t(ruleset)
    assert driver.run(answers, stop_at="cell_source") == "cell_source"
    child.send(driver.multi_keys("cell_source", answers["cell_source"]))
    driver.given["cell_source"] = answers["cell_source"]
    child.expect(ENGLISH.reason)
    child.send("the patient's own" + ESCAPE)  # back to the question, the reason as typed so far kept
    assert driver.next_prompt() == "cell_source"
    child.send(ENTER)  # its answer ticked as given
    child.expect(re.escape("Reason for this answer (Enter keeps it; Esc back):") + r"[^\n]*the patient's own")
    child.send(" T cells" + ENTER)
    reasons["cell_source"] = "the patient's own T cells"
    assert driver.run(answers) is None
    assert driver.asked.count("cell_source") == 2 and len(driver.asked) == len(answers) + 1
    child.send(ENTER)  # accept
    child.expect(ENGLISH.save_report)
    summary = child.before
    child.send("y")
    child.expect("Report file")
    child.send(CTRL_U + "report.md" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "CAT/2026/0042" in summary and "Läkemedelsverket [bold]x[/bold]" in summary  # the case, as text
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved == {"product": "CAR-T case", "answers": answers, "case": CASE,
                     "justifications": {qid: reasons[qid] for qid in answers if qid in reasons}}
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| **Reference** | CAT/2026/0042 |" in report and "| **Indication** | Relapsed B-cell lymphoma |" in report
    assert "Assessor" not in report  # skipped: not recorded
    order = list(answers)
    for qid, reason in reasons.items():  # each reason under its own answer in the decision path
        following = order[order.index(qid) + 1]
        assert "reason given:" in between(report, f"`{qid}`:", f"`{following}`:")
    assert "the patient's own T cells" in between(report, "`cell_source`:", "`viable_cells`:")
    assert "a lentiviral vector carries the CAR \\[i\\]transgene\\[/i\\]" in report  # escaped: text, not markup
    assert report.count("reason given:") == len(reasons)
    assert sessions_in(tmp_path) == []


def test_the_case_and_reasons_survive_an_interruption_and_resume_does_not_ask_the_opening_again(atmp_bin, env, tmp_path, ruleset):
    child = spawn(atmp_bin, ["classify", "--product", "CAR-T resumed", "--save", "resumed.json"], env, tmp_path)
    open_with(child, ruleset, {"reference": "CAT/2026/0043"}, reasons=True)
    first = {"human_use": "for patients", "cell_source": "autologous T cells"}
    driver = Driver(ruleset, child, reasons=first)
    answers = car_t(ruleset)
    assert driver.run(answers, stop_at="manipulations") == "manipulations"
    interrupt(child)
    (path,) = sessions_in(tmp_path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["case"] == {"reference": "CAT/2026/0043"} and saved["justifications"] == first
    assert saved["session"]["reasons"] is True

    child = spawn(atmp_bin, ["classify", "--resume"], env, tmp_path)
    child.expect("Reference: CAT/2026/0043")  # shown, not asked again
    resumed = Driver(ruleset, child, reasons={"manipulations": "transduced and expanded"})  # fails if the opening comes
    assert resumed.run(answers) is None
    assert resumed.asked[0] == "manipulations"
    report = resumed.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert "CAT/2026/0043" in report
    document = json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8"))
    assert document == {"product": "CAR-T resumed", "answers": answers, "case": {"reference": "CAT/2026/0043"},
                        "justifications": {**first, "manipulations": "transduced and expanded"}}
    assert sessions_in(tmp_path) == []


SWEDISH = Words(progress=r"fråga \d+ av ~\d+", review="Granska dina svar", ask_case="Vill du registrera uppgifter om ärendet",
                ask_reasons="Vill du ange en motivering", reason="Motivering till svaret", yes="Ja", no="Nej",
                save_answers="Spara svaren", save_report="Spara rapporten")


def test_a_swedish_walk_speaks_swedish_from_the_first_prompt_to_the_report(atmp_bin, env, tmp_path):
    """--lang sv: the ruleset's texts (prompts, options) and the wizard's own words, its keys (j for ja), and the report."""
    from atmp_cli import bank

    swedish = bank.load("eu", "sv")
    child = spawn(atmp_bin, ["classify", "--lang", "sv", "--save", "svar.json"], env, tmp_path)
    child.expect("Produktens namn")
    child.send("CAR-T på svenska" + ENTER)
    child.expect(SWEDISH.ask_case)
    child.send("j")
    child.expect(re.escape(swedish.messages("case.reference")) + r" \(Enter hoppar över\)")
    child.send("LV 2026-0042" + ENTER + ENTER * (len(CASE_KEYS) - 1))
    child.expect(SWEDISH.ask_reasons)
    child.send("j")
    child.expect(SWEDISH.ask_reasons + r"[^\n]*Ja")
    driver = Driver(swedish, child, reasons={"nucleic_acid": "en lentiviral vektor bär CAR-genen"}, words=SWEDISH)
    question = driver.next_prompt()
    child.expect(re.escape("(↑↓ flyttar, Enter svarar; j/n; ? hjälp)"))  # the first question's keys, in Swedish
    answers = car_t(swedish)
    driver.answer(question, answers[question])
    assert driver.run(answers) is None
    screen = driver.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 0
    assert swedish.labels["GTMP"] in screen and "LV 2026-0042" in screen
    for english in ("question", "Review your answers", "Reason for this answer", "Product:", "Unsure"):
        assert english not in screen
    saved = json.loads((tmp_path / "svar.json").read_text(encoding="utf-8"))
    assert saved["answers"] == answers and saved["case"] == {"reference": "LV 2026-0042"}
    assert saved["justifications"] == {"nucleic_acid": "en lentiviral vektor bär CAR-genen"}


# ---------------------------------------------------------------------------------------------- keys


def answers_file(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def test_enter_on_every_question_records_no_risky_answer(atmp_bin, env, tmp_path, ruleset):
    """From a fresh start, Enter everywhere: the cursor starts on the safe default of every single question;
    a multi-select has nothing ticked and refuses a bare Enter, so there the option under the cursor is ticked."""
    child = spawn(atmp_bin, ["classify", "--product", "Defaults", "--save", "answers.json"], env, tmp_path)
    driver = Driver(ruleset, child)
    while (qid := driver.next_prompt()) is not None:
        child.send(ENTER)
        question = ruleset.question(qid)
        if question.kind == "multi":
            # Refused: the question stays (its message is drawn in a toolbar, which needs CPR, off here). So the
            # help key now shows this question's help, not the next one's, and returns to it.
            child.send(HELP_KEY)
            child.expect(re.escape(question.help.splitlines()[0][:40]))
            child.expect(re.escape(question.prompt))
            child.send(" " + ENTER)
    driver.accept_and_decline_exports(ask_answers=False)
    assert child.exitstatus == 3  # undetermined: the unsure defaults leave the outcome open
    saved = answers_file(tmp_path / "answers.json")
    assert saved["infectious_disease_vaccine"] == "no"
    assert saved["device_integral"] == "no"
    assert saved["hospital_exemption"] == "no"
    for qid, value in saved.items():
        question = ruleset.question(qid)
        expected = question.safe_default or question.values[0]
        assert value == ([expected] if question.kind == "multi" else expected), qid


def test_help_key_returns_to_the_question_with_ticks_and_cursor_kept(atmp_bin, env, tmp_path, ruleset):
    child = spawn(atmp_bin, ["classify", "--product", "Help"], env, tmp_path)
    driver = Driver(ruleset, child)
    assert driver.run(car_t(ruleset), stop_at="cell_source") == "cell_source"
    question = ruleset.question("cell_source")
    child.send(" " + DOWN)  # tick autologous, move to allogeneic
    child.send(HELP_KEY)
    child.expect(re.escape(ruleset.texts[question.definitions[0]].citation))  # the help and the law behind it
    child.expect(re.escape(question.prompt))  # the same question again
    child.send(" " + ENTER)  # the cursor is still on allogeneic and autologous still ticked
    assert driver.next_prompt() == "blood_or_organ"  # help is not an answer: one answer, and the walk goes on
    (saved,) = sessions_in(tmp_path)  # saved after every answer
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"]["cell_source"] == ["autologous", "allogeneic"]
    interrupt(child)


# ---------------------------------------------------------------------------------------------- the screen


class Screen:
    """What a terminal of the child's size shows (pyte emulates it): for layout, not for finding prompts."""

    def __init__(self, child: pexpect.spawn, rows: int, cols: int) -> None:
        self.child = child
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        """The screen as one line: folded text joins up again, since it is only ever broken at spaces."""
        return " ".join(line.strip() for line in self.lines() if line.strip())

    def wait_for(self, wanted: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while wanted not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted!r} not on screen:\n" + "\n".join(self.lines()))
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.2))
            except pexpect.TIMEOUT:
                pass
        return self.text()

    def settle(self, quiet: float = 0.3) -> str:
        """Read until the child has drawn everything (no output for `quiet` seconds)."""
        while True:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=quiet))
            except pexpect.TIMEOUT:
                return self.text()


def test_at_80_columns_labels_wrap_whole_and_the_review_scrolls_showing_every_answer_whole(atmp_bin, env, tmp_path, ruleset):
    rows, cols = 24, 80
    child = spawn(atmp_bin, ["classify", "--product", "Narrow"], env, tmp_path, rows, cols)
    screen = Screen(child, rows, cols)
    state = walk.start(ruleset)
    long_label = ruleset.question("intended_use").option("modify_physiological_functions").label
    assert len(long_label) > cols
    for offer in (ENGLISH.ask_case, ENGLISH.ask_reasons):  # the opening: no, no
        screen.wait_for(offer)
        child.send(ENTER)
    index = 0
    while (question := walk.next_question(ruleset, state)) is not None:  # Enter everywhere, as a user might
        index += 1
        screen.wait_for(f"question {index} of")
        screen.wait_for(question.prompt.split()[-1])  # the prompt is drawn, folded
        if question.id == "intended_use":
            for option in question.options:
                screen.wait_for(option.label)  # wrapped, not cut at the edge
        default = walk.default_for(ruleset, state, question.id)
        value = [question.values[0]] if question.kind == "multi" else default or question.values[0]
        child.send(" " + ENTER if question.kind == "multi" else ENTER)
        state = walk.answer(ruleset, state, question.id, value)
    screen.wait_for("Review your answers")
    entries = [f"{ruleset.section_title(ruleset.question(qid).section)} · {ruleset.question(qid).prompt} → "
               f"{answer_label(ruleset.messages, ruleset.question(qid), value)}" for qid, value in state.answers]
    seen = screen.settle()
    assert "Accept and classify" in seen and entries[-1] not in seen  # more than a screen: it scrolls
    # Down from Accept: Back, each answer, the case details (the separators are skipped), then round to Accept
    # again. Each entry the cursor lands on is on screen whole, and the list scrolls under its title.
    m = ruleset.messages
    for entry in [m("wizard.back"), *entries, case_entry(ruleset, state), m("wizard.accept")]:
        child.send(DOWN)
        screen.wait_for(f"» {entry}")
        assert "Review your answers" in screen.lines()[0]
    child.send("\x03")
    assert finish(child).exitstatus == 130
