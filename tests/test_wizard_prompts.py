"""The questionary layer driven by keystrokes through prompt_toolkit's pipe input (no terminal needed)."""

from __future__ import annotations

import io
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from atmp_cli import walk, wizard
from atmp_cli.bank import UNSURE

DOWN = "\x1b[B"
ENTER = "\r"


def _ask(question, keys: str, default: Any = None, can_go_back: bool = True) -> Any:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return wizard.ask_question(question, default, can_go_back=can_go_back, input=pipe, output=DummyOutput())


def test_single_select_returns_option_value(ruleset):
    question = ruleset.question("nucleic_acid")
    assert _ask(question, ENTER) == "none"
    assert _ask(question, DOWN + ENTER) == "recombinant"


def test_single_select_starts_at_stored_answer(ruleset):
    assert _ask(ruleset.question("nucleic_acid"), ENTER, default="synthetic") == "synthetic"


def test_single_offers_unsure_only_where_the_bank_allows(ruleset):
    with_unsure = ruleset.question("genetic_purpose")  # yes, no, unsure
    assert _ask(with_unsure, DOWN * 2 + ENTER) == UNSURE
    without = ruleset.question("human_use")  # yes, no, (separator skipped) back
    assert _ask(without, DOWN * 2 + ENTER) == wizard.BACK


def test_single_back_and_help_choices(ruleset):
    question = ruleset.question("genetic_purpose")
    assert _ask(question, DOWN * 3 + ENTER) == wizard.BACK
    assert _ask(question, DOWN * 4 + ENTER) == wizard.HELP
    # no Back on the first question: the choice after unsure is Help
    assert _ask(question, DOWN * 3 + ENTER, can_go_back=False) == wizard.HELP


def test_checkbox_returns_values_in_bank_order(ruleset):
    question = ruleset.question("cell_source")
    # tick allogeneic then autologous: the answer is still in bank order
    assert _ask(question, DOWN + " " + "\x1b[A" + " " + ENTER) == ["autologous", "allogeneic"]


def test_checkbox_prechecks_stored_answer(ruleset):
    assert _ask(ruleset.question("cell_source"), ENTER, default=["xenogeneic"]) == ["xenogeneic"]


def test_checkbox_requires_one_choice_and_reasks(ruleset):
    # enter with nothing ticked is refused; the prompt stays until a valid answer
    assert _ask(ruleset.question("cell_source"), ENTER + " " + ENTER) == ["autologous"]


def test_checkbox_exclusive_option_cannot_be_combined(ruleset):
    question = ruleset.question("manipulations")  # "none" first and exclusive, "cutting" second
    # tick none and cutting: refused; untick none (up, space) and it goes through
    assert _ask(question, " " + DOWN + " " + ENTER + "\x1b[A" + " " + ENTER) == ["cutting"]
    validate = wizard.multi_validator(question)
    assert "cannot be combined" in validate(["none", "cutting"])
    assert validate(["cutting", "expansion"]) is True
    assert "at least one" in validate([])


def test_checkbox_back_and_help_are_ticked_alone(ruleset):
    question = ruleset.question("cell_source")  # three options, then back, help
    assert _ask(question, DOWN * 3 + " " + ENTER) == wizard.BACK
    assert _ask(question, DOWN * 4 + " " + ENTER) == wizard.HELP
    # back together with an option is refused; untick the option and it goes through
    assert _ask(question, " " + DOWN * 3 + " " + ENTER + "\x1b[A" * 3 + " " + ENTER) == wizard.BACK


def test_help_text_quotes_verbatim_texts_and_labels_paraphrases(ruleset):
    for question in ruleset.questions:
        text = wizard.help_text(ruleset, question).plain
        assert question.help.splitlines()[0] in text
        for text_id in question.definitions:
            legal = ruleset.texts[text_id]
            assert legal.citation in text
            if legal.presentation == "paraphrase":
                assert legal.paraphrase in text and f"“{legal.paraphrase}" not in text
                assert "paraphrase, not the wording of the law" in text
            else:
                assert f"“{legal.text}”" in text
                if legal.caveat:
                    assert f"({legal.caveat})" in text


def test_a_paraphrased_text_is_labelled(ruleset):
    paraphrased = [q for q in ruleset.questions if any(ruleset.texts[t].presentation == "paraphrase" for t in q.definitions)]
    assert paraphrased, "the bank has paraphrased texts behind some question"


def test_wizard_session_with_back_and_review_edit(ruleset, monkeypatch):
    """A whole session, one pipe per prompt: product, answers, one Back, an edit in the review, accept."""
    typed = iter([
        "Product X" + ENTER,  # product name
        ENTER,  # human_use: yes
        DOWN + ENTER,  # contains_cells: no
        DOWN * 3 + ENTER,  # nucleic_acid (none, recombinant, synthetic): Back
        ENTER,  # contains_cells again: the stored "no" is the default; keep it
        DOWN + ENTER,  # nucleic_acid: recombinant
        ENTER,  # genetic_purpose: yes
        ENTER,  # effect_from_sequence: yes
        DOWN + ENTER,  # infectious_disease_vaccine: no
        DOWN + " " + ENTER,  # intended_use: treat_prevent_diagnose
        ENTER,  # hospital_exemption: yes
        DOWN * 9 + ENTER,  # review (accept, back, 8 answers): edit the last, hospital_exemption
        DOWN + ENTER,  # hospital_exemption: no
        ENTER,  # review: accept
    ])
    import questionary

    def fed(factory):
        def prompt(*args: Any, **kwargs: Any) -> _Answered:
            with create_pipe_input() as pipe:
                pipe.send_text(next(typed))
                return _Answered(factory(*args, input=pipe, output=DummyOutput(), **kwargs).unsafe_ask())

        return prompt

    for name in ("select", "checkbox", "text"):
        monkeypatch.setattr(questionary, name, fed(getattr(questionary, name)))
    saved: list = []
    console = Console(file=io.StringIO(), width=120)
    w = wizard.Wizard.begin(ruleset, console, lambda product, answers: saved.append((product, answers)))
    product, answers = w.run()
    assert product == "Product X"
    assert answers == {
        "human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "yes",
        "effect_from_sequence": "yes", "infectious_disease_vaccine": "no", "intended_use": ["treat_prevent_diagnose"],
        "hospital_exemption": "no",
    }
    assert next(typed, None) is None  # every scripted keystroke was used
    assert saved[-1] == (product, answers)  # saved after every answer
    assert len(saved) >= 10
    shown = console.file.getvalue()
    assert "Origin · question 1 of ~" in shown and "Your answers" in shown


class _Answered:
    def __init__(self, value: Any) -> None:
        self.value = value

    def unsafe_ask(self) -> Any:
        return self.value


def test_progress_line_shows_section_and_estimate(ruleset):
    where = walk.progress(ruleset, walk.answer(ruleset, walk.start(ruleset), "human_use", "yes"))
    assert where.section == "Origin" and where.index == 2 and where.total >= where.index
