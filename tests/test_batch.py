"""The batch pipeline in-process: sources, records, rows, writers, exit codes, atomic output."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys

import pytest

from atmp_cli import __version__, batch, batch_writers, spreadsheet
from atmp_cli.output import AtomicOutput
from atmp_cli.answers import check_document
from atmp_cli.cli import app
from atmp_cli.engine import classify
from atmp_cli.exit_codes import ExitCode
from atmp_cli.serialize import to_dict as result_dict
from atmp_cli.sampling import random_document
from batch_data import CASES, DOCUMENTS, UNDETERMINED_DOC, expected_classes


def jsonl_bytes(documents) -> bytes:
    return "".join(json.dumps(d) + "\n" for d in documents).encode("utf-8")


def rows_of(ruleset, data: bytes, label="in.jsonl"):
    return list(batch.classify_records(ruleset, batch.read_jsonl(io.BytesIO(data), label)))


# ---------------------------------------------------------------------------------------------- sources


def test_folder_expands_to_sorted_json_and_jsonl_files(tmp_path):
    for name in ("b.jsonl", "a.json", "c.txt", "sub/d.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    flat = [s.label for s in batch.expand_paths([str(tmp_path)])]
    assert flat == [str(tmp_path / "a.json"), str(tmp_path / "b.jsonl")]
    deep = [s.label for s in batch.expand_paths([str(tmp_path)], recursive=True)]
    assert deep == [str(tmp_path / "a.json"), str(tmp_path / "b.jsonl"), str(tmp_path / "sub" / "d.json")]


def test_missing_path_is_an_error_before_any_record(tmp_path):
    with pytest.raises(batch.BatchError) as raised:
        batch.expand_paths([str(tmp_path / "nope.jsonl")])
    assert "nope.jsonl" in str(raised.value)


def test_stdin_is_a_jsonl_source():
    (source,) = batch.expand_paths(["-"])
    assert source.kind == "jsonl" and source.label == "<stdin>"


def test_folders_include_csv_files(tmp_path):
    (tmp_path / "a.csv").write_text("product\n")
    (source,) = batch.expand_paths([str(tmp_path)])
    assert source.kind == "csv"


# ---------------------------------------------------------------------------------------------- records


def test_jsonl_records_are_labelled_by_line_and_blank_lines_skipped():
    data = b'\xef\xbb\xbf{"a": 1}\n\n   \n{"b": 2}\n{oops\n'
    records = list(batch.read_jsonl(io.BytesIO(data), "x.jsonl"))
    assert [r.source for r in records] == ["x.jsonl:1", "x.jsonl:4", "x.jsonl:5"]
    assert records[0].document == {"a": 1} and records[1].document == {"b": 2}
    assert records[2].problems[0][0] == "(json)"


def test_jsonl_line_that_is_not_utf8_is_an_error_record(ruleset):
    (record,) = batch.read_jsonl(io.BytesIO(b'{"product": "\xff"}\n'), "x.jsonl")
    ((field, message),) = record.problems
    assert field == "(json)" and ruleset.messages.word(message) == "not UTF-8 text"


def test_json_file_object_and_array_labels_count_from_1(ruleset, tmp_path):
    single, array = tmp_path / "one.json", tmp_path / "many.json"
    single.write_text(json.dumps(DOCUMENTS[0]))
    array.write_text(json.dumps(DOCUMENTS[:3]))
    records = list(batch.read_records(batch.expand_paths([str(single), str(array)]), ruleset))
    assert [r.source for r in records] == [str(single), f"{array}#1", f"{array}#2", f"{array}#3"]


def test_unreadable_or_malformed_json_file_is_one_error_record(ruleset, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"answers": ')
    (record,) = batch.read_records(batch.expand_paths([str(bad)]), ruleset)
    assert record.source == str(bad) and record.problems[0][0] == "(json)"


# ---------------------------------------------------------------------------------------------- rows


def test_result_row_is_the_classify_json_result_plus_source(ruleset):
    (row,) = rows_of(ruleset, jsonl_bytes(DOCUMENTS[:1]))
    checked = check_document(ruleset, DOCUMENTS[0])
    expected = result_dict(classify(ruleset, checked.answers, product=checked.product), full_text=False)
    assert row == {"source": "in.jsonl:1", **expected}
    assert all(set(c) == {"id", "citation", "url"} for c in row["citations"])


def test_full_text_keeps_the_quoted_texts(ruleset):
    (row,) = batch.classify_records(ruleset, [batch.Record("x", DOCUMENTS[0])], full_text=True)
    assert all("text" in c for c in row["citations"])


@pytest.mark.parametrize(
    "line, field, needle",
    [
        (b"{not json", "(json)", "not valid JSON"),
        (b'{"answers": {"human_use": 1}}', "answers.human_use", "got a number"),
        (b'{"answers": {"human_usee": "yes"}}', "answers.human_usee", "did you mean 'human_use'"),
        (b'{"product": "x"}', "answers", "missing"),
        (b'{"answers": {"human_use": "yes"}}', "answers", "missing required answers"),
        (b"[1, 2]", "(document)", "expected a JSON object"),
    ],
)
def test_error_rows_name_source_and_field(ruleset, line, field, needle):
    (row,) = rows_of(ruleset, line + b"\n", "f.jsonl")
    assert row["source"] == "f.jsonl:1"
    assert row["error"]["field"] == field and needle in row["error"]["message"]
    assert row["errors"][0] == row["error"]


def test_every_field_error_is_listed(ruleset):
    (row,) = rows_of(ruleset, b'{"answers": {"human_use": 1, "bogus": "yes"}}\n')
    assert [e["field"] for e in row["errors"]] == ["answers.human_use", "answers.bogus"]


def test_error_rows_keep_the_product_name(ruleset):
    named, unnamed = rows_of(ruleset, b'{"product": "CAR-T 19", "answers": {"human_use": 1}}\n{"answers": {}}\n')
    assert named["product"] == "CAR-T 19" and unnamed["product"] is None
    assert batch_writers.cells(named)[:3] == ["in.jsonl:1", "CAR-T 19", "error"]


def test_rows_keep_input_order_and_are_deterministic(ruleset):
    rng = random.Random(7)
    documents = [random_document(ruleset, rng) for _ in range(40)]
    first, second = rows_of(ruleset, jsonl_bytes(documents)), rows_of(ruleset, jsonl_bytes(documents))
    assert first == second
    assert [row["product"] for row in first] == [d["product"] for d in documents]


# ---------------------------------------------------------------------------------------------- tallies, writers


def tally_of(rows):
    tally = batch.Tally()
    for row in rows:
        tally.add(row)
    return tally


def test_exit_codes(ruleset):
    good = rows_of(ruleset, jsonl_bytes(DOCUMENTS[:2]))
    undetermined = rows_of(ruleset, jsonl_bytes([UNDETERMINED_DOC]))
    bad = rows_of(ruleset, b"{\n")
    assert undetermined[0]["classification"]["code"] == "undetermined"
    assert tally_of(good).exit_code == ExitCode.CLASSIFIED
    assert tally_of(good + undetermined).exit_code == ExitCode.UNDETERMINED
    assert tally_of(good + undetermined + bad).exit_code == ExitCode.INVALID_INPUT


def csv_table(text: str) -> list[list[str]]:
    assert text.startswith(spreadsheet.BOM), "CSV output starts with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_the_documented_columns_and_branches(ruleset):
    rows = rows_of(ruleset, jsonl_bytes([DOCUMENTS[0], UNDETERMINED_DOC]) + b"{\n")
    stream = io.StringIO()
    batch.run(rows, batch_writers.CsvWriter(stream))
    table = csv_table(stream.getvalue())
    names = [column.name for column in batch_writers.COLUMNS]
    assert table[0] == names == ["source", "product", "code", "combined", "borderline", "label", "belongs",
                                 "warnings", "hospital_exemption", "branches", "nearest_precedent", "error"]
    undetermined, error = dict(zip(names, table[2])), dict(zip(names, table[3]))
    assert undetermined["code"] == "undetermined" and "genetic_purpose=yes:GTMP" in undetermined["branches"]
    assert undetermined["combined"] == "no" and undetermined["hospital_exemption"] == "no"
    assert error["code"] == "error" and error["error"].startswith("(json): ") and error["combined"] == ""


def test_table_and_csv_have_the_same_columns(ruleset):
    table, spread = io.StringIO(), io.StringIO()
    batch.run(rows_of(ruleset, jsonl_bytes(DOCUMENTS[:2])), batch_writers.TableWriter(table, terminal=False))
    batch.run(rows_of(ruleset, jsonl_bytes(DOCUMENTS[:2])), batch_writers.CsvWriter(spread))
    assert table.getvalue().splitlines()[0].split() == csv_table(spread.getvalue())[0]


def test_table_leaves_out_the_optional_columns_only_when_narrow():
    every, _ = batch_writers.TableWriter.layout(batch_writers.COLUMNS, 200)
    narrow, widths = batch_writers.TableWriter.layout(batch_writers.COLUMNS, 80)
    assert every == batch_writers.COLUMNS
    assert [c.name for c in narrow] == ["source", "product", "code", "combined", "borderline", "error"]
    assert sum(widths) + batch_writers.TableWriter.GAP * (len(widths) - 1) <= 80


def test_combined_reads_yes_or_no_in_table_and_csv(ruleset):
    combined = next(d for d, c in zip(DOCUMENTS, CASES) if c["expected"]["combined"])
    (row,) = rows_of(ruleset, jsonl_bytes([combined]))
    (plain,) = rows_of(ruleset, jsonl_bytes([DOCUMENTS[0]]))
    position = [c.name for c in batch_writers.COLUMNS].index("combined")
    assert batch_writers.cells(row)[position] == "yes" and batch_writers.cells(plain)[position] == "no"
    assert row["classification"]["combined"] is True  # JSON keeps the boolean


def test_summary_counts_by_class_with_every_class_listed(ruleset):
    rows = rows_of(ruleset, jsonl_bytes(DOCUMENTS + [UNDETERMINED_DOC]) + b"{\n")
    stream = io.StringIO()
    writer = batch_writers.make_writer(stream, "jsonl", summary=True, terminal=False)
    tally = batch.run(rows, writer, classes=batch.class_codes(ruleset))
    summary = json.loads(stream.getvalue())["summary"]
    assert summary["classes"] == expected_classes(extra_undetermined=1)
    assert summary["errors"] == 1 and summary["records"] == len(CASES) + 2 == tally.records


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_summary_shows_zero_counts(ruleset, fmt):
    stream = io.StringIO()
    writer = batch_writers.make_writer(stream, fmt, summary=True, terminal=False)
    batch.run(rows_of(ruleset, jsonl_bytes([UNDETERMINED_DOC])), writer, classes=batch.class_codes(ruleset))
    out = stream.getvalue()
    if fmt == "jsonl":
        assert json.loads(out)["summary"]["classes"] == {"GTMP": 0, "sCTMP": 0, "TEP": 0, "not-ATMP": 0, "undetermined": 1}
        return
    counts = dict(csv_table(out)[1:]) if fmt == "csv" else dict(line.split() for line in out.splitlines()[1:] if line.strip())
    assert counts == {"GTMP": "0", "sCTMP": "0", "TEP": "0", "not-ATMP": "0", "undetermined": "1", "combined": "0", "error": "0", "records": "1"}


def test_table_prints_user_text_without_markup(ruleset):
    document = dict(DOCUMENTS[0], product="[bold]cells[/bold] 1394/2007")
    stream = io.StringIO()
    batch.run(rows_of(ruleset, jsonl_bytes([document])), batch_writers.TableWriter(stream, terminal=False))
    assert "[bold]cells[/bold]" in stream.getvalue() and "\x1b[" not in stream.getvalue()


def test_fail_fast_stops_at_the_first_error(ruleset):
    rows = rows_of(ruleset, jsonl_bytes(DOCUMENTS[:1]) + b"{\n" + jsonl_bytes(DOCUMENTS[1:3]))
    stream = io.StringIO()
    with pytest.raises(batch.FailFast) as raised:
        batch.run(rows, batch_writers.JsonlWriter(stream), fail_fast=True)
    assert raised.value.row["source"] == "in.jsonl:2"
    assert len(stream.getvalue().splitlines()) == 2


def test_json_array_is_streamed_and_well_formed_even_when_stopped(ruleset):
    for documents, expected in (([], 0), (DOCUMENTS[:3], 3)):
        stream = io.StringIO()
        batch.run(rows_of(ruleset, jsonl_bytes(documents)), batch_writers.JsonArrayWriter(stream))
        assert len(json.loads(stream.getvalue())) == expected
    stream = io.StringIO()
    with pytest.raises(batch.FailFast):
        batch.run(rows_of(ruleset, jsonl_bytes(DOCUMENTS[:1]) + b"{\n"), batch_writers.JsonArrayWriter(stream), fail_fast=True)
    assert [row["source"] for row in json.loads(stream.getvalue())] == ["in.jsonl:1", "in.jsonl:2"]


def test_atomic_output_replaces_only_on_commit(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    out = AtomicOutput(str(target))
    out.stream.write("new\n")
    assert target.read_text() == "old\n"
    out.discard()
    assert target.read_text() == "old\n" and list(tmp_path.iterdir()) == [target]
    out = AtomicOutput(str(target))
    out.stream.write("new\n")
    out.commit()
    assert target.read_text() == "new\n" and list(tmp_path.iterdir()) == [target]


def test_atomic_output_gets_the_permissions_of_an_ordinary_file(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        out = AtomicOutput(str(tmp_path / "results.jsonl"))
        out.stream.write("x\n")
        out.commit()
    finally:
        os.umask(mask)
    assert (tmp_path / "results.jsonl").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------------------------------------- command


def test_cli_batch_stdin_jsonl(runner, ruleset):
    result = runner.invoke(app, ["batch", "-", "--format", "jsonl"], input=jsonl_bytes(DOCUMENTS[:3]))
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [f"<stdin>:{i}" for i in (1, 2, 3)]


def test_cli_batch_jsonl_carries_the_case_and_justifications_literally(runner, tmp_path):
    """Markup, HTML and format braces come out as typed; control characters and escape sequences are stripped
    (newlines kept where a case field is paragraphs); a record without them has empty objects."""
    case = {
        "organisation": "[bold]Acme[/bold] <b>&amp;</b> {product}\x1b[31m red\x1b[0m\x07",
        "notes": "first <script>alert(1)</script>\nsecond\r [link=http://x]y[/link]",
    }
    justifications = {"human_use": "<i>because</i> [red]{answers}[/red]\x00\x9b", "nucleic_acid": "  \x1b]0;title\x07ok  "}
    path = tmp_path / "in.jsonl"
    path.write_bytes(jsonl_bytes([{**DOCUMENTS[0], "case": case, "justifications": justifications}, DOCUMENTS[1]]))
    result = runner.invoke(app, ["batch", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["case"] == {
        "organisation": "[bold]Acme[/bold] <b>&amp;</b> {product} red",
        "notes": "first <script>alert(1)</script>\nsecond [link=http://x]y[/link]",
    }
    assert first["justifications"] == {"human_use": "<i>because</i> [red]{answers}[/red]", "nucleic_acid": "ok"}
    assert second["case"] == {} and second["justifications"] == {}
    assert not any(char in result.stdout for char in "\x1b\x07\x00\x9b\r")


def test_cli_batch_rejects_a_missing_path_as_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["batch", str(tmp_path / "missing")])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("atmp: error: ") and "Traceback" not in result.stderr


HEAVY = ("atmp_cli.batch", "atmp_cli.batch_writers", "atmp_cli.answers_csv", "atmp_cli.schema", "atmp_cli.template",
         "atmp_cli.bank", "atmp_cli.engine", "csv", "jsonschema", "rich", "pydantic", "questionary")


def test_batch_is_imported_only_when_run():
    code = f"import sys, atmp_cli.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_version_loads_no_command_modules():
    code = (
        "import sys, atexit; sys.argv = ['atmp', '--version']\n"
        f"atexit.register(lambda: print(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
        "from atmp_cli.cli import main; main()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.splitlines() == [f"atmp {__version__}", "[]"]


def test_csv_cells_do_not_become_spreadsheet_formulas(ruleset):
    assert spreadsheet.spreadsheet_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert spreadsheet.spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)" and spreadsheet.spreadsheet_safe("CAR-T") == "CAR-T"
    stream = io.StringIO()
    batch.run(rows_of(ruleset, jsonl_bytes([dict(DOCUMENTS[0], product="=1+1")])), batch_writers.CsvWriter(stream))
    assert csv_table(stream.getvalue())[1][1] == "'=1+1"
