"""The questionary layer driven by keystrokes through prompt_toolkit's pipe input (no terminal needed)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from reporting import caveat
from atmp_cli import wording
from atmp_cli.document import legal_block
from atmp_cli.render.text import legal_text
from atmp_cli import bank, messages, walk, wizard
from atmp_cli.bank import UNSURE

DOWN = "\x1b[B"
ENTER = "\r"


UP = "\x1b[A"
CTRL_B = "\x02"


M = bank.load("eu").messages


def _ask(question, keys: str, default: Any = None, can_go_back: bool = True, pointer: Any = None) -> Any:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return wizard.ask_question(M, question, default, pointer=pointer, can_go_back=can_go_back, input=pipe, output=DummyOutput())


def test_single_select_returns_option_value(ruleset):
    question = ruleset.question("nucleic_acid")
    assert _ask(question, ENTER) == "none"
    assert _ask(question, DOWN + ENTER) == "recombinant"


def test_single_select_starts_at_stored_answer(ruleset):
    assert _ask(ruleset.question("nucleic_acid"), ENTER, default="synthetic") == "synthetic"


def test_single_offers_unsure_only_where_the_bank_allows_and_has_no_menu_entries_for_keys(ruleset):
    with_unsure = ruleset.question("genetic_purpose")  # yes, no, unsure; the cursor wraps to the first
    assert _ask(with_unsure, DOWN * 2 + ENTER) == UNSURE
    assert _ask(with_unsure, DOWN * 3 + ENTER) == "yes"
    without = ruleset.question("human_use")  # yes, no
    assert _ask(without, DOWN * 2 + ENTER) == "yes"


def test_help_and_back_keys_in_a_single_select(ruleset):
    question = ruleset.question("genetic_purpose")
    assert _ask(question, "?") == wizard.Move(wizard.HELP, "yes")
    assert _ask(question, DOWN + "?") == wizard.Move(wizard.HELP, "no")  # the highlighted value comes back
    assert _ask(question, CTRL_B) == wizard.Move(wizard.BACK, "yes")
    assert _ask(question, "\x1b") == wizard.Move(wizard.BACK, "yes")  # Escape alone, after ESCAPE_WAIT
    # no going back from the first question: the keys do nothing, Enter still answers
    assert _ask(question, CTRL_B + "\x1b" + DOWN + ENTER, can_go_back=False) == "no"


def test_letter_shortcuts_move_to_yes_no_unsure(ruleset):
    question = ruleset.question("genetic_purpose")
    assert _ask(question, "n" + ENTER) == "no"
    assert _ask(question, "u" + ENTER) == UNSURE
    assert _ask(question, "u" + "y" + ENTER) == "yes"
    assert wizard.shortcuts(M, question) == {"y": "yes", "n": "no", "u": UNSURE}
    assert wizard.shortcuts(M, ruleset.question("human_use")) == {"y": "yes", "n": "no"}
    assert wizard.shortcuts(M, ruleset.question("nucleic_acid")) == {}  # none, recombinant, natural, synthetic: no letters
    assert _ask(ruleset.question("nucleic_acid"), "n" + ENTER) == "none"  # 'n' is not bound here: cursor stays
    assert wizard.shortcuts(M, ruleset.question("cell_source")) == {}


def test_instruction_line_names_every_key_that_works(ruleset):
    single = wizard.instruction(M, ruleset.question("genetic_purpose"), can_go_back=True)
    assert single == "(↑↓ move, Enter answers; y/n/u; ? help; Esc or Ctrl-B back)"
    assert "Esc" not in wizard.instruction(M, ruleset.question("human_use"), can_go_back=False)
    multi = wizard.instruction(M, ruleset.question("cell_source"), can_go_back=True)
    assert "Space" in multi and "?" in multi and "Esc" in multi and "y/n" not in multi


def test_checkbox_returns_values_in_bank_order(ruleset):
    question = ruleset.question("cell_source")
    # tick allogeneic then autologous: the answer is still in bank order
    assert _ask(question, DOWN + " " + UP + " " + ENTER) == ["autologous", "allogeneic"]


def test_checkbox_prechecks_stored_answer(ruleset):
    assert _ask(ruleset.question("cell_source"), ENTER, default=["xenogeneic"]) == ["xenogeneic"]


def test_checkbox_requires_one_choice_and_reasks(ruleset):
    # enter with nothing ticked is refused; the prompt stays until a valid answer
    assert _ask(ruleset.question("cell_source"), ENTER + " " + ENTER) == ["autologous"]


def test_checkbox_exclusive_option_cannot_be_combined(ruleset):
    question = ruleset.question("manipulations")  # "none" first and exclusive, "cutting" second
    # tick none and cutting: refused; untick none (up, space) and it goes through
    assert _ask(question, " " + DOWN + " " + ENTER + UP + " " + ENTER) == ["cutting"]
    validate = wizard.multi_validator(M, question)
    assert "cannot be combined" in validate(["none", "cutting"])
    assert validate(["cutting", "expansion"]) is True
    assert "at least one" in validate([])


def test_checkbox_has_only_the_options_and_keys_for_back_and_help(ruleset):
    question = ruleset.question("cell_source")  # three options and Unsure, nothing else: the cursor wraps
    assert [o.value for o in question.options] == ["autologous", "allogeneic", "xenogeneic"] and question.unsure
    assert _ask(question, DOWN * 4 + " " + ENTER) == ["autologous"]
    # help and back carry the ticks and the highlighted option, whatever is ticked
    assert _ask(question, DOWN + " " + DOWN + " ?") == wizard.Move(wizard.HELP, ["allogeneic", "xenogeneic"], "xenogeneic")
    assert _ask(question, " " + CTRL_B) == wizard.Move(wizard.BACK, ["autologous"], "autologous")
    assert _ask(question, "\x1b") == wizard.Move(wizard.BACK, [], "autologous")


def test_checkbox_answered_unsure_gives_the_string_unsure(ruleset):
    question = ruleset.question("cell_source")  # Unsure is the entry after the last option
    assert _ask(question, DOWN * 3 + " " + ENTER) == UNSURE
    assert _ask(question, UP + " " + ENTER) == UNSURE  # up from the first wraps to it
    # Unsure stands alone: ticked with autologous it is refused; unticking autologous lets it through
    assert _ask(question, " " + UP + " " + ENTER + DOWN + " " + ENTER) == UNSURE
    # ... and unticking Unsure instead leaves the source
    assert _ask(question, " " + UP + " " + ENTER + " " + ENTER) == ["autologous"]
    assert _ask(question, ENTER, default=UNSURE) == UNSURE  # asked again: Unsure is ticked
    assert _ask(question, "?", default=UNSURE) == wizard.Move(wizard.HELP, [UNSURE], "autologous")
    validate = wizard.multi_validator(M, question)
    assert "cannot be combined" in validate([UNSURE, "autologous"]) and validate([UNSURE]) is True
    assert wizard.answer_label(M, question, UNSURE) == "Unsure"
    # where the bank does not allow unsure, there is no such entry: the cursor wraps past the last option
    assert not ruleset.question("intended_use").unsure
    assert _ask(ruleset.question("intended_use"), UP + " " + ENTER) == ["none_of_these"]


def test_checkbox_asked_again_with_the_ticks_and_cursor_left_for_help(ruleset):
    question = ruleset.question("cell_source")
    # back from help: allogeneic ticked, cursor on xenogeneic; space there ticks it too
    assert _ask(question, " " + ENTER, default=["allogeneic"], pointer="xenogeneic") == ["allogeneic", "xenogeneic"]


def test_long_labels_wrap_under_their_start(ruleset):
    question = ruleset.question("intended_use")
    prompt = wizard.multi_prompt(M, question, input=None, output=DummyOutput())
    control = wizard._control(prompt)
    window = next(w for w in prompt.application.layout.find_all_windows() if w.content is control)
    assert window.wrap_lines()
    assert window.get_line_prefix(1, 0) == "" and window.get_line_prefix(1, 1) == " " * 5


def test_help_text_quotes_verbatim_texts_and_labels_paraphrases(ruleset):
    """The wizard's help shows each legal text exactly as the report does: the same legal-text block."""
    words = wording.of(ruleset)
    for question in ruleset.questions:
        text = wizard.help_text(ruleset, question).plain
        assert question.help.splitlines()[0] in text
        for text_id in question.definitions:
            legal = ruleset.texts[text_id]
            assert legal_text(legal_block(words, legal, with_meta=True)).plain in text
            assert f"{legal.id} — {legal.citation}" in text
            if legal.presentation == "paraphrase":
                assert legal.paraphrase in text and f"“{legal.paraphrase}" not in text
                assert "(paraphrase, not the wording of the law)" in text
            else:
                assert legal.text in text
                if caveat(legal):
                    assert f"({caveat(legal)})" in text


