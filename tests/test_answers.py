"""The answers contract: types, ids, values, exclusivity, completeness."""

from __future__ import annotations

import pytest

from atmp_cli.answer_set import AnswerSet
from atmp_cli.answers import check_document, clean_text
from helpers import GOOD


def errors(ruleset, answers, **document):
    checked = check_document(ruleset, {"answers": answers, **document})
    return [str(e) for e in checked.errors]


def test_valid_document(ruleset):
    checked = check_document(ruleset, {"product": "X", "answers": GOOD})
    assert checked.ok and checked.product == "X" and checked.answers == AnswerSet(GOOD)  # canonical: lists as tuples


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"manipulatons": ["expansion"]}, "answers.manipulatons: unknown question id (did you mean 'manipulations'?)"),
        ({"viable_cells": "yess"}, "answers.viable_cells: unknown value 'yess' (did you mean 'yes'?)"),
        ({"viable_cells": True}, "answers.viable_cells: expected one of yes, no, unsure, got a boolean"),
        ({"viable_cells": ["yes"]}, "answers.viable_cells: expected one of yes, no, unsure, got a list"),
        ({"manipulations": "expansion"}, 'answers.manipulations: expected a list of none, cutting'),
        ({"manipulations": ["expansoin"]}, "unknown value 'expansoin' (did you mean 'expansion'?)"),
        ({"manipulations": []}, "answers.manipulations: expected at least one value"),
        ({"manipulations": ["none", "expansion"]}, "'none' cannot be combined with other values"),
        ({"manipulations": ["expansion", "expansion"]}, "a value is listed twice"),
        ({"manipulations": [3]}, "expected strings in the list, got a number"),
        ({"intended_use": ["none_of_these", "treat_prevent_diagnose"]}, "'none_of_these' cannot be combined"),
        ({"human_use": "unsure"}, "unknown value 'unsure'"),
    ],
)
def test_bad_values_name_the_field(ruleset, change, expected):
    assert any(expected in e for e in errors(ruleset, {**GOOD, **change}))


def test_unsure_only_where_allowed(ruleset):
    assert not errors(ruleset, {**GOOD, "same_essential_function": "unsure"})


def test_missing_required_answers_are_listed_with_prompts(ruleset):
    answers = {k: v for k, v in GOOD.items() if k not in ("viable_cells", "same_essential_function")}
    (message,) = errors(ruleset, answers)
    assert message.startswith("answers: missing required answers: viable_cells (Are any of the cells")
    assert "same_essential_function (Are the cells or tissues used for the same essential function" in message


def test_questions_not_asked_are_not_required(ruleset):
    answers = {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "none", "intended_use": ["treat_prevent_diagnose"]}
    assert not errors(ruleset, answers)


@pytest.mark.parametrize(
    "document, expected",
    [
        ([], "(document): expected a JSON object"),
        ({"answers": []}, "answers: expected an object"),
        ({}, "answers: missing"),
        ({"product": 3, "answers": GOOD}, "product: expected a string, got a number"),
    ],
)
def test_bad_documents(ruleset, document, expected):
    checked = check_document(ruleset, document)
    assert any(expected in str(e) for e in checked.errors)


def test_unknown_top_level_key_is_a_warning(ruleset):
    checked = check_document(ruleset, {"answers": GOOD, "prodcut": "x"})
    assert checked.ok and ruleset.messages.word(checked.warnings[0]) == "unknown top-level key 'prodcut' ignored (did you mean 'product'?)"


def test_null_is_not_answered_and_a_blank_product_is_none(ruleset):
    checked = check_document(ruleset, {"product": " ", "answers": {**GOOD, "device_kind": None}})
    assert checked.ok and checked.product is None and "device_kind" not in checked.answers
    (message,) = errors(ruleset, {**GOOD, "human_use": None})
    assert message.startswith("answers: missing required answers: human_use")
    assert errors(ruleset, {**GOOD, "bogus": None}) == ["answers.bogus: unknown question id"]


def test_dollar_keys_are_notes_about_the_document(ruleset):
    checked = check_document(ruleset, {"$schema": "answers.schema.json", "$comment": "x", "answers": GOOD})
    assert checked.ok and checked.warnings == []


def test_control_characters_are_stripped_from_user_text():
    assert clean_text("a\x1b[31mred\x1b[0m\x07 b\nc") == "ared b c"
    assert clean_text("[bold]x[/bold] <script>") == "[bold]x[/bold] <script>"
