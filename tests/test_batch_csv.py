"""Spreadsheets in and out: answers CSV as batch input, output formats by extension, byte-order marks."""

from __future__ import annotations

import csv
import io
import json

import pytest

from atmp_cli import answers_csv, batch, spreadsheet
from atmp_cli.cli import app
from atmp_cli.exit_codes import ExitCode
from batch_data import CASES, DOCUMENTS, UNDETERMINED_DOC, csv_cells


def csv_text(ruleset, documents, *, delimiter=",", columns=None) -> str:
    """Answers documents as an answers CSV (the template's header, one row a document)."""
    columns = columns or answers_csv.column_names(ruleset)
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(csv_cells(document, columns) for document in documents)
    return stream.getvalue()


def rows_of_csv(ruleset, text: str, label: str = "p.csv") -> list:
    return list(batch.classify_records(ruleset, batch.csv_records(io.StringIO(text), label, ruleset)))


def read_csv_output(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV is written with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------------------------- reading


def test_csv_rows_classify_like_the_json_documents(ruleset):
    rows = rows_of_csv(ruleset, csv_text(ruleset, DOCUMENTS))
    assert [row["source"] for row in rows] == [f"p.csv:{n}" for n in range(2, len(CASES) + 2)]
    assert [row["classification"]["code"] for row in rows] == [c["expected"]["code"] for c in CASES]
    assert [row["classification"]["combined"] for row in rows] == [c["expected"]["combined"] for c in CASES]
    assert [row["product"] for row in rows] == [d["product"] for d in DOCUMENTS]


def test_csv_good_rows_a_bad_value_and_a_missing_answer(ruleset):
    good, undetermined = DOCUMENTS[0], UNDETERMINED_DOC
    bad = {"product": "Bad value", "answers": {**good["answers"], "human_use": "maybe"}}
    missing = {"product": "Missing", "answers": {k: v for k, v in good["answers"].items() if k != "contains_cells"}}
    rows = rows_of_csv(ruleset, csv_text(ruleset, [good, bad, missing, undetermined]))
    assert rows[0]["classification"]["code"] == CASES[0]["expected"]["code"]
    assert rows[1]["source"] == "p.csv:3" and rows[1]["product"] == "Bad value"
    assert rows[1]["error"]["field"] == "answers.human_use" and "unknown value 'maybe'" in rows[1]["error"]["message"]
    assert rows[2]["source"] == "p.csv:4" and rows[2]["product"] == "Missing"
    assert rows[2]["error"]["field"] == "answers" and "missing required answers: contains_cells" in rows[2]["error"]["message"]
    assert rows[3]["classification"]["code"] == "undetermined"


def test_unknown_column_is_one_error_at_the_header_and_no_row_is_classified(ruleset):
    columns = answers_csv.column_names(ruleset) + ["notes", "human_usee"]
    (row,) = rows_of_csv(ruleset, csv_text(ruleset, DOCUMENTS[:3], columns=columns))
    assert row["source"] == "p.csv:1" and row["product"] is None
    assert [e["field"] for e in row["errors"]] == ["answers.notes", "answers.human_usee"]
    assert "unknown column" in row["error"]["message"] and "did you mean 'human_use'" in row["errors"][1]["message"]


def test_repeated_column_and_value_without_header(ruleset):
    (repeated,) = rows_of_csv(ruleset, "product,human_use,human_use\nx,yes,no\n")
    assert repeated["error"]["field"] == "answers.human_use" and "repeats" in repeated["error"]["message"]
    (stray,) = rows_of_csv(ruleset, "product,human_use\nX,no,surplus\n")
    assert stray["source"] == "p.csv:2" and stray["product"] == "X"
    assert stray["error"] == {"field": "(csv)", "message": "a value in column 3, which has no header"}


def test_blank_and_comment_rows_are_skipped_but_counted(ruleset):
    text = csv_text(ruleset, DOCUMENTS[:2])
    header, first, second = text.splitlines()
    rows = rows_of_csv(ruleset, "\n".join(["# a note", header, "# allowed values", first, ",,,", "", second]) + "\n")
    assert [row["source"] for row in rows] == ["p.csv:4", "p.csv:7"]
    assert all("classification" in row for row in rows)


def test_multi_select_cells_split_on_semicolons(ruleset):
    text = "product,human_use,intended_use\nX,yes, treat_prevent_diagnose ;;regenerate_repair_replace;\n"
    (record,) = answers_csv.read(io.StringIO(text), ruleset)
    assert record.document == {"product": "X", "answers": {"human_use": "yes", "intended_use": ["treat_prevent_diagnose", "regenerate_repair_replace"]}}


def test_product_column_is_optional_and_a_blank_cell_is_no_answer(ruleset):
    (record,) = answers_csv.read(io.StringIO("human_use,contains_cells\nno,\n"), ruleset)
    assert record.document == {"answers": {"human_use": "no"}}


def test_semicolon_separated_files_from_excel_are_read(ruleset):
    rows = rows_of_csv(ruleset, csv_text(ruleset, DOCUMENTS[:3], delimiter=";"))
    assert [row["classification"]["code"] for row in rows] == [c["expected"]["code"] for c in CASES[:3]]


def test_csv_that_is_not_utf8_is_a_file_error(ruleset, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(ruleset, DOCUMENTS[:1]).encode("utf-8") + "Caf\xe9,yes\n".encode("latin-1"))
    (row,) = batch.classify_records(ruleset, batch.read_records(batch.expand_paths([str(path)]), ruleset))
    assert row["source"] == str(path) and row["error"]["field"] == "(file)"
    assert row["error"]["message"].startswith("not UTF-8 text") and "CSV UTF-8" in row["error"]["message"]


# ---------------------------------------------------------------------------------------------- byte-order marks


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_files_starting_with_a_byte_order_mark_are_read(runner, ruleset, tmp_path, suffix):
    if suffix == ".csv":
        text = csv_text(ruleset, DOCUMENTS[:1])
    else:
        text = json.dumps(DOCUMENTS[0]) + "\n"
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = runner.invoke(app, ["batch", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["classification"]["code"] == CASES[0]["expected"]["code"]


# ---------------------------------------------------------------------------------------------- output formats


def test_output_csv_by_extension(runner, ruleset, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in DOCUMENTS[:2] + [UNDETERMINED_DOC]) + "{bad\n")
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT and result.stdout == ""
    rows = read_csv_output(out)
    assert [r["source"] for r in rows] == [f"{source}:{n}" for n in (1, 2, 3, 4)]
    assert rows[0]["combined"] in ("yes", "no") and rows[2]["code"] == "undetermined" and rows[3]["code"] == "error"
    assert rows[2]["branches"].startswith("genetic_purpose=")


def test_output_json_is_one_array(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in DOCUMENTS))
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list) and [r["source"] for r in rows] == [f"{source}:{n}" for n in range(1, len(CASES) + 1)]
    assert all(isinstance(r["classification"]["combined"], bool) for r in rows)


