"""The rules engine: every path ends in a classification; unsure answers branch; findings cite the law."""

from __future__ import annotations

import pytest

from atmp_cli.serialize import to_dict
from atmp_cli.answers import check_document
from atmp_cli.applicability import applicable_answers, is_asked
from atmp_cli.engine import classify, outcome_of
from atmp_cli.result import answers_sha256

CODES = {"GTMP", "sCTMP", "TEP", "not-ATMP", "undetermined"}

# Representative answers for multi-selects: every distinction a condition or rule draws is covered.
MULTI = {
    "cell_source": [["autologous", "allogeneic"], ["xenogeneic"]],
    "manipulations": [["none"], ["cutting"], ["expansion"], ["other"], ["centrifugation", "other"]],
    "intended_use": [["regenerate_repair_replace"], ["treat_prevent_diagnose"],
                     ["regenerate_repair_replace", "treat_prevent_diagnose"], ["modify_physiological_functions"], ["none_of_these"]],
}


def all_paths(ruleset):
    """Depth-first over the question tree: yields every complete answers dict the walk can produce.

    Optional questions (which only decide where a product that is not an ATMP belongs) are left unanswered
    here; `test_optional_questions_only_move_the_destination` varies them."""
    questions = ruleset.questions

    def walk(index, answers):
        if index == len(questions):
            yield dict(answers)
            return
        question = questions[index]
        if not question.required or not is_asked(ruleset, question, answers):
            yield from walk(index + 1, answers)
            return
        choices = MULTI.get(question.id) if question.kind == "multi" else list(question.allowed)
        for value in choices:
            answers[question.id] = value
            yield from walk(index + 1, answers)
            del answers[question.id]

    yield from walk(0, {})


def check_outcome(ruleset, answers):
    """What must hold of any complete answers: a known class; undetermined only with branches, or with an open
    destination that sends the product to the CAT; each decisive answer gives the class it states."""
    assert not applicable_answers(ruleset, answers).missing
    result = classify(ruleset, answers)
    code = result.classification.code
    assert code in CODES
    if code == "undetermined" and not result.branches:
        assert "article_17" in {n.id for n in result.notes} and result.belongs, answers
    if "unsure" not in answers.values():
        assert code != "undetermined" or not result.branches, answers
    return result


@pytest.fixture(scope="module")
def sampled(ruleset, walks):
    """Every walk of the session's sample (conftest.walks) checked: the default, quick check."""
    seen, outcomes = set(), set()
    for document in walks:
        result = check_outcome(ruleset, document["answers"])
        seen.update(document["answers"])
        outcomes.add((result.classification.code, result.classification.combined))
    return seen, outcomes


def test_random_paths_end_in_a_classification(sampled):
    _, outcomes = sampled
    assert {code for code, _ in outcomes} == CODES
    assert ("TEP", True) in outcomes and ("sCTMP", True) in outcomes and ("GTMP", True) in outcomes


def test_every_question_is_reachable(sampled, ruleset):
    seen, _ = sampled
    assert seen == {q.id for q in ruleset.questions}


@pytest.mark.full_walk
def test_every_path_ends_in_a_classification(ruleset):
    """Every path of the tree (hundreds of thousands; minutes): run by .ci/run with -m full_walk.

    Each path gets the outcome-only evaluation; every 25th the whole classification with its checks, whose
    decisive answers alone cost milliseconds on paths with many unsure answers."""
    count, outcomes = 0, set()
    for answers in all_paths(ruleset):
        count += 1
        outcome = outcome_of(ruleset, answers)
        assert outcome is not None and outcome[0] in CODES, answers
        if count % 25 == 0:
            result = check_outcome(ruleset, answers)
            assert (result.classification.code, result.classification.combined) == outcome
        outcomes.add(outcome)
    assert count > 100_000
    assert {code for code, _ in outcomes} == CODES


def test_optional_questions_only_move_the_destination(ruleset, walks):
    """Blood, organs and the same surgical procedure decide where a non-ATMP belongs, never whether it is one."""
    for document in walks[:400]:  # each property below on its own slice of the sample: disjoint, as if drawn anew
        answers = {k: v for k, v in document["answers"].items() if ruleset.question(k).required}
        base = classify(ruleset, answers).classification
        for qid in ("blood_or_organ", "same_surgical_procedure"):
            question = ruleset.question(qid)
            if not is_asked(ruleset, question, applicable_answers(ruleset, answers).effective):
                continue
            for value in question.allowed:
                other = classify(ruleset, {**answers, qid: value}).classification
                assert (other.code, other.combined) == (base.code, base.combined) or base.code == "not-ATMP" and other.code == "undetermined", (qid, value)


