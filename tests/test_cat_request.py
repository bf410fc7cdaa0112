"""The draft CAT request: `atmp classify ... --output request.docx` (Word) and `--format cat-request` (Markdown).

Read back as a user gets it (python-docx for Word), from an answers file whose `case` and `justifications`
carry markup and control characters that must come out literally, and cleaned.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import docx
import jsonschema
import pytest
from docx.enum.text import WD_COLOR_INDEX

from atmp_cli import bank
from atmp_cli.answers import CASE_KEYS
from atmp_cli.cli import app
from atmp_cli.examples import load_example
from atmp_cli.exit_codes import ExitCode
from atmp_cli.render.cat_request import load_form
from helpers import REPO

RULESET = bank.load("eu")
EMA_PAGE = "https://www.ema.europa.eu/en/human-regulatory-overview/marketing-authorisation/advanced-therapies-marketing-authorisation/advanced-therapy-classification"
GOVERNS = "EMA's current form governs"
PLACEHOLDER = "[To be completed by the applicant: "
TICK_LABELS = {"not-ATMP": "None", "GTMP": "Gene therapy", "sCTMP": "Somatic cell therapy", "TEP": "Tissue engineered"}

ORGANISATION = "Acme [bold] <script>alert(1)</script> \x1b[31mRed\x1b[0m & Co\x07"
DESCRIPTION = "Autologous T cells **transduced**\nwith a lentiviral vector\x00"
JUSTIFICATION = "No device: [x](javascript:alert(1)) <b>none</b>\x1b]8;;http://evil\x07 at all"
CASE = {"reference": "REF-13 [i]", "organisation": ORGANISATION, "assessor": "A. Person", "date": "2026-12-01",
        "description": DESCRIPTION, "notes": "- first note\n# not a heading"}  # no indication: a placeholder
JUSTIFICATIONS = {"device_integral": JUSTIFICATION, "genetic_purpose": "The vector adds the CAR gene."}


def cleaned(text: str) -> str:
    """What the draft must show: the text with its escape sequences and control characters gone, nothing else."""
    return re.sub(r"\x1b\[[0-9;]*m|\x1b\][^\x07]*\x07|[\x00-\x08\x0b-\x1f]", "", text)


def answers_file(tmp_path, example="car-t", **extra) -> str:
    document = {**load_example(RULESET, example), "product": "CAR-T <b>19</b>", "case": CASE, "justifications": JUSTIFICATIONS}
    document.update(extra)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def json_classification(runner, path: str) -> dict:
    """What `classify --format json` says the class is: the draft must tick the same."""
    result = runner.invoke(app, ["classify", "--answers", path, "--format", "json"])
    assert result.exit_code in (ExitCode.CLASSIFIED, ExitCode.UNDETERMINED), result.stderr
    return json.loads(result.stdout)["classification"]


def docx_fields(document) -> dict[str, str]:
    """Every two-column row of the Word draft: label -> value."""
    return {row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows}


def docx_text(document) -> str:
    return "\n".join([p.text for p in document.paragraphs] + [f"{k}\n{v}" for k, v in docx_fields(document).items()])


def ticked(value: str) -> list[str]:
    return re.findall(r"☒ ((?:[A-Z][a-z]*)(?: [a-z]+)*)", value)


# ---------------------------------------------------------------------------------------------- Word


@pytest.fixture()
def word(runner, tmp_path):
    path = answers_file(tmp_path)
    target = tmp_path / "request.docx"
    result = runner.invoke(app, ["classify", "--answers", path, "--output", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    data = json.loads(runner.invoke(app, ["classify", "--answers", path, "--format", "json"]).stdout)
    return docx.Document(str(target)), data, tmp_path


def test_docx_request_holds_the_case_literally(word):
    document, _, _ = word
    fields = docx_fields(document)
    assert fields["Company developing the product (applicant)"] == "Acme [bold] <script>alert(1)</script> Red & Co"
    assert fields["Company developing the product (applicant)"] == cleaned(ORGANISATION)
    assert fields["Proposed product invented name or identifier"] == "CAR-T <b>19</b>"
    assert fields["Brief description of the proposed finished product"] == cleaned(DESCRIPTION)  # its newline kept
    assert fields["Product description"] == cleaned(DESCRIPTION)
    assert fields["Internal reference"] == "REF-13 [i]" and fields["Prepared by"] == "A. Person"
    assert fields["Date of the assessment"] == "2026-12-01"


def test_docx_proposed_classification_matches_the_json_result(word):
    document, data, _ = word
    classification = data["classification"]
    assert classification["code"] == "GTMP" and classification["combined"] is False
    value = docx_fields(document)["Proposed advanced therapy medicinal product classification"]
    assert ticked(value) == [TICK_LABELS[classification["code"]], "Not combined"]
    assert f"(code {classification['code']}, not combined)" in value
    assert docx_fields(document)["Outcome of the scientific recommendation"] == classification["label"]


def test_docx_marks_what_atmp_cannot_know(word):
    document, _, _ = word
    fields = docx_fields(document)
    assert fields["Proposed indication"] == PLACEHOLDER + "the proposed indication]"  # the case has no indication
    assert fields["Therapeutic area"].startswith(PLACEHOLDER)
    assert fields["Person authorised to communicate on behalf of the applicant"].startswith(PLACEHOLDER)
    assert fields["Date"].startswith(PLACEHOLDER)
    assert not fields["Company developing the product (applicant)"].startswith(PLACEHOLDER)
    cell = next(row.cells[1] for table in document.tables for row in table.rows if row.cells[0].text == "Proposed indication")
    run = cell.paragraphs[0].runs[0]
    assert run.italic and run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    company = next(row.cells[1] for table in document.tables for row in table.rows
                   if row.cells[0].text == "Company developing the product (applicant)")
    assert not company.paragraphs[0].runs[0].italic


def test_docx_names_its_source_and_that_the_current_form_governs(word):
    document, _, _ = word
    text = docx_text(document)
    assert EMA_PAGE in text and GOVERNS in text and "draft generated by atmp" in text
    assert document.paragraphs[0].text == "Scientific Recommendation on classification of Advanced Therapy Medicinal Products"
    assert GOVERNS in document.core_properties.comments and document.core_properties.author == "atmp"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == ["About this draft (atmp)", "Information on the Request *", "Proposed Summary for Public Release",
                            "Briefing information (atmp)", "1. SCIENTIFIC ASPECTS", "1.1. Active substance"]


def test_docx_briefing_carries_the_justifications_checks_and_precedents(word):
    document, data, _ = word
    items = [p.text for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    device = RULESET.question("device_integral").prompt
    at = items.index(device)
    assert "Applicant's justification: " + cleaned(JUSTIFICATION) in items[at + 1:at + 6]
    assert "Applicant's justification: No device: [x](javascript:alert(1)) <b>none</b> at all" in items
    assert "Applicant's justification: The vector adds the CAR gene." in items
    assert any(item.startswith("Applicant's justification: " + PLACEHOLDER) for item in items)  # questions without one
    assert "Gene therapy medicinal product (GTMP): met" in items and "Tissue engineered product (TEP): not met" in items
    cited = next(c for c in data["citations"] if c["id"] == "reg1394-art2-1-a")
    assert f"Cited: {cited['citation']} ({cited['source']})" in items and cited["source"].startswith("https://")
    nearest = data["precedents"][0]
    at = items.index(nearest["product"])
    assert items[at + 1].startswith(f"Outcome: Gene therapy medicinal product (GTMP) ({nearest['authority']}")
    assert items[at + 2] == f"Source: {nearest['source']}"
    change = items.index("If genetic_purpose is “No”")  # a decisive answer, and what it would change the class to
    assert items[change + 1] == "Outcome: Somatic cell therapy medicinal product (sCTMP) (a matter of fact)"


def test_no_control_character_reaches_the_word_file(word):
    document, _, _ = word
    text = docx_text(document)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text.replace("\n", ""))


def test_docx_is_written_atomically(word):
    _, _, folder = word
    assert sorted(p.name for p in folder.iterdir()) == ["answers.json", "request.docx"]  # no temporary file left


def test_a_failed_run_leaves_an_existing_docx_alone(runner, tmp_path):
    target = tmp_path / "request.docx"
    target.write_bytes(b"old")
    path = answers_file(tmp_path, case={"organisation": 7})
    result = runner.invoke(app, ["classify", "--answers", path, "--output", str(target)])
    assert result.exit_code == ExitCode.INVALID_INPUT and target.read_bytes() == b"old"


# ---------------------------------------------------------------------------------------------- Markdown


def test_markdown_on_stdout_and_in_a_file_is_the_same_draft(runner, tmp_path):
    path = answers_file(tmp_path)
    out = runner.invoke(app, ["classify", "--answers", path, "--format", "cat-request"])
    target = tmp_path / "x.md"
    written = runner.invoke(app, ["classify", "--answers", path, "--format", "cat-request", "--output", str(target)])
    assert out.exit_code == 0 and written.exit_code == 0, out.stderr + written.stderr
    assert target.read_text(encoding="utf-8") == out.stdout and written.stdout == ""


def test_markdown_draft_escapes_user_text_and_marks_placeholders(runner, tmp_path):
    path = answers_file(tmp_path)
    text = runner.invoke(app, ["classify", "--answers", path, "--format", "cat-request"]).stdout
    assert "Acme \\[bold\\] &lt;script&gt;alert(1)&lt;/script&gt; Red &amp; Co" in text
    assert "<script>" not in text and "<b>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)  # no live link
    assert "No device: \\[x\\](javascript:alert(1)) &lt;b&gt;none&lt;/b&gt; at all" in text
    assert "\\- first note" in text and "\\# not a heading" in text  # the notes cannot make lists or headings
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text.replace("\n", ""))
    assert "*\\[To be completed by the applicant: the proposed indication\\]*" in text
    assert EMA_PAGE in text and GOVERNS in text
    assert "## Information on the Request \\*" in text and "### 1.1. Active substance" in text


@pytest.mark.parametrize("example", ["car-t", "cells-on-scaffold", "msc-gvhd", "chondrocytes", "stem-cell-transplant"])
def test_markdown_ticks_the_class_the_json_gives(runner, tmp_path, example):
    path = answers_file(tmp_path, example)
    classification = json_classification(runner, path)
    text = runner.invoke(app, ["classify", "--answers", path, "--format", "cat-request"]).stdout
    field = text.split("**Proposed advanced therapy medicinal product classification**", 1)[1].split("##", 1)[0]
    expected = [TICK_LABELS[classification["code"]], "Combined" if classification["combined"] else "Not combined"]
    assert ticked(field) == expected
    combined = "combined" if classification["combined"] else "not combined"
    assert f"(code {classification['code']}, {combined})" in field


def test_an_undetermined_result_ticks_nothing_and_says_why(runner, tmp_path):
    path = answers_file(tmp_path, "digested-fat-unsure")
    assert json_classification(runner, path)["code"] == "undetermined"
    result = runner.invoke(app, ["classify", "--answers", path, "--format", "cat-request"])
    assert result.exit_code == ExitCode.UNDETERMINED
    field = result.stdout.split("**Proposed advanced therapy medicinal product classification**", 1)[1].split("##", 1)[0]
    assert "☒" not in field and "answers marked unsure" in field and "\\[To be completed by the applicant:" in field
    summary = result.stdout.split("**Outcome of the scientific recommendation**", 1)[1].split("**Date**", 1)[0]
    assert "\\[To be completed by the applicant: the proposed outcome\\]" in summary


def test_without_a_case_every_request_field_is_a_placeholder_but_the_class(runner, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": load_example(RULESET, "car-t")["answers"]}), encoding="utf-8")
    target = tmp_path / "request.docx"
    assert runner.invoke(app, ["classify", "--answers", str(path), "--output", str(target)]).exit_code == 0
    fields = docx_fields(docx.Document(str(target)))
    labels = [f.label for f in next(s for s in load_form(RULESET).sections if s.id == "request").fields]
    assert len(labels) == 7 and set(labels) <= set(fields)
    assert [label for label in labels if not fields[label].startswith(PLACEHOLDER)] == [
        "Proposed advanced therapy medicinal product classification"]
    assert "Internal reference" not in fields  # optional: left out, not a placeholder


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"case": "Acme"}, "case: expected an object with the keys reference, organisation"),
        ({"case": {"organization": "Acme"}}, "case.organization: unknown key (did you mean 'organisation'?)"),
        ({"case": {"description": 3}}, "case.description: expected a string, got a number"),
        ({"case": {"notes": "\ud800"}}, "case.notes: not valid Unicode text"),
        ({"justifications": {"device_integrl": "x"}}, "justifications.device_integrl: unknown question id (did you mean 'device_integral'?)"),
        ({"justifications": {"device_integral": ["x"]}}, "justifications.device_integral: expected a string, got a list"),
        ({"justifications": ["x"]}, "justifications: expected an object of question id"),
    ],
)
def test_a_bad_case_or_justification_is_one_line_naming_file_and_field(runner, tmp_path, extra, field):
    path = answers_file(tmp_path, **extra)
    result = runner.invoke(app, ["classify", "--answers", path, "--output", str(tmp_path / "request.docx")])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.stderr  # a bad answers file, as for any other field
    assert result.stderr.splitlines() == [result.stderr.rstrip("\n")]
    assert result.stderr.startswith(f"atmp: error: {path}: {field}")
    assert "Traceback" not in result.stderr and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "request.docx").exists()


def test_schema_and_loader_agree_on_case_and_justifications(runner):
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    validator = jsonschema.Draft202012Validator(schema)
    base = load_example(RULESET, "car-t")
    from atmp_cli.answers import check_document

    good = {**base, "case": {**CASE, "indication": None}, "justifications": {**JUSTIFICATIONS, "human_use": None}}
    assert not list(validator.iter_errors(good)) and check_document(RULESET, good).ok
    assert check_document(RULESET, good).warnings == []  # case and justifications are known top-level keys
    for bad in ({"case": "Acme"}, {"case": {"organization": "x"}}, {"case": {"date": 20261201}},
                {"justifications": {"bogus": "x"}}, {"justifications": {"human_use": True}}):
        document = {**base, **bad}
        assert list(validator.iter_errors(document)) and not check_document(RULESET, document).ok, bad


# ---------------------------------------------------------------------------------------------- the form as data


def test_the_form_headings_and_labels_are_those_recorded_from_the_sources():
    """Every heading and label said to come from EMA's form is in docs/sources/cat-request-form.md, verbatim."""
    record = " ".join((REPO / "docs" / "sources" / "cat-request-form.md").read_text(encoding="utf-8").split())
    form = load_form(RULESET)
    words = [form.title, *form.subtitles, form.source]
    for section in form.sections:
        if section.origin == "form":
            words += [section.heading] + [f.label for f in section.fields]
    squeeze = lambda text: " ".join(text.split())
    missing = [w for w in words if squeeze(w) not in record and squeeze(w).replace(". ", ".") not in record]
    assert missing == []


def test_a_slip_in_the_form_data_names_the_file_and_the_entry(tmp_path):
    text = (RULESET.root / "cat_request.toml").read_text(encoding="utf-8").replace('from = "case.indication"', 'from = "case.indicaton"', 1)
    (tmp_path / "cat_request.toml").write_text(text, encoding="utf-8")
    with pytest.raises(bank.BankError, match=r"cat_request.toml: section 'request': field 'Proposed indication': unknown from 'case.indicaton'"):
        load_form(dataclasses.replace(RULESET, root=tmp_path))


def test_classify_help_lists_the_case_keys(runner):
    text = " ".join(runner.invoke(app, ["classify", "--help"], env={"COLUMNS": "80"}).stdout.split())
    assert f'"case" ({", ".join(CASE_KEYS)})' in text and '"justifications"' in text


def test_python_docx_is_imported_only_to_write_word():
    code = ("import sys; from typer.testing import CliRunner; from atmp_cli.cli import app; "
            "import atmp_cli.render.cat_request; "
            "r = CliRunner().invoke(app, ['classify', '--example', 'car-t', '--format', 'cat-request']); "
            "assert r.exit_code == 0, r.output; print('docx' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "False"