def test_a_paraphrased_text_is_labelled(ruleset):
    """No question rests on a paraphrase today; one that did would print it labelled, never quoted."""
    paraphrase, secondary = ruleset.texts["dir2001-83-art5-1"], ruleset.texts["reform-def-gtmp"]
    assert paraphrase.presentation == "paraphrase" and not paraphrase.text
    assert secondary.presentation == "secondary"
    question = dataclasses.replace(ruleset.question("hospital_exemption"), definitions=(paraphrase.id, secondary.id))
    text = wizard.help_text(ruleset, question).plain

    def under(header: str) -> str:
        """What follows the line that starts with `header` (the citation, then its official link if any)."""
        start = text.index(header)
        return text[text.index("\n", start) + 1:]

    assert under(f"{paraphrase.id} — {paraphrase.citation}").startswith(f"(paraphrase, not the wording of the law)\n{paraphrase.paraphrase}\n")
    assert f"“{paraphrase.paraphrase}" not in text
    # a secondary source is quoted, with what it is said before it, and its full paraphrase follows, labelled
    assert under(f"{secondary.id} — {secondary.citation}").startswith(f"({caveat(secondary)})\n{secondary.text}\n")
    assert f"Paraphrase, not the wording of the law: {secondary.paraphrase}" in text


def test_help_lists_the_published_precedents_tagged_for_the_question(ruleset):
    from atmp_cli import precedents

    corpus = precedents.load(ruleset)
    question = next(q for q in ruleset.questions if corpus.illustrating(q.id))
    text = wizard.help_text(ruleset, question).plain
    assert "How the authorities answered it for published products" in text
    for entry in corpus.illustrating(question.id):
        assert f"• {precedents.summary_line(entry)}" in text
    untagged = [q for q in ruleset.questions if not corpus.illustrating(q.id)]
    for other in untagged:
        assert "How the authorities answered it" not in wizard.help_text(ruleset, other).plain