def test_each_decisive_answer_gives_the_class_it_states(ruleset, walks):
    """Property: applied to the answers, every decisive entry gives exactly the classification it states."""
    checked = 0
    for document in walks[400:1000]:
        answers = applicable_answers(ruleset, document["answers"]).effective
        result = classify(ruleset, answers)
        for entry in result.decisive:
            changed = {**answers, entry.question: list(entry.answer) if isinstance(entry.answer, tuple) else entry.answer}
            assert check_document(ruleset, {"answers": changed}).ok, (entry, answers)
            other = classify(ruleset, changed).classification
            assert (other.code, other.combined) == (entry.code, entry.combined), (entry, answers)
            assert (entry.code, entry.combined) != (result.classification.code, result.classification.combined)
            checked += 1
        assert result.classification.borderline == (result.classification.code != "undetermined" and any(d.judgement for d in result.decisive))
    assert checked > 500


def test_every_finding_and_rule_cites_existing_texts(ruleset):
    ids = set(ruleset.texts)
    for question in ruleset.questions:
        assert set(question.definitions) <= ids
        for option in question.options:
            assert set(option.citations) <= ids
    for rule in ruleset.rules.values():
        assert rule.citations and set(rule.citations) <= ids, rule.id


BASE_CELLS = {
    "human_use": "yes", "contains_cells": "yes", "cell_source": ["autologous"], "viable_cells": "yes",
    "nucleic_acid": "none", "manipulations": ["cell_separation"], "intended_use": ["regenerate_repair_replace"],
    "same_essential_function": "yes", "device_integral": "no",
}


def test_unsure_that_matters_gives_undetermined_with_branches(ruleset):
    answers = {**BASE_CELLS, "same_essential_function": "unsure"}
    result = classify(ruleset, {**answers, "hospital_exemption": "no"})
    assert result.classification.code == "undetermined"
    branches = {b.assume["same_essential_function"]: b.code for b in result.branches}
    assert branches == {"yes": "not-ATMP", "no": "TEP"}
    assert any(n.id == "article_17" for n in result.notes)
    assert "reg1394-art17" in result.citation_ids


def test_unsure_that_does_not_matter_keeps_the_class(ruleset):
    answers = {**BASE_CELLS, "manipulations": ["expansion", "other"], "other_manipulation_alters": "unsure", "hospital_exemption": "no"}
    result = classify(ruleset, answers)
    assert result.classification.code == "TEP"
    assert not result.branches


def test_only_the_unsure_answers_that_matter_make_branches(ruleset):
    answers = {**BASE_CELLS, "manipulations": ["other"], "other_manipulation_alters": "unsure",
               "same_essential_function": "unsure", "hospital_exemption": "no"}
    result = classify(ruleset, answers)
    assert result.classification.code == "undetermined"
    assert len(result.branches) == 4
    assert {tuple(sorted(b.assume)) for b in result.branches} == {("other_manipulation_alters", "same_essential_function")}
    assert sum(b.code == "TEP" for b in result.branches) == 3


def test_hospital_exemption_is_asked_only_for_atmps_and_never_required(ruleset):
    asked = lambda answers: is_asked(ruleset, ruleset.question("hospital_exemption"), applicable_answers(ruleset, answers).effective)
    assert not asked(BASE_CELLS)
    assert asked({**BASE_CELLS, "manipulations": ["expansion"]})
    assert asked({**BASE_CELLS, "same_essential_function": "unsure"})
    assert applicable_answers(ruleset, {**BASE_CELLS, "manipulations": ["expansion"]}).missing == ()
    result = classify(ruleset, {**BASE_CELLS, "manipulations": ["expansion"]})
    assert "hospital_exemption_unanswered" in {n.id for n in result.notes}


def test_answers_to_questions_not_asked_are_ignored_with_a_warning(ruleset):
    result = classify(ruleset, {**BASE_CELLS, "hospital_exemption": "yes", "device_kind": "medical_device"})
    assert result.classification.code == "not-ATMP"
    assert "hospital_exemption" not in result.answers and "device_kind" not in result.answers
    assert any("device_kind" in w and "device_integral == yes" in w for w in to_dict(result)["warnings"])


