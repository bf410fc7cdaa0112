"""The wizard's walk as pure functions: next question, back, stale answers dropped, resume, progress."""

from __future__ import annotations

from atmp_cli import walk
from atmp_cli.answers import check_document
from atmp_cli.engine import classify
from atmp_cli.examples import example_paths, load_example


def _walk_through(ruleset, answers):
    """Answer every question the walk asks from `answers`, as a user would; return the final state."""
    state = walk.start(ruleset)
    asked = []
    while (question := walk.next_question(ruleset, state)) is not None:
        asked.append(question.id)
        state = walk.answer(ruleset, state, question.id, answers[question.id])
    return state, asked


def test_first_question_is_the_first_in_the_bank(ruleset):
    assert walk.next_question(ruleset, walk.start(ruleset)).id == ruleset.questions[0].id


def test_walk_asks_only_applicable_questions(ruleset):
    state = walk.answer(ruleset, walk.start(ruleset), "human_use", "no")
    # not for human use: nothing else applies
    assert walk.next_question(ruleset, state) is None
    state = walk.answer(ruleset, walk.start(ruleset), "human_use", "yes")
    assert walk.next_question(ruleset, state).id == "contains_cells"


def test_every_example_walks_to_the_same_result_as_its_file(ruleset):
    """Interactive and file give the identical result: same answers, same classification."""
    for name in example_paths(ruleset):
        document = load_example(ruleset, name)
        checked = check_document(ruleset, document)
        state, asked = _walk_through(ruleset, checked.answers)
        assert state.as_dict() == checked.answers, name
        assert asked == list(checked.answers), name
        assert state.history == tuple(checked.answers)
        from_walk = classify(ruleset, state.as_dict())
        from_file = classify(ruleset, checked.answers)
        assert from_walk.classification == from_file.classification, name


def test_changing_an_answer_drops_answers_that_no_longer_apply(ruleset):
    state = walk.start(ruleset)
    for qid, value in [("human_use", "yes"), ("contains_cells", "yes"), ("cell_source", ["autologous"])]:
        state = walk.answer(ruleset, state, qid, value)
    assert state.get("cell_source") == ("autologous",)
    state = walk.answer(ruleset, state, "contains_cells", "no")
    assert state.get("cell_source") is None
    assert "cell_source" not in state.history
    assert walk.next_question(ruleset, state).id == "nucleic_acid"


def test_back_goes_to_previous_question_and_keeps_its_answer_as_default(ruleset):
    state = walk.start(ruleset)
    assert walk.back(ruleset, state) == state  # nothing before the first question
    state = walk.answer(ruleset, state, "human_use", "yes")
    state = walk.answer(ruleset, state, "contains_cells", "yes")
    assert walk.next_question(ruleset, state).id == "cell_source"
    state = walk.back(ruleset, state)
    assert walk.next_question(ruleset, state).id == "contains_cells"
    assert state.get("contains_cells") == "yes"
    state = walk.back(ruleset, state)
    assert walk.next_question(ruleset, state).id == "human_use"
    # re-answering walks forward through the answered question again, then on to the unanswered one
    state = walk.answer(ruleset, state, "human_use", "yes")
    assert walk.next_question(ruleset, state).id == "contains_cells"
    state = walk.answer(ruleset, state, "contains_cells", "yes")
    assert walk.next_question(ruleset, state).id == "cell_source"


def test_back_then_change_drops_stale_answers(ruleset):
    state = walk.start(ruleset)
    for qid, value in [("human_use", "yes"), ("contains_cells", "yes"), ("cell_source", ["autologous"])]:
        state = walk.answer(ruleset, state, qid, value)
    state = walk.back(ruleset, walk.back(ruleset, state))
    assert walk.next_question(ruleset, state).id == "contains_cells"
    state = walk.answer(ruleset, state, "contains_cells", "no")
    assert dict(state.answers) == {"human_use": "yes", "contains_cells": "no"}
    assert walk.next_question(ruleset, state).id == "nucleic_acid"