def _scripted(monkeypatch, keys: list[str]) -> tuple[Any, contextlib.ExitStack]:
    """questionary's prompts fed from `keys`, one string a prompt, each on its own pipe: (what is left, the pipes)."""
    import questionary

    typed = iter(keys)
    pipes = contextlib.ExitStack()

    def fed(factory):
        def prompt(*args: Any, **kwargs: Any) -> questionary.Question:
            pipe = pipes.enter_context(create_pipe_input())  # open until the prompt has run
            pipe.send_text(next(typed))
            return factory(*args, input=pipe, output=DummyOutput(), **kwargs)

        return prompt

    for name in ("select", "checkbox", "text", "confirm"):
        monkeypatch.setattr(questionary, name, fed(getattr(questionary, name)))
    return typed, pipes


def test_wizard_session_with_back_and_review_edit(ruleset, monkeypatch):
    """A whole session, one pipe per prompt: product, answers, one Back, help, an edit in the review, accept."""
    typed, pipes = _scripted(monkeypatch, [
        "Product X" + ENTER,  # product name
        ENTER,  # record the case details? no (the default)
        ENTER,  # record a reason for each answer? no (the default)
        ENTER,  # human_use: yes
        DOWN + ENTER,  # contains_cells: no
        "\x1b",  # nucleic_acid: Escape goes back
        ENTER,  # contains_cells again: the stored "no" is the default; keep it
        ENTER,  # nucleic_acid: the safe default, recombinant
        "?",  # genetic_purpose: help, then the same question again
        "y" + ENTER,  # genetic_purpose: yes
        ENTER,  # effect_from_sequence: the safe default, unsure
        ENTER,  # infectious_disease_vaccine: the safe default, no
        DOWN + " " + ENTER,  # intended_use: treat_prevent_diagnose
        ENTER,  # device_integral (asked for a recombinant nucleic acid without cells): the safe default, no
        "y" + ENTER,  # hospital_exemption: yes
        DOWN * 10 + ENTER,  # review (accept, back, 9 answers): edit the last, hospital_exemption
        "n" + ENTER,  # hospital_exemption: no
        ENTER,  # review: accept
    ])
    saved: list = []
    console = Console(file=io.StringIO(), width=120)
    w = wizard.Wizard.begin(ruleset, console, lambda product, answers, **walked: saved.append((product, answers)))
    with pipes:
        document = w.run()
    product, answers = document.pop("product"), document.pop("answers")
    assert document == {}  # no case, no reasons
    assert product == "Product X"
    assert answers == {
        "human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "yes",
        "effect_from_sequence": "unsure", "infectious_disease_vaccine": "no", "intended_use": ["treat_prevent_diagnose"],
        "device_integral": "no", "hospital_exemption": "no",
    }
    assert next(typed, None) is None  # every scripted keystroke was used
    assert saved[-1] == (product, answers)  # saved after every answer
    assert len(saved) >= 11
    shown = console.file.getvalue()
    assert "Origin · question 1 of ~" in shown
    assert shown.count(ruleset.question("genetic_purpose").help[:40]) == 1  # the help, once


