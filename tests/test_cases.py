"""Every published classification in shared/cases is a test: a wrong answer is a bug in the rules."""

from __future__ import annotations

import pytest

from atmp_cli.serialize import to_dict
from atmp_cli.answers import check_document
from atmp_cli.engine import classify
from helpers import load_cases

CASES = load_cases()


def test_there_are_published_cases():
    assert len(CASES) >= 26


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_classifies_to_published_outcome(ruleset, case):
    checked = check_document(ruleset, case["input"])
    assert checked.ok, [str(e) for e in checked.errors]
    result = classify(ruleset, checked.answers, product=checked.product)
    got = {"code": result.classification.code, "combined": result.classification.combined}
    assert got == {"code": case["expected"]["code"], "combined": case["expected"]["combined"]}, case["source_url"]
    # the reasoning is there too: a path of findings and at least one citation for the outcome
    data = to_dict(result)
    assert data["path"] and all(step["finding"] for step in data["path"])
    assert data["classification"]["reason"]