def test_format_wins_over_the_extension_and_an_unknown_extension_is_a_usage_error(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(DOCUMENTS[0]) + "\n")
    out = tmp_path / "results.txt"
    refused = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert refused.exit_code == ExitCode.USAGE and "--output" in refused.stderr and not out.exists()
    assert runner.invoke(app, ["batch", str(source), "-o", str(out), "--format", "csv"]).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith("source,product,code,")
    json_out = tmp_path / "results.json"
    assert runner.invoke(app, ["batch", str(source), "-o", str(json_out), "--format", "jsonl"]).exit_code == 0
    assert json.loads(json_out.read_text().splitlines()[0])["source"] == f"{source}:1"


def test_summary_to_stdout_lists_every_class(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(UNDETERMINED_DOC) + "\n")
    result = runner.invoke(app, ["batch", str(source), "--summary", "--format", "csv"])
    assert result.exit_code == ExitCode.UNDETERMINED
    counts = dict(csv.reader(io.StringIO(result.stdout.removeprefix(spreadsheet.BOM))))
    assert counts["GTMP"] == counts["sCTMP"] == counts["TEP"] == counts["not-ATMP"] == "0" and counts["undetermined"] == "1"


# ---------------------------------------------------------------------------------------------- round trips


def filled_csv_template(runner, documents) -> str:
    """`atmp template --format csv` with one row a document appended, as a user fills it in a spreadsheet."""
    template = runner.invoke(app, ["template", "--format", "csv"]).stdout
    assert template.startswith(spreadsheet.BOM)
    header = next(csv.reader(io.StringIO(template.removeprefix(spreadsheet.BOM))))
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerows(csv_cells(document, header) for document in documents)
    return template + body.getvalue()


def test_csv_template_filled_in_round_trips_through_batch(runner, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(filled_csv_template(runner, DOCUMENTS + [UNDETERMINED_DOC]), encoding="utf-8")
    result = runner.invoke(app, ["batch", str(path), "--format", "jsonl"])
    assert result.exit_code == ExitCode.UNDETERMINED, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["source"] == f"{path}:3"  # row 1 the header, row 2 the allowed values
    assert [r["classification"]["code"] for r in rows] == [c["expected"]["code"] for c in CASES] + ["undetermined"]
    assert [r["product"] for r in rows] == [d["product"] for d in DOCUMENTS + [UNDETERMINED_DOC]]


def test_json_template_filled_in_round_trips_through_batch_and_classify(runner, tmp_path):
    template = json.loads(runner.invoke(app, ["template"]).stdout)
    documents = []
    for document in DOCUMENTS:
        filled = json.loads(json.dumps(template))
        filled["product"] = document["product"]
        filled["answers"].update(document["answers"])  # the rest stays null: not answered
        documents.append(filled)
    path = tmp_path / "products.json"
    path.write_text(json.dumps(documents), encoding="utf-8")
    result = runner.invoke(app, ["batch", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.stdout + result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [f"{path}#{n}" for n in range(1, len(CASES) + 1)]
    assert [r["classification"]["code"] for r in rows] == [c["expected"]["code"] for c in CASES]
    assert not any("top-level" in w for r in rows for w in r["warnings"])  # the template's "$" keys are quiet
    one = tmp_path / "one.json"
    one.write_text(json.dumps(documents[0]), encoding="utf-8")
    single = runner.invoke(app, ["classify", "--answers", str(one), "--format", "json"])
    assert single.exit_code == 0 and single.stderr == ""
    assert json.loads(single.stdout)["classification"] == rows[0]["classification"]


# ---------------------------------------------------------------------------------------------- results back in


def test_batch_results_csv_is_not_an_answers_csv(runner, tmp_path):
    """Feeding results back by mistake names the first column that is not an answer."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(DOCUMENTS[0]) + "\n")
    out = tmp_path / "results.csv"
    runner.invoke(app, ["batch", str(source), "-o", str(out)])
    result = runner.invoke(app, ["batch", str(out), "--format", "jsonl"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    row = json.loads(result.stdout)
    assert row["source"] == f"{out}:1" and row["error"]["field"] == "answers.source"
