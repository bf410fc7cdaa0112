"""The wizard's walk as pure functions: next question, back, stale answers dropped, resume, progress."""

from __future__ import annotations

import pytest

from atmp_cli.answer_set import AnswerSet
from atmp_cli import walk
from atmp_cli.answers import check_document
from atmp_cli.applicability import applicable_answers
from atmp_cli.engine import classify
from atmp_cli.examples import example_paths, load_example


# The wizard asks optional questions too; an answers file may leave them out. What leaving one out stands
# for, as the bank's help says ("then: neither", "then: no"), is what a user answers here when the file
# has no answer.
LEFT_OUT = {"blood_or_organ": "neither", "same_surgical_procedure": "no", "device_integral": "no", "hospital_exemption": "no"}


def _walk_through(ruleset, answers, left_out=LEFT_OUT):
    """Answer every question the walk asks from `answers`, as a user would; return the final state.

    A question the walk asks that `answers` leaves out must be an optional one (KeyError otherwise)."""
    state = walk.start(ruleset)
    asked = []
    while (question := walk.next_question(ruleset, state)) is not None:
        asked.append(question.id)
        value = answers[question.id] if question.id in answers else left_out[question.id]
        state = walk.answer(ruleset, state, question.id, value)
    return state, asked


def _car_t(ruleset):
    return check_document(ruleset, load_example(ruleset, "car-t")).answers


def test_missing_lists_optional_questions_too_in_bank_order(ruleset):
    answers = {**_car_t(ruleset)}
    state = walk.start(ruleset, answers)  # the file leaves out the two optional questions about the cells
    assert walk.missing(ruleset, state) == ("blood_or_organ", "same_surgical_procedure")
    assert not any(ruleset.question(qid).required for qid in walk.missing(ruleset, state))
    assert walk.next_question(ruleset, state).id == "blood_or_organ"
    state = walk.answer(ruleset, state, "blood_or_organ", "neither")
    assert walk.next_question(ruleset, state).id == "same_surgical_procedure"
    state = walk.answer(ruleset, state, "same_surgical_procedure", "no")
    assert walk.is_complete(ruleset, state)
    # allogeneic cells only: the question about the patient's own cells does not apply
    state = walk.start(ruleset, {**answers, "cell_source": ["allogeneic"]})
    assert walk.missing(ruleset, state) == ("blood_or_organ",)


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
        answers = state.as_dict()
        # every answer of the file, and beyond them only optional questions the file left out
        assert AnswerSet({qid: answers[qid] for qid in checked.answers}) == checked.answers, name
        added = [qid for qid in answers if qid not in checked.answers]
        assert tuple(added) == applicable_answers(ruleset, checked.answers).optional, name
        assert asked == list(answers), name  # each asked once, in bank order
        assert state.history == tuple(answers)
        from_walk = classify(ruleset, answers)
        from_file = classify(ruleset, checked.answers)
        assert from_walk.classification == from_file.classification, name
        assert from_walk.belongs == from_file.belongs, name


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


def test_ticking_genetic_modification_without_a_recombinant_nucleic_acid_is_a_conflict(ruleset):
    """The bank's constraint: the wizard prints its message and asks again instead of recording the answer."""
    (constraint,) = [c for c in ruleset.constraints if c.id == "modified_cells_need_recombinant"]
    state = walk.start(ruleset)
    for qid, value in [("human_use", "yes"), ("contains_cells", "yes"), ("cell_source", ["autologous"]),
                       ("blood_or_organ", "neither"), ("viable_cells", "yes"), ("nucleic_acid", "none")]:
        assert walk.conflicts(ruleset, state, qid, value) == []
        state = walk.answer(ruleset, state, qid, value)
    assert walk.next_question(ruleset, state).id == "manipulations"
    assert walk.conflicts(ruleset, state, "manipulations", ("genetic_modification", "expansion")) == [constraint.message]
    assert walk.conflicts(ruleset, state, "manipulations", ["expansion"]) == []
    assert walk.next_question(ruleset, state).id == "manipulations"  # a pure check: nothing recorded
    for nucleic_acid in ("natural", "synthetic"):
        other = walk.answer(ruleset, walk.back(ruleset, state), "nucleic_acid", nucleic_acid)
        assert walk.conflicts(ruleset, other, "manipulations", ["genetic_modification"]) == [constraint.message]
    recombinant = walk.answer(ruleset, walk.back(ruleset, state), "nucleic_acid", "recombinant")
    assert walk.conflicts(ruleset, recombinant, "manipulations", ["genetic_modification"]) == []
    # changing the earlier answer on a revisit is checked against the later ones kept
    modified = walk.answer(ruleset, recombinant, "genetic_purpose", "yes")
    for qid, value in [("effect_from_sequence", "yes"), ("infectious_disease_vaccine", "no"), ("manipulations", ["genetic_modification"])]:
        modified = walk.answer(ruleset, modified, qid, value)
    revisit = walk.edit(ruleset, modified, "nucleic_acid")
    assert walk.conflicts(ruleset, revisit, "nucleic_acid", "none") == [constraint.message]
    assert walk.conflicts(ruleset, revisit, "nucleic_acid", "recombinant") == []


