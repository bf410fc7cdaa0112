"""Answers files you can find: `atmp template`, `atmp schema`, `atmp examples NAME`, and the loader they match."""

from __future__ import annotations

import json
import random

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from atmp_cli import bank
from atmp_cli.answers import check_document
from atmp_cli.cli import app
from atmp_cli.examples import example_paths, load_example
from atmp_cli.exit_codes import ExitCode
from atmp_cli.sampling import random_document
from batch_data import DOCUMENTS

RULESET = bank.load("eu")


@pytest.fixture(scope="module")
def validator():
    """The schema `atmp schema` prints, checked against the draft's meta-schema."""
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator, document) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


# ---------------------------------------------------------------------------------------------- schema


def test_schema_is_draft_2020_12_and_follows_the_bank(validator):
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    properties = schema["properties"]["answers"]["properties"]
    assert list(properties) == [q.id for q in RULESET.questions]
    assert properties["genetic_purpose"]["enum"] == ["yes", "no", "unsure", None]
    assert properties["human_use"]["enum"] == ["yes", "no", None]
    multi = properties["manipulations"]
    assert multi["uniqueItems"] is True and multi["minItems"] == 1 and multi["items"]["enum"][0] == "none"


@pytest.mark.parametrize("name", sorted(example_paths(RULESET)))
def test_every_built_in_example_is_valid(validator, name):
    assert problems(validator, load_example(RULESET, name)) == []


def test_every_public_case_is_valid(validator):
    for document in DOCUMENTS:
        assert problems(validator, document) == [], document["product"]


def test_the_blank_template_is_valid(validator, runner):
    template = json.loads(runner.invoke(app, ["template"]).stdout)
    assert problems(validator, template) == []


def answered(**changes) -> dict:
    return {"product": "x", "answers": {**DOCUMENTS[0]["answers"], **changes}}


@pytest.mark.parametrize(
    "document",
    [
        answered(human_usee="yes"),  # unknown question id
        answered(human_use="maybe"),  # unknown value
        answered(human_use="unsure"),  # unsure where the bank does not allow it
        answered(human_use=True),  # wrong type
        answered(manipulations="expansion"),  # a multi-select takes a list
        answered(manipulations=[]),
        answered(manipulations=["expansion", "expansion"]),
        answered(manipulations=["none", "expansion"]),  # an exclusive option stands alone
        {**answered(), "product": 3},
        {"product": "x", "answers": []},
        {"product": "x"},
        [answered()],
    ],
)
def test_a_broken_file_is_rejected_by_the_schema_and_the_loader(validator, document):
    assert problems(validator, document)
    assert check_document(RULESET, document).errors


def test_top_level_keys_are_accepted_as_the_loader_accepts_them(validator):
    document = {**DOCUMENTS[0], "$schema": "answers.schema.json", "note": "x"}
    assert problems(validator, document) == []
    checked = check_document(RULESET, document)
    assert checked.ok and len(checked.warnings) == 1 and "'note'" in RULESET.messages.word(checked.warnings[0])


VALUES = sorted({v for q in RULESET.questions for v in q.allowed})
answer_values = st.none() | st.booleans() | st.integers() | st.sampled_from(VALUES) | st.lists(st.sampled_from(VALUES), max_size=4)


@st.composite
def documents(draw):
    """Valid documents down random paths, then some answers replaced, dropped or nulled."""
    document = random_document(RULESET, random.Random(draw(st.integers(0, 2**32))))
    answers = dict(document["answers"])
    for qid in draw(st.lists(st.sampled_from([q.id for q in RULESET.questions] + ["bogus"]), max_size=3)):
        answers[qid] = draw(answer_values)
    return {"product": draw(st.none() | st.text(max_size=5)), "answers": answers}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(documents())
def test_schema_and_loader_accept_the_same_documents(validator, document):
    """Which questions must be answered is the loader's alone, so completeness is left out of the comparison."""
    checked = check_document(RULESET, document, require_complete=False)
    contradiction = any(" and answers." in error.field for error in checked.errors)  # across answers: the loader's alone
    assert (problems(validator, document) == []) == (checked.ok or contradiction), document


# ---------------------------------------------------------------------------------------------- template


def test_json_template_lists_every_question_unanswered_with_its_values(runner):
    template = json.loads(runner.invoke(app, ["template", "--format", "json"]).stdout)
    assert list(template["answers"]) == [q.id for q in RULESET.questions]
    assert set(template["answers"].values()) == {None} and template["product"] == ""
    assert template["$allowed"]["genetic_purpose"] == "one of: yes, no, unsure"
    assert template["$allowed"]["intended_use"].startswith("one or more of: regenerate_repair_replace, ")
    checked = check_document(RULESET, template, require_complete=False)
    assert checked.ok and checked.answers == {} and checked.product is None and checked.warnings == []


def test_csv_template_has_the_header_and_a_comment_row(runner):
    out = runner.invoke(app, ["template", "--format", "csv"]).stdout
    header, hints = out.removeprefix("\ufeff").splitlines()
    assert header == ",".join(["product"] + [q.id for q in RULESET.questions])
    assert hints.startswith("#") and "autologous; allogeneic; xenogeneic" in hints


def test_template_output_file_takes_its_format_from_the_extension(runner, tmp_path):
    assert runner.invoke(app, ["template", "-o", str(tmp_path / "t.csv")]).exit_code == 0
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbfproduct,human_use,")
    assert runner.invoke(app, ["template", "-o", str(tmp_path / "t.json")]).exit_code == 0
    assert "answers" in json.loads((tmp_path / "t.json").read_text())
    refused = runner.invoke(app, ["template", "-o", str(tmp_path / "t.xlsx")])
    assert refused.exit_code == ExitCode.USAGE and "--output" in refused.stderr


# ---------------------------------------------------------------------------------------------- examples


def test_examples_name_prints_the_answers_file(runner):
    result = runner.invoke(app, ["examples", "car-t"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == load_example(RULESET, "car-t")
    again = runner.invoke(app, ["classify", "--answers", "-", "--format", "json"], input=result.stdout)
    assert again.exit_code == 0 and json.loads(again.stdout)["classification"]["code"] == "GTMP"


def test_examples_without_a_name_still_lists(runner):
    result = runner.invoke(app, ["examples"])
    assert result.exit_code == 0 and "car-t" in result.stdout and "classify --example NAME" in result.stdout


def test_unknown_example_is_a_usage_error(runner):
    result = runner.invoke(app, ["examples", "car_t"])
    assert result.exit_code == ExitCode.USAGE and "did you mean 'car-t'" in result.stderr and result.stdout == ""
