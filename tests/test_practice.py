"""Results a new user can trust: decisive answers, borderline flags, and the failures seen in the new-user trial.

Each hand-made case below is one way a careful new user went wrong, answering from a published description;
the result must now say that it is fragile, with the authority's class among the alternatives.
"""

from __future__ import annotations

import json

import pytest

from atmp_cli import wording
from atmp_cli.engine import classify
from helpers import load_cases

STROMAL = {
    "human_use": "yes", "contains_cells": "yes", "cell_source": ["allogeneic"], "viable_cells": "yes",
    "nucleic_acid": "none", "manipulations": ["expansion"], "same_essential_function": "no", "device_integral": "no",
}
# The published cases that come out borderline: each turns on an answer a careful reader could give otherwise.
BORDERLINE_CASES = {
    "cat-2019-10-03",  # PRP + SVF for a fistula: same essential function is unsure, TEP or undetermined
    "src-5",  # bioprinted islets: does bioprinting alter them? regenerate or treat?
    "cat-2016-04-01", "b-uk-hta-acellular-matrix",  # non-viable matrices: structural or pharmacological?
    "cat-2011-11-02",  # CD133+ cells for the heart: homologous or not?
    "src-12",  # adipose cells, not manipulated: homologous use decides
    "b-epar-alofisel", "cat-2019-03-02",  # stromal cells treating a disease: would a repair claim make them TEPs?
}


def decisive(result):
    return {(d.question, tuple(d.answer) if isinstance(d.answer, tuple) else d.answer): (d.code, d.judgement) for d in result.decisive}


@pytest.mark.parametrize("case", load_cases(), ids=[c["id"] for c in load_cases()])
def test_published_case_class_and_borderline(ruleset, case):
    result = classify(ruleset, case["input"]["answers"])
    assert (result.classification.code, result.classification.combined) == (case["expected"]["code"], case["expected"]["combined"])
    assert result.classification.borderline == (case["id"] in BORDERLINE_CASES)


def test_share_of_borderline_published_cases_stays_a_minority():
    assert len(BORDERLINE_CASES) / len(load_cases()) < 0.35


def test_stromal_cells_for_tissue_damage_answered_treat_only_are_borderline_with_tep(ruleset):
    result = classify(ruleset, {**STROMAL, "intended_use": ["treat_prevent_diagnose"]})
    c = result.classification
    assert (c.code, c.borderline) == ("sCTMP", True)
    assert decisive(result)[("intended_use", ("regenerate_repair_replace", "treat_prevent_diagnose"))] == ("TEP", True)
    assert "article_17" in {n.id for n in result.notes}


def test_stromal_cells_with_both_purposes_are_tep_and_borderline_towards_sctmp(ruleset):
    result = classify(ruleset, {**STROMAL, "intended_use": ["regenerate_repair_replace", "treat_prevent_diagnose"]})
    assert (result.classification.code, result.classification.borderline) == ("TEP", True)
    assert decisive(result)[("intended_use", ("treat_prevent_diagnose",))] == ("sCTMP", True)


def test_enzymatically_dissociated_tissue_judged_unaltered_is_borderline_with_tep(ruleset):
    answers = {**STROMAL, "cell_source": ["autologous"], "manipulations": ["enzymatic_digestion", "centrifugation"],
               "other_manipulation_alters": "no", "same_essential_function": "yes",
               "intended_use": ["regenerate_repair_replace"]}
    result = classify(ruleset, answers)
    assert (result.classification.code, result.classification.borderline) == ("not-ATMP", True)
    assert decisive(result)[("other_manipulation_alters", "yes")] == ("TEP", True)


def test_a_selection_step_ticked_as_activation_is_borderline(ruleset):
    answers = {**STROMAL, "manipulations": ["cell_separation", "activation"], "same_essential_function": "yes",
               "intended_use": ["treat_prevent_diagnose"]}
    result = classify(ruleset, answers)
    assert (result.classification.code, result.classification.borderline) == ("sCTMP", True)
    assert decisive(result)[("manipulations", ("cell_separation",))] == ("not-ATMP", True)


def test_a_cell_free_product_shows_cell_tests_as_not_applicable(ruleset):
    answers = {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "synthetic", "intended_use": ["treat_prevent_diagnose"]}
    result = classify(ruleset, answers)
    tests = {t.rule: t for check in result.checks for t in check.tests}
    for rule in ("engineered", "not_excluded_non_viable", "cells_act_pim", "genetic_sequence_purpose"):
        assert not tests[rule].applicable and wording.of(ruleset).test_finding(tests[rule]) in (
            "It contains no cells or tissues.", "The active substance contains no recombinant nucleic acid."), rule
    assert tests["has_cells"].applicable and tests["has_cells"].holds is False


def test_facts_are_decisive_but_not_borderline(ruleset):
    """CAR-T: turning human_use to 'no' changes the class, but that is a fact, not a judgement call."""
    result = classify(ruleset, json.load(open(ruleset.root / "examples" / "car-t.json"))["answers"])
    assert not result.classification.borderline
    assert decisive(result)[("human_use", "no")] == ("not-ATMP", False)


def test_unsure_where_a_user_can_lack_the_fact(ruleset):
    for qid in ("cell_source", "viable_cells", "device_integral"):
        assert ruleset.question(qid).unsure, qid
    result = classify(ruleset, {**STROMAL, "cell_source": "unsure", "viable_cells": "unsure", "intended_use": ["regenerate_repair_replace"]})
    assert result.classification.code == "undetermined"
    assert {q for b in result.branches for q in b.assume} == {"viable_cells"}