@pytest.mark.parametrize(
    "changes, code, combined, destination",
    [
        ({"human_use": "no"}, "not-ATMP", False, "Veterinary"),
        ({"intended_use": ["none_of_these"]}, "not-ATMP", False, "Human cells or tissues applied to humans"),
        ({"intended_use": ["none_of_these"], "cell_source": ["xenogeneic"]}, "not-ATMP", False, "Not a medicinal product"),
        ({"manipulations": ["expansion"], "device_integral": "yes", "device_kind": "medical_device"}, "TEP", True, None),
        ({"manipulations": ["expansion"], "intended_use": ["treat_prevent_diagnose"], "device_integral": "yes",
          "device_kind": "active_implantable"}, "sCTMP", True, None),
        ({"viable_cells": "no", "manipulations": ["expansion"], "non_viable_action": "pharmacological_immunological_metabolic",
          "device_integral": "yes", "device_kind": "medical_device", "cells_primary_to_device": "no"}, "not-ATMP", False, "medical device"),
        ({"viable_cells": "no", "manipulations": ["expansion"], "non_viable_action": "pharmacological_immunological_metabolic",
          "device_integral": "yes", "device_kind": "medical_device", "cells_primary_to_device": "yes"}, "TEP", True, None),
        ({"nucleic_acid": "synthetic", "contains_cells": "no"}, "not-ATMP", False, "oligonucleotide"),
        ({"contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "yes", "effect_from_sequence": "yes",
          "infectious_disease_vaccine": "yes", "intended_use": ["treat_prevent_diagnose"]}, "not-ATMP", False, "vaccine"),
        ({"nucleic_acid": "recombinant", "genetic_purpose": "yes", "effect_from_sequence": "no", "infectious_disease_vaccine": "no",
          "manipulations": ["genetic_modification"], "intended_use": ["treat_prevent_diagnose"]}, "sCTMP", False, None),
        ({"manipulations": ["expansion"], "intended_use": ["regenerate_repair_replace", "treat_prevent_diagnose"]}, "TEP", False, None),
        ({"manipulations": ["expansion"], "intended_use": ["modify_physiological_functions"]}, "undetermined", False, "regenerate, repair or replace"),
        ({"manipulations": ["expansion"], "viable_cells": "no", "non_viable_action": "pharmacological_immunological_metabolic",
          "intended_use": ["modify_physiological_functions"]}, "not-ATMP", False, "medicinal product by function"),
        ({"contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "yes", "effect_from_sequence": "yes",
          "infectious_disease_vaccine": "no", "intended_use": ["modify_physiological_functions"]}, "GTMP", False, None),
        ({"cell_source": ["xenogeneic"]}, "undetermined", False, "ask the CAT"),
        ({"cell_source": ["xenogeneic"], "viable_cells": "no", "non_viable_action": "pharmacological_immunological_metabolic"},
         "not-ATMP", False, "animal cells and tissues are outside the human tissues"),
        ({"cell_source": ["xenogeneic"], "viable_cells": "no", "manipulations": ["expansion"],
          "non_viable_action": "pharmacological_immunological_metabolic", "device_integral": "yes",
          "device_kind": "medical_device", "cells_primary_to_device": "no"}, "not-ATMP", False, "MDR Article 1(6)(f)"),
    ],
)
def test_rules_from_the_law(ruleset, changes, code, combined, destination):
    answers = {**BASE_CELLS, **changes}
    answers = applicable_answers(ruleset, answers).effective
    if "hospital_exemption" in applicable_answers(ruleset, answers).missing:
        answers["hospital_exemption"] = "no"
    result = classify(ruleset, answers)
    assert (result.classification.code, result.classification.combined) == (code, combined)
    if destination:
        assert any(destination.lower() in b.lower() for b in to_dict(result)["belongs"]), result.belongs


def test_tep_reports_non_product_factors_from_the_seed(ruleset):
    result = classify(ruleset, {**BASE_CELLS, "manipulations": ["expansion"], "hospital_exemption": "no"})
    note = next(n for n in to_dict(result)["notes"] if n["id"] == "tep_non_product_factors")
    assert "surgical" in note["text"] and "biomaterials" in note["text"]


def test_swedish_notes_only_with_country(ruleset):
    answers = {**BASE_CELLS, "manipulations": ["expansion"], "hospital_exemption": "yes"}
    plain = classify(ruleset, answers)
    swedish = classify(ruleset, answers, country="SE")
    assert not any(n.country for n in plain.notes)
    ids = {n.id for n in swedish.notes if n.country == "SE"}
    assert "se_hospital_exemption_permit" in ids
    assert "se-lvfs-2011-3" in swedish.citation_ids
    tissue = classify(ruleset, BASE_CELLS, country="SE")
    assert any("National Board of Health and Welfare" in n["text"] for n in to_dict(tissue)["notes"])


