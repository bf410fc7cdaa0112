"""`atmp classify`, `questions`, `definitions`, `examples` through typer's CliRunner."""

from __future__ import annotations

import json

import pytest

from atmp_cli.cli import app
from helpers import GOOD


def write(tmp_path, document, name="product.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return str(path)


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("atmp ")


def test_classify_example_text_report(runner):
    result = runner.invoke(app, ["classify", "--example", "car-t"])
    assert result.exit_code == 0, result.stderr
    assert "Gene therapy medicinal product (GTMP)" in result.stdout
    assert "Gene therapy medicinal product means a biological medicinal product" in result.stdout  # the definition met
    assert "Decision path" not in result.stdout and "Legal texts cited" not in result.stdout  # the appendix: --full
    assert result.stdout.rstrip().splitlines()[-1] == "Classification: Gene therapy medicinal product (GTMP)"
    full = runner.invoke(app, ["classify", "--example", "car-t", "--full"])
    assert full.exit_code == 0, full.stderr
    assert "Decision path" in full.stdout and "Legal texts cited" in full.stdout and "Sources of the quoted texts" in full.stdout
    assert full.stdout.rstrip().splitlines()[-1] == "Classification: Gene therapy medicinal product (GTMP)"


def test_classify_json_is_stable_and_complete(runner, tmp_path):
    path = write(tmp_path, {"product": "Chondrocytes", "answers": GOOD})
    first = runner.invoke(app, ["classify", "--answers", path, "--format", "json"])
    second = runner.invoke(app, ["classify", "--answers", path, "--format", "json"])
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert set(data) >= {"schema_version", "tool_version", "ruleset", "product", "classification", "path",
                         "citations", "branches", "notes", "warnings", "answers"}
    assert data["classification"] == {**data["classification"], "code": "TEP", "combined": False}
    assert set(data["ruleset"]) == {"id", "version", "legal_texts_as_of"}
    assert all({"question", "answer", "finding", "citations"} <= set(step) for step in data["path"])
    cited = {c["id"] for c in data["citations"]}
    assert {c for step in data["path"] for c in step["citations"]} <= cited
    for citation in data["citations"]:
        assert {"id", "citation", "text", "source", "status", "confidence"} <= set(citation)
    assert "produced_at" not in data["audit"] and len(data["audit"]["answers_sha256"]) == 64


def test_paraphrases_are_labelled_in_json(runner):
    data = json.loads(runner.invoke(app, ["classify", "--example", "cells-on-scaffold", "--format", "json"]).stdout)
    combined = next(c for c in data["citations"] if c["id"] == "reg1394-art2-1-d")
    assert combined["presentation"] == "verbatim" and combined["caveat"] == "" and "legalize-eu" in combined["status"]
    pointer = next(c for c in data["citations"] if c["id"] == "dir2001-83-art5-1")  # named-patient supply: not found
    assert pointer["presentation"] == "paraphrase" and pointer["caveat"] == "paraphrase, not the wording of the law"
    assert pointer["text"] == ""


def test_paraphrases_are_labelled_in_text(runner):
    out = runner.invoke(app, ["classify", "--example", "cells-on-scaffold", "--full"]).stdout
    assert "paraphrase, not the wording of the law" in out
    assert "“a pointer, not the wording" not in out  # a paraphrase is never laid out as a quotation


def test_stdin_answers(runner):
    result = runner.invoke(app, ["classify", "--answers", "-", "--format", "json"], input=json.dumps({"answers": GOOD}))
    assert result.exit_code == 0 and json.loads(result.stdout)["classification"]["code"] == "TEP"


def test_undetermined_exits_3_with_branches(runner):
    result = runner.invoke(app, ["classify", "--example", "digested-fat-unsure", "--format", "json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["classification"]["code"] == "undetermined"
    assert {b["code"] for b in data["branches"]} == {"TEP", "not-ATMP"}
    assert any("Article 17" in n["text"] for n in data["notes"])


def test_country_se_adds_national_notes(runner, tmp_path):
    path = write(tmp_path, {"answers": {**GOOD, "manipulations": ["cutting"]}})
    plain = runner.invoke(app, ["classify", "--answers", path, "--full"])
    swedish = runner.invoke(app, ["classify", "--answers", path, "--country", "se", "--full"])
    assert "National Board of Health and Welfare" not in plain.stdout
    assert "National Board of Health and Welfare" in swedish.stdout
    bad = runner.invoke(app, ["classify", "--answers", path, "--country", "XX"])
    assert bad.exit_code == 2 and "available: SE" in bad.stderr


@pytest.mark.parametrize(
    "content, code, message",
    [
        ('{"answers": {', 1, "product.json: not valid JSON: Expecting"),
        ({"answers": {**GOOD, "viable_cells": 1}}, 1, "product.json: answers.viable_cells: expected one of yes, no, unsure, got a number"),
        ({"answers": {**GOOD, "manipulatons": ["expansion"]}}, 1, "did you mean 'manipulations'?"),
        ({"answers": {"human_use": "yes"}}, 1, "product.json: answers: missing required answers: contains_cells (Does the product contain"),
    ],
)
def test_bad_input_is_one_clear_line_without_traceback(runner, tmp_path, content, code, message):
    result = runner.invoke(app, ["classify", "--answers", write(tmp_path, content)])
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.startswith("atmp: error: ")
    assert "Traceback" not in result.stderr + result.stdout and result.stdout == ""


def test_classify_answers_with_a_byte_order_mark(runner, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"answers": GOOD}).encode("utf-8"))
    from_file = runner.invoke(app, ["classify", "--answers", str(path), "--format", "json"])
    assert from_file.exit_code == 0, from_file.stderr
    from_stdin = runner.invoke(app, ["classify", "--answers", "-", "--format", "json"], input=path.read_bytes())
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert json.loads(from_file.stdout)["classification"] == json.loads(from_stdin.stdout)["classification"]


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(app, ["classify", "--answers", str(tmp_path / "nope.json")]).exit_code == 2
    result = runner.invoke(app, ["classify", "--example", "car_t"])
    assert result.exit_code == 2 and "did you mean 'car-t'" in result.stderr
    assert runner.invoke(app, ["classify", "--format", "pdf", "--example", "car-t"]).exit_code == 2
    assert runner.invoke(app, ["classify", "--ruleset", "us", "--example", "car-t"]).exit_code == 2


def test_no_answers_and_no_terminal_exits_2_at_once(runner):
    result = runner.invoke(app, ["classify"], input="")
    assert result.exit_code == 2 and "--answers" in result.stderr


def test_product_with_markup_and_escapes_is_printed_literally(runner, tmp_path):
    product = "[bold red]Evil[/bold red] <script>alert(1)</script> \x1b[31mred\x1b[0m"
    path = write(tmp_path, {"product": product, "answers": GOOD})
    text = runner.invoke(app, ["classify", "--answers", path], env={"COLUMNS": "200"})
    assert "[bold red]Evil[/bold red] <script>alert(1)</script> red" in text.stdout
    assert "\x1b" not in text.stdout
    data = json.loads(runner.invoke(app, ["classify", "--answers", path, "--format", "json"]).stdout)
    assert data["product"] == "[bold red]Evil[/bold red] <script>alert(1)</script> red"


def test_questions_lists_the_bank(runner):
    text = runner.invoke(app, ["questions"])
    assert text.exit_code == 0 and "hospital_exemption" in text.stdout and "asked when: contains_cells == yes" in text.stdout
    data = json.loads(runner.invoke(app, ["questions", "--format", "json"]).stdout)
    assert next(q for q in data if q["id"] == "other_manipulation_alters")["condition"] == "manipulations has_any [other, enzymatic_digestion]"
    assert [q["id"] for q in data][:3] == ["human_use", "contains_cells", "cell_source"]
    assert next(q for q in data if q["id"] == "other_manipulation_alters")["allowed"] == ["yes", "no", "unsure"]


def test_definitions_verbatim_with_citation_and_source(runner, ruleset):
    result = runner.invoke(app, ["definitions", "reg1394-art2-1-b"])
    assert result.exit_code == 0
    assert "Regulation (EC) No 1394/2007, Article 2(1), point (b)" in result.stdout
    assert "legislation.gov.uk" in result.stdout
    data = json.loads(runner.invoke(app, ["definitions", "--format", "json"]).stdout)
    assert len(data) == len(ruleset.texts)
    assert runner.invoke(app, ["definitions", "reg1394-art2-1-x"]).exit_code == 2


def test_examples_cover_every_outcome_class(runner):
    data = json.loads(runner.invoke(app, ["examples", "--format", "json"]).stdout)
    outcomes = {(row["code"], row["combined"]) for row in data}
    assert {"GTMP", "sCTMP", "TEP", "not-ATMP", "undetermined"} == {code for code, _ in outcomes}
    assert ("TEP", True) in outcomes
    assert any(row["name"] == "car-t" for row in data)


def test_help_documents_exit_codes(runner):
    result = runner.invoke(app, ["classify", "--help"])
    assert "130" in result.stdout and "undetermined" in result.stdout and "--answers" in result.stdout