def test_wizard_refuses_contradicting_answers_and_asks_again_with_the_ticks_kept(ruleset, monkeypatch):
    """Genetic modification ticked after 'no nucleic acid': the bank's message, the question again with the
    ticks as left, nothing recorded until the answers agree; and Unsure ticked for the source of the cells."""
    manipulations = ruleset.question("manipulations")
    index = manipulations.values.index

    def pick(qid: str, value: str) -> str:
        """Down from where the cursor starts on a first ask (the safe default, else the first), then Enter."""
        question = ruleset.question(qid)
        values = list(question.allowed)
        start = values.index(question.safe_default or values[0])
        return DOWN * ((values.index(value) - start) % len(values)) + ENTER

    typed, pipes = _scripted(monkeypatch, [
        "n",  # record the case details? no: one key answers
        "n",  # record a reason for each answer? no
        "y" + ENTER,  # human_use: yes
        "y" + ENTER,  # contains_cells: yes
        DOWN * 3 + " " + ENTER,  # cell_source: Unsure
        pick("blood_or_organ", "neither"),
        "y" + ENTER,  # viable_cells: yes
        pick("nucleic_acid", "none"),
        # manipulations: expansion and genetic modification: refused
        DOWN * index("expansion") + " " + DOWN + " " + ENTER,
        # asked again with both ticked and the cursor on the first: untick genetic modification
        DOWN * index("genetic_modification") + " " + ENTER,
        "n" + ENTER,  # same_surgical_procedure (the cells may be the patient's own): no
        DOWN + " " + ENTER,  # intended_use: treat_prevent_diagnose
        "n" + ENTER,  # same_essential_function: no
        "n" + ENTER,  # device_integral: no
        "n" + ENTER,  # hospital_exemption: no
        ENTER,  # review: accept
    ])
    saved: list = []
    console = Console(file=io.StringIO(), width=400)
    w = wizard.Wizard.begin(ruleset, console, lambda product, answers, **walked: saved.append(answers), ask_product=False)
    with pipes:
        answers = w.run()["answers"]
    assert next(typed, None) is None
    assert answers == {
        "human_use": "yes", "contains_cells": "yes", "cell_source": "unsure", "blood_or_organ": "neither",
        "viable_cells": "yes", "nucleic_acid": "none", "manipulations": ["expansion"],
        "same_surgical_procedure": "no", "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "no",
        "device_integral": "no", "hospital_exemption": "no",
    }
    (constraint,) = [c for c in ruleset.constraints if c.id == "modified_cells_need_recombinant"]
    shown = console.file.getvalue()
    assert shown.count(constraint.message) == 1
    assert shown.count(f"Processing · question {list(answers).index('manipulations') + 1} of") == 2  # asked twice
    refused = wizard.answer_label(M, manipulations, ["expansion", "genetic_modification"])
    assert shown.index(refused) < shown.index(constraint.message)  # the refused answer, then why
    assert f"{ruleset.question('cell_source').prompt} Unsure" in shown
    assert all("genetic_modification" not in a.get("manipulations", ()) for a in saved)  # never recorded
    assert len(saved) == 1 + len(answers)  # saved after the opening and once an answer, none for the refused one