def test_same_input_gives_identical_results(ruleset):
    answers = {**BASE_CELLS, "same_essential_function": "unsure", "hospital_exemption": "no"}
    first, second = classify(ruleset, answers, product="A"), classify(ruleset, answers, product="B")
    first_json, second_json = to_dict(first), to_dict(second)
    assert first_json["audit"]["answers_sha256"] == second_json["audit"]["answers_sha256"]
    assert first_json["audit"]["document_sha256"] != second_json["audit"]["document_sha256"]  # the product differs
    for data in (first_json, second_json):
        del data["audit"]["document_sha256"]
    assert {**first_json, "product": "B"} == second_json
    assert first.answers_digest == answers_sha256(first.answers)
    with pytest.raises(TypeError):  # the answers are frozen: a caller cannot reach into the memoised result
        first.answers["human_use"] = "no"
    assert classify(ruleset, answers).answers["human_use"] == "yes"


def test_doubt_rule_only_when_atmp_status_itself_is_in_doubt(ruleset):
    car_t = {**BASE_CELLS, "nucleic_acid": "recombinant", "genetic_purpose": "unsure", "effect_from_sequence": "yes",
             "infectious_disease_vaccine": "no", "manipulations": ["genetic_modification"],
             "intended_use": ["treat_prevent_diagnose"], "hospital_exemption": "no"}
    gtmp_or_sctmp = classify(ruleset, car_t)
    assert {b.code for b in gtmp_or_sctmp.branches} == {"GTMP", "sCTMP"}
    assert "doubt_rule" not in {n.id for n in gtmp_or_sctmp.notes}
    tep_or_not = classify(ruleset, {**BASE_CELLS, "same_essential_function": "unsure", "hospital_exemption": "no"})
    assert "doubt_rule" in {n.id for n in tep_or_not.notes}


def test_swedish_tissue_note_only_for_human_cells(ruleset):
    animal = classify(ruleset, {**BASE_CELLS, "cell_source": ["xenogeneic"]}, country="SE")
    assert not any("National Board of Health and Welfare" in n["text"] for n in to_dict(animal)["notes"])


def test_mixed_autologous_allogeneic_note(ruleset):
    result = classify(ruleset, {**BASE_CELLS, "cell_source": ["autologous", "allogeneic"], "manipulations": ["expansion"], "hospital_exemption": "no"})
    assert any(n.id == "mixed_source" for n in result.notes)
    assert "reg1394-art2-3" in result.citation_ids


def test_callers_cannot_corrupt_memoised_results(ruleset):
    answers = {**BASE_CELLS, "manipulations": ["expansion", "cryopreservation"], "hospital_exemption": "no"}
    first = to_dict(classify(ruleset, answers))
    first["answers"]["manipulations"].append("other")  # the JSON dict is the caller's own copy
    first["path"][5]["answer"].append("other")
    again = classify(ruleset, answers)
    assert again.answers["manipulations"] == ("expansion", "cryopreservation")
    assert to_dict(again)["path"][5]["answer"] == ["expansion", "cryopreservation"]
    assert again.answers_digest == answers_sha256(again.answers)


def test_decisive_answers_miss_no_change_that_changes_the_outcome(ruleset, walks):
    """Changes between values no condition compares are skipped for speed; trying every change finds no more."""
    from atmp_cli.engine import _alternatives

    for document in walks[1000:1250]:
        answers = applicable_answers(ruleset, document["answers"]).effective
        result = classify(ruleset, answers)
        outcome = (result.classification.code, result.classification.combined)
        found = {(d.question, tuple(d.answer) if isinstance(d.answer, tuple) else d.answer) for d in result.decisive}
        for qid, answer in answers.items():
            question = ruleset.question(qid)
            if answer == "unsure":
                continue
            for alternative in _alternatives(question, answer, frozenset(question.values)):  # every change
                changed = {**answers, qid: list(alternative) if isinstance(alternative, tuple) else alternative}
                if not check_document(ruleset, {"answers": changed}).ok:
                    continue
                other = outcome_of(ruleset, changed)
                if other is not None and other != outcome:
                    key = tuple(v for v in question.values if v in alternative) if question.kind == "multi" else alternative
                    assert (qid, key) in found, (qid, alternative, answers)