def test_edit_from_review_rewalks_from_there(ruleset):
    checked = check_document(ruleset, load_example(ruleset, "car-t"))
    state, _ = _walk_through(ruleset, checked.answers)
    assert walk.is_complete(ruleset, state)
    assert walk.previous_question(ruleset, state) == "hospital_exemption"
    state = walk.edit(ruleset, state, "device_integral")
    assert walk.next_question(ruleset, state).id == "device_integral"
    state = walk.answer(ruleset, state, "device_integral", "yes")
    assert walk.next_question(ruleset, state).id == "device_kind"  # newly applicable, asked
    state = walk.answer(ruleset, state, "device_kind", "medical_device")
    assert walk.next_question(ruleset, state).id == "hospital_exemption"  # re-walked, answered before
    state = walk.answer(ruleset, state, "hospital_exemption", "no")
    assert walk.is_complete(ruleset, state)


def test_resume_from_partial_answers_continues_at_first_missing(ruleset):
    partial = {"human_use": "yes", "contains_cells": "no", "cell_source": ["autologous"], "nucleic_acid": "recombinant"}
    state = walk.resume(ruleset, partial)
    # cell_source does not apply when there are no cells: dropped
    assert state.as_dict() == {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant"}
    assert state.history == ()
    assert walk.next_question(ruleset, state).id == "genetic_purpose"
    assert walk.previous_question(ruleset, state) == "nucleic_acid"


def test_progress_counts_applicable_questions_and_estimates_total(ruleset):
    state = walk.start(ruleset)
    first = walk.progress(ruleset, state)
    assert first.index == 1 and first.total > 5 and first.section == ruleset.section_title("origin")
    state = walk.answer(ruleset, state, "human_use", "yes")
    assert walk.progress(ruleset, state).index == 2
    none_human = walk.answer(ruleset, walk.start(ruleset), "human_use", "no")
    assert walk.progress(ruleset, none_human) is None
    checked = check_document(ruleset, load_example(ruleset, "car-t"))
    done, asked = _walk_through(ruleset, checked.answers)
    before_last = walk.back(ruleset, done)
    assert walk.progress(ruleset, before_last).index == walk.progress(ruleset, before_last).total == len(asked)


def test_state_is_immutable_and_answers_are_in_bank_order(ruleset):
    state = walk.start(ruleset)
    later = walk.answer(ruleset, state, "human_use", "yes")
    assert state.answers == () and later is not state
    state = walk.resume(ruleset, {"contains_cells": "yes", "human_use": "yes"})
    assert [qid for qid, _ in state.answers] == ["human_use", "contains_cells"]


def test_first_ask_starts_on_the_safe_default_and_a_re_ask_on_the_stored_answer(ruleset):
    state = walk.start(ruleset)
    assert walk.default_for(ruleset, state, "hospital_exemption") == "no"
    assert walk.default_for(ruleset, state, "same_essential_function") == "unsure"
    assert walk.default_for(ruleset, state, "device_kind") is None  # no safe answer: the first option
    assert walk.default_for(ruleset, state, "cell_source") is None  # a multi-select: nothing ticked
    state = walk.answer(ruleset, walk.answer(ruleset, state, "human_use", "yes"), "contains_cells", "yes")
    state = walk.answer(ruleset, state, "cell_source", ["allogeneic"])
    state = walk.back(ruleset, walk.back(ruleset, state))
    assert walk.default_for(ruleset, state, "contains_cells") == "yes"
    assert walk.default_for(ruleset, state, "cell_source") == ("allogeneic",)


def test_taking_every_safe_default_assumes_no_exclusion_device_or_exemption(ruleset):
    """Enter on every single question (and the first option ticked where a multi-select needs a tick)."""
    state = walk.start(ruleset)
    while (question := walk.next_question(ruleset, state)) is not None:
        default = walk.default_for(ruleset, state, question.id)
        value = default if default is not None else question.values[0]
        state = walk.answer(ruleset, state, question.id, [value] if question.kind == "multi" else value)
    answers = state.as_dict()
    assert answers["infectious_disease_vaccine"] == "no"
    assert answers["device_integral"] == "no"
    assert answers["hospital_exemption"] == "no"
    result = classify(ruleset, answers)
    assert result.classification.code == "undetermined"  # the unsure defaults leave it open, never not-ATMP
    assert walk.projected(ruleset, walk.start(ruleset)) == tuple(answers)  # the estimate follows the defaults