def test_progress_line_shows_section_and_estimate(ruleset):
    where = walk.progress(ruleset, walk.answer(ruleset, walk.start(ruleset), "human_use", "yes"))
    assert where.section == "Origin" and where.index == 2 and where.total >= where.index


def test_review_lists_every_answer_whole_and_escape_goes_back(ruleset):
    state = walk.resume(ruleset, {"human_use": "yes", "contains_cells": "no"})
    state = walk.answer(ruleset, state, "nucleic_acid", "recombinant")
    entry = wizard.review_entry(ruleset, state, "nucleic_acid", "recombinant")
    assert entry == f"Origin · {ruleset.question('nucleic_acid').prompt} → {ruleset.question('nucleic_acid').option('recombinant').label}"
    assert wizard.review_entry(ruleset, state, "human_use", "yes").endswith("  (from file or saved session)")  # not asked here
    with create_pipe_input() as pipe:
        pipe.send_text(DOWN * 3 + ENTER)  # from accept: back, (the separator is skipped) human_use, contains_cells
        assert wizard.review_prompt(ruleset, state, input=pipe, output=DummyOutput()).unsafe_ask() == "contains_cells"
    with create_pipe_input() as pipe:
        pipe.send_text("\x1b")
        assert wizard.review_prompt(ruleset, state, input=pipe, output=DummyOutput()).unsafe_ask() == wizard.Move(wizard.BACK, wizard.ACCEPT)