def test_unsure_cell_source_asks_every_follow_up_of_each_source(ruleset):
    state = walk.start(ruleset, {"human_use": "yes", "contains_cells": "yes"})
    state = walk.answer(ruleset, state, "cell_source", "unsure")
    assert state.get("cell_source") == "unsure" and state.as_dict()["cell_source"] == "unsure"
    assert walk.next_question(ruleset, state).id == "blood_or_organ"  # human cells possible
    assert walk.default_for(ruleset, state, "cell_source") == "unsure"
    for qid, value in [("blood_or_organ", "neither"), ("viable_cells", "yes"), ("nucleic_acid", "none"),
                       ("manipulations", ["cell_separation"])]:
        state = walk.answer(ruleset, state, qid, value)
    assert walk.next_question(ruleset, state).id == "same_surgical_procedure"  # autologous possible
    assert "same_surgical_procedure" in walk.projected(ruleset, state)


def test_editing_an_answer_that_closes_an_optional_question_drops_it_and_rewalks(ruleset):
    state, asked = _walk_through(ruleset, _car_t(ruleset))
    assert {"blood_or_organ", "same_surgical_procedure"} <= set(asked)
    state = walk.edit(ruleset, state, "cell_source")
    assert walk.next_question(ruleset, state).id == "cell_source"
    assert walk.default_for(ruleset, state, "cell_source") == ("autologous",)
    state = walk.answer(ruleset, state, "cell_source", ["allogeneic"])
    assert state.get("same_surgical_procedure") is None and "same_surgical_procedure" not in state.history
    assert walk.next_question(ruleset, state).id == "blood_or_organ"  # re-walked with its answer as default
    assert walk.default_for(ruleset, state, "blood_or_organ") == "neither"
    rest = []
    while (question := walk.next_question(ruleset, state)) is not None:
        rest.append(question.id)
        state = walk.answer(ruleset, state, question.id, state.get(question.id))
    assert rest == [qid for qid in asked[asked.index("blood_or_organ"):] if qid != "same_surgical_procedure"]
    # an optional question picked in the review is re-asked like any other, and the walk goes on from it
    state = walk.edit(ruleset, state, "blood_or_organ")
    state = walk.answer(ruleset, state, "blood_or_organ", "blood_component")
    assert walk.next_question(ruleset, state).id == "viable_cells"
    assert walk.previous_question(ruleset, state) == "blood_or_organ"


# ---------------------------------------------------------------------------------------------- case and reasons


def test_the_case_and_reasons_are_state_of_the_walk_cleaned_and_in_order(ruleset):
    state = walk.start(ruleset, {"human_use": "yes"}, case={"notes": "line one\nline two", "reference": " R-1\x1b[31m "},
                       justifications={"human_use": "for patients\x07"})
    assert state.case == (("reference", "R-1"), ("notes", "line one\nline two"))  # CASE_KEYS order; notes keep newlines
    assert state.justifications == (("human_use", "for patients"),)
    later = walk.answer(ruleset, state, "contains_cells", "no")
    assert later.case == state.case and later.reason("human_use") == "for patients"  # an answer keeps them
    later = walk.justify(ruleset, later, "contains_cells", "  a protein  ")
    later = walk.justify(ruleset, later, "human_use", "")  # a blank reason removes it
    assert later.justifications == (("contains_cells", "a protein"),)
    assert walk.with_case(later, {"reference": "R-2", "date": "  "}).case == (("reference", "R-2"),)
    assert state.case == (("reference", "R-1"), ("notes", "line one\nline two"))  # immutable: the old state is as it was
    with pytest.raises(KeyError):
        walk.with_case(state, {"colour": "red"})
    with pytest.raises(KeyError):
        walk.justify(ruleset, state, "no_such", "x")


def test_a_reason_goes_with_its_question_when_a_changed_answer_drops_it(ruleset):
    state = walk.start(ruleset)
    for qid, value in [("human_use", "yes"), ("contains_cells", "yes"), ("cell_source", ["autologous"])]:
        state = walk.justify(ruleset, walk.answer(ruleset, state, qid, value), qid, f"why {qid}")
    state = walk.answer(ruleset, walk.edit(ruleset, state, "contains_cells"), "contains_cells", "no")
    assert dict(state.justifications) == {"human_use": "why human_use", "contains_cells": "why contains_cells"}
    # a reason from a file for a question still to be asked is kept (it is offered when the question is asked);
    # one for a question that does not apply is dropped
    resumed = walk.start(ruleset, {"human_use": "yes", "contains_cells": "no"},
                         justifications={"nucleic_acid": "mRNA", "cell_source": "none"})
    assert dict(resumed.justifications) == {"nucleic_acid": "mRNA"}


def test_changes_tells_a_new_or_changed_answer_from_one_kept(ruleset):
    state = walk.answer(ruleset, walk.start(ruleset), "human_use", "yes")
    assert walk.changes(state, "contains_cells", "no")  # a first answer
    assert not walk.changes(state, "human_use", "yes") and walk.changes(state, "human_use", "no")
    state = walk.answer(ruleset, walk.answer(ruleset, state, "contains_cells", "yes"), "cell_source", ["autologous"])
    assert not walk.changes(state, "cell_source", ["autologous"]) and walk.changes(state, "cell_source", ["allogeneic"])