def test_fold_breaks_between_words_under_the_first_column():
    text = "Restore, correct or modify physiological functions (pharmacological, immunological or metabolic action)"
    folded = wizard.fold(text, 40, 5)
    lines = folded.split("\n")
    assert len(lines) > 2  # each line within 40 columns, one spare, the first drawn from column 5
    assert len(lines[0]) + 5 <= 39 and all(len(line) <= 39 for line in lines[1:])
    assert all(line.startswith(" " * 5) and not line.startswith(" " * 6) for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == text


ESCAPE = "\x1b"
CTRL_U = "\x15"  # clears the line of a text prompt


def test_a_session_records_the_case_and_a_reason_per_answer_and_the_review_keeps_or_asks_them_again(ruleset, monkeypatch):
    """The opening records the case; a reason follows each new answer, Escape there goes back keeping what was
    typed; in the review, the question picked asks its reason again (Enter keeps it), answers walked past
    unchanged keep theirs without a prompt, a changed one asks again; the case is picked to be changed."""
    typed, pipes = _scripted(monkeypatch, [
        "Product R" + ENTER,  # product name
        "y",  # record the case details? yes
        "REF-9" + ENTER, ENTER, "A. Assessor" + ENTER, ENTER, ENTER, ENTER, ENTER,  # reference, organisation ... notes
        "y",  # a reason for each answer? yes
        ENTER, "for humans" + ENTER,  # human_use: yes; its reason
        "n" + ENTER, "draft" + ESCAPE,  # contains_cells: no; Escape in its reason goes back to it
        ENTER, " kept" + ENTER,  # contains_cells again (its answer kept); the reason typed so far, completed
        UP + ENTER, ENTER,  # nucleic_acid: none (up from the safe default); no reason
        DOWN + " " + ENTER, "to treat" + ENTER,  # intended_use: treat_prevent_diagnose; its reason
        DOWN * 2 + ENTER,  # review: pick human_use
        ENTER, ENTER,  # human_use as it was; its reason asked again, kept
        ENTER, ENTER,  # contains_cells and nucleic_acid walked past unchanged: no reason asked
        " " + ENTER, CTRL_U + "to restore and treat" + ENTER,  # intended_use: regenerate ticked too; asked again
        DOWN * 6 + ENTER,  # review: the case details, after the answers
        CTRL_U + "REF-10" + ENTER, "Agency" + ENTER, ENTER, ENTER, ENTER, ENTER, ENTER,  # changed, added, kept
        ENTER,  # review: accept
    ])
    saved: list = []
    console = Console(file=io.StringIO(), width=200)
    w = wizard.Wizard.begin(ruleset, console, lambda product, answers, **walked: saved.append(walked))
    with pipes:
        document = w.run()
    assert next(typed, None) is None  # every scripted keystroke was used, no prompt more
    assert document == {
        "product": "Product R",
        "answers": {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "none",
                    "intended_use": ["regenerate_repair_replace", "treat_prevent_diagnose"]},
        "case": {"reference": "REF-10", "organisation": "Agency", "assessor": "A. Assessor"},
        "justifications": {"human_use": "for humans", "contains_cells": "draft kept", "intended_use": "to restore and treat"},
    }
    assert saved[-1] == {"case": document["case"], "justifications": document["justifications"], "reasons": True}
    assert {"case": {"reference": "REF-9", "assessor": "A. Assessor"}, "justifications": {}, "reasons": None} in saved
    shown = console.file.getvalue()
    assert "? Reference: REF-9" in shown and "? Record a reason for each answer? Yes" in shown
    assert shown.count("? Reason for this answer: for humans") == 2  # given, then kept when picked in the review
    assert "? Reason for this answer: draft kept" in shown and "Organisation:" not in shown.split("REF-10")[0]  # skipped: not shown
    assert wizard.review_entry(ruleset, w.state, "human_use", "yes").endswith(" — reason: for humans")


def test_a_walk_from_a_file_with_a_case_and_reasons_keeps_them_and_offers_its_reasons(ruleset, monkeypatch):
    """The case came with the walk: shown, not offered; reasons default to yes, and a question still to be
    answered starts from the reason the file gives for it."""
    typed, pipes = _scripted(monkeypatch, [
        ENTER,  # a reason for each answer? the default: yes, since the file has some
        UP + ENTER, ENTER,  # nucleic_acid: none; its reason from the file, kept
        DOWN + " " + ENTER, ENTER,  # intended_use: treat_prevent_diagnose; no reason
        ENTER,  # review: accept
    ])
    console = Console(file=io.StringIO(), width=200)
    w = wizard.Wizard.begin(ruleset, console, lambda *args, **walked: None, product="From file",
                            answers={"human_use": "yes", "contains_cells": "no"}, case={"reference": "F-1"},
                            justifications={"contains_cells": "a protein", "nucleic_acid": "no nucleic acid at all"})
    with pipes:
        document = w.run()
    assert next(typed, None) is None
    assert document["case"] == {"reference": "F-1"}
    assert document["justifications"] == {"contains_cells": "a protein", "nucleic_acid": "no nucleic acid at all"}
    shown = console.file.getvalue()
    assert "Product: From file" in shown and "Reference: F-1" in shown
    assert "Record the case details" not in shown and "? Record a reason for each answer? Yes" in shown


def _typed(prompt, keys: str) -> Any:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return prompt(input=pipe, output=DummyOutput()).unsafe_ask()


def test_text_and_yes_no_prompts_and_their_keys():
    reason = lambda **io: wizard.text_prompt(M, "Reason", "kept", can_go_back=True, **io)  # noqa: E731
    assert _typed(reason, ENTER) == "kept"
    assert _typed(reason, " more" + ESCAPE) == wizard.Move(wizard.BACK, "kept more")
    assert _typed(lambda **io: wizard.text_prompt(M, "Notes", **io), ESCAPE + "x" + ENTER) == "x"  # no Escape binding here
    assert _typed(lambda **io: wizard.confirm_prompt(M, "Go?", **io), ENTER) is False
    assert _typed(lambda **io: wizard.confirm_prompt(M, "Go?", True, **io), ENTER) is True
    assert _typed(lambda **io: wizard.confirm_prompt(M, "Go?", **io), "Y") is True
    swedish_keys = messages.Catalogue("xx", {**M.messages, "wizard.letter.yes": "j"}, M.path)
    assert _typed(lambda **io: wizard.confirm_prompt(swedish_keys, "Gå?", **io), "j") is True
    assert _typed(lambda **io: wizard.confirm_prompt(swedish_keys, "Gå?", **io), "y") is True  # y works in any language


def test_letters_from_the_catalogue_move_the_cursor_and_j_k_then_do_not(ruleset):
    question = ruleset.question("genetic_purpose")  # yes, no, unsure
    letters = messages.Catalogue("xx", {**M.messages, "wizard.letter.yes": "j", "wizard.letter.unsure": "o"}, M.path)
    assert wizard.shortcuts(letters, question) == {"j": "yes", "n": "no", "o": UNSURE}
    with create_pipe_input() as pipe:
        pipe.send_text("o" + "j" + ENTER)  # j is "yes" here, not "down"
        assert wizard.ask_question(letters, question, input=pipe, output=DummyOutput()) == "yes"
    with create_pipe_input() as pipe:
        pipe.send_text("j" + ENTER)  # in English, j moves down (questionary's use_jk_keys)
        assert wizard.ask_question(M, question, input=pipe, output=DummyOutput()) == "no"


def test_run_wizard_keeps_the_case_and_reasons_it_starts_with_and_reports_and_saves_them(ruleset, monkeypatch, tmp_path):
    """`classify --answers FILE` at a terminal, the file leaving questions open: its case and reasons (handed
    over checked) reach the report and --save, with the reasons given in the walk."""
    import json

    from atmp_cli.commands import classify as classify_command

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    typed, pipes = _scripted(monkeypatch, [
        ENTER,  # a reason for each answer? yes: the default, as the file has reasons
        UP + ENTER, "none at all" + ENTER,  # nucleic_acid: none; its reason
        DOWN + " " + ENTER, ENTER,  # intended_use: treat_prevent_diagnose; no reason
        ENTER,  # review: accept
        "n",  # save the report to a file? no
    ])
    options = classify_command.ClassifyOptions(answers="partial.json", example=None, fmt=None, output=str(tmp_path / "report.json"),
                                               country=None, ruleset="eu", save=str(tmp_path / "out.json"))
    with pipes:
        code = classify_command.run_wizard(ruleset, options, None, "From file", {"human_use": "yes", "contains_cells": "no"},
                                           case={"reference": "F-2"}, justifications={"contains_cells": "a protein"})
    assert code == 0 and next(typed, None) is None
    reasons = {"contains_cells": "a protein", "nucleic_acid": "none at all"}
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["case"] == {"reference": "F-2"} and report["justifications"] == reasons
    saved = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert saved["case"] == {"reference": "F-2"} and saved["justifications"] == reasons
