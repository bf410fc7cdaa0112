"""`atmp batch` through the installed entry point: the package is installed (not editable) into a fresh venv
once per session, and every test runs the installed `atmp` in a process of its own, as a user's shell script
would: conftest's `atmp` forks each from one warm interpreter (tests/forkserver.py); the progress bar test
starts the `atmp` script afresh, at a terminal."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from atmp_cli.cli import app
from batch_data import CASES, DOCUMENTS, UNDETERMINED_DOC, csv_cells, expected_classes


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def write_jsonl(path: Path, documents) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- input forms


def test_single_object_file(atmp, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(DOCUMENTS[0]))
    result = atmp("batch", str(path))
    assert result.returncode == 0, result.stderr
    (row,) = lines(result)
    assert row["source"] == str(path) and row["classification"]["code"] == CASES[0]["expected"]["code"]


def test_array_file(atmp, tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps(DOCUMENTS))
    result = atmp("batch", str(path), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = lines(result)
    assert [r["source"] for r in rows] == [f"{path}#{i}" for i in range(1, len(CASES) + 1)]
    assert [r["classification"]["code"] for r in rows] == [c["expected"]["code"] for c in CASES]
    assert [r["classification"]["combined"] for r in rows] == [c["expected"]["combined"] for c in CASES]


def test_jsonl_file(atmp, tmp_path):
    path = write_jsonl(tmp_path / "cases.jsonl", DOCUMENTS)
    result = atmp("batch", str(path))
    assert result.returncode == 0, result.stderr
    assert [r["source"] for r in lines(result)] == [f"{path}:{i}" for i in range(1, len(CASES) + 1)]


def test_folder_sorted_and_recursive(atmp, tmp_path):
    write_jsonl(tmp_path / "b.jsonl", DOCUMENTS[1:3])
    (tmp_path / "a.json").write_text(json.dumps(DOCUMENTS[0]))
    (tmp_path / "notes.txt").write_text("not an answers file")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text(json.dumps([DOCUMENTS[3]]))
    flat = atmp("batch", str(tmp_path))
    assert flat.returncode == 0, flat.stderr
    assert [r["source"] for r in lines(flat)] == [str(tmp_path / "a.json"), f"{tmp_path / 'b.jsonl'}:1", f"{tmp_path / 'b.jsonl'}:2"]
    deep = atmp("batch", "--recursive", str(tmp_path))
    assert [r["source"] for r in lines(deep)][-1] == f"{tmp_path / 'sub' / 'c.json'}#1"


def test_stdin_jsonl(atmp):
    stdin = "".join(json.dumps(d) + "\n" for d in DOCUMENTS[:4])
    result = atmp("batch", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [r["source"] for r in lines(result)] == ["<stdin>:1", "<stdin>:2", "<stdin>:3", "<stdin>:4"]


# ---------------------------------------------------------------------------------------------- errors, exit codes


def test_error_rows_and_exit_code_1(atmp, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps(DOCUMENTS[0]) + "\n"
        + "{this is not json\n"
        + '{"answers": {"human_use": ["yes"]}}\n'
        + '{"answers": {"human_usee": "yes"}}\n'
        + '{"product": "no answers"}\n'
        + json.dumps(DOCUMENTS[1]) + "\n"
    )
    result = atmp("batch", str(path))
    assert result.returncode == 1
    rows = lines(result)
    assert len(rows) == 6 and "classification" in rows[0] and "classification" in rows[5]
    errors = {r["source"].rsplit(":", 1)[1]: r["error"] for r in rows[1:5]}
    assert errors["2"]["field"] == "(json)"
    assert errors["3"]["field"] == "answers.human_use" and "got a list" in errors["3"]["message"]
    assert errors["4"]["field"] == "answers.human_usee" and "did you mean 'human_use'" in errors["4"]["message"]
    assert errors["5"]["field"] == "answers" and "missing" in errors["5"]["message"]
    assert result.stderr.strip() == "atmp: error: 4 of 6 records could not be classified (see the error rows)"


def test_undetermined_exits_3(atmp, tmp_path):
    path = write_jsonl(tmp_path / "u.jsonl", [DOCUMENTS[0], UNDETERMINED_DOC])
    result = atmp("batch", str(path))
    assert result.returncode == 3, result.stderr
    assert lines(result)[1]["classification"]["code"] == "undetermined"


def test_missing_path_is_a_usage_error(atmp, tmp_path):
    result = atmp("batch", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("atmp: error: ") and "Traceback" not in result.stderr


def test_fail_fast_stops_and_leaves_output_untouched(atmp, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(DOCUMENTS[0]) + "\n{bad\n" + json.dumps(DOCUMENTS[1]) + "\n")
    out = tmp_path / "out.jsonl"
    result = atmp("batch", str(path), "--fail-fast", "--output", str(out))
    assert result.returncode == 1
    assert f"{path}:2" in result.stderr and "--fail-fast" in result.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    out.write_text("previous results\n")
    atmp("batch", str(path), "--fail-fast", "--output", str(out))
    assert out.read_text() == "previous results\n"
    piped = atmp("batch", str(path), "--fail-fast")
    assert len(piped.stdout.splitlines()) == 2  # the good record, then the error row; the third is not read


def test_output_file_is_written_whole(atmp, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS)
    out = tmp_path / "out.jsonl"
    result = atmp("batch", str(path), "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert len(out.read_text().splitlines()) == len(CASES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


# ---------------------------------------------------------------------------------------------- formats


def test_jsonl_round_trips_through_classify(atmp, tmp_path, runner):
    """Each row's answers, fed back to `atmp classify`, give the row's classification and digest. The first
    through the installed entry point; the others in-process (CliRunner), which is the same command without
    a process start a record."""
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS + [UNDETERMINED_DOC])
    rows = lines(atmp("batch", str(path), "--format", "jsonl"))
    assert len(rows) == len(DOCUMENTS) + 1
    for index, row in enumerate(rows):
        assert all(set(c) == {"id", "citation", "url"} for c in row["citations"])
        args, stdin = ["classify", "--answers", "-", "--format", "json"], json.dumps({"answers": row["answers"]})
        if index == 0:
            again = atmp(*args, stdin=stdin)
            code, stdout, stderr = again.returncode, again.stdout, again.stderr
        else:
            again = runner.invoke(app, args, input=stdin)
            code, stdout, stderr = again.exit_code, again.stdout, again.stderr
        assert code == (3 if row["classification"]["code"] == "undetermined" else 0), stderr
        single = json.loads(stdout)
        assert single["classification"] == row["classification"]
        assert single["answers"] == row["answers"]
        assert single["audit"]["answers_sha256"] == row["audit"]["answers_sha256"]


def test_full_text_includes_quotations(atmp, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS[:1])
    (row,) = lines(atmp("batch", str(path), "--full-text"))
    assert row["citations"] and all(c["text"] or c["paraphrase"] for c in row["citations"])


def test_summary_counts(atmp, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS + [UNDETERMINED_DOC])
    path.write_text(path.read_text() + "{bad\n")
    result = atmp("batch", str(path), "--summary", "--format", "jsonl")
    assert result.returncode == 1
    summary = json.loads(result.stdout)["summary"]
    assert summary["classes"] == expected_classes(extra_undetermined=1)
    assert summary["combined"] == sum(c["expected"]["combined"] for c in CASES)
    assert summary["errors"] == 1 and summary["records"] == len(CASES) + 2
    table = atmp("batch", str(path), "--summary", "--format", "table")
    assert "undetermined" in table.stdout and "records" in table.stdout


CSV_HEADER = "source,product,code,combined,borderline,label,belongs,warnings,hospital_exemption,branches,nearest_precedent,error"


def test_csv_header_and_rows(atmp, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS[:2] + [UNDETERMINED_DOC])
    result = atmp("batch", str(path), "--format", "csv")
    assert result.returncode == 3
    out = result.stdout.splitlines()
    assert out[0] == "\ufeff" + CSV_HEADER
    assert len(out) == 4 and "genetic_purpose=yes:GTMP" in out[3]


def test_table_format_has_the_csv_columns(atmp, tmp_path):
    write_jsonl(tmp_path / "in.jsonl", DOCUMENTS[:2])
    result = atmp("batch", "in.jsonl", "--format", "table", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == CSV_HEADER.split(",") and "in.jsonl:2" in result.stdout


def test_csv_input_and_outputs_by_extension(atmp, tmp_path):
    """A filled-in CSV template in, results out as CSV and as one JSON array."""
    template = tmp_path / "products.csv"
    assert atmp("template", "--output", str(template)).returncode == 0
    header = next(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    with template.open("a", encoding="utf-8", newline="") as handle:
        bad = {"product": "Bad", "answers": {"human_use": "maybe"}}
        csv.writer(handle).writerows(csv_cells(document, header) for document in DOCUMENTS[:3] + [bad])
    as_csv, as_json = tmp_path / "results.csv", tmp_path / "results.json"
    assert atmp("batch", str(template), "-o", str(as_csv)).returncode == 1
    assert atmp("batch", str(template), "-o", str(as_json)).returncode == 1
    rows = list(csv.DictReader(io.StringIO(as_csv.read_bytes().decode("utf-8-sig"))))
    assert [r["source"] for r in rows] == [f"{template}:{n}" for n in (3, 4, 5, 6)]
    assert [r["code"] for r in rows] == [c["expected"]["code"] for c in CASES[:3]] + ["error"]
    assert rows[3]["product"] == "Bad" and rows[3]["error"].startswith("answers.human_use: unknown value 'maybe'")
    array = json.loads(as_json.read_text(encoding="utf-8"))
    assert [r["source"] for r in array] == [r["source"] for r in rows]
    assert array[3]["error"]["field"] == "answers.human_use" and array[3]["product"] == "Bad"


def test_schema_and_template_through_the_entry_point(atmp, tmp_path):
    schema = json.loads(atmp("schema", cwd=tmp_path).stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    template = json.loads(atmp("template", cwd=tmp_path).stdout)
    assert set(template["answers"]) == set(schema["properties"]["answers"]["properties"])
    example = atmp("examples", "msc-gvhd", cwd=tmp_path)
    assert example.returncode == 0 and json.loads(example.stdout)["answers"]["human_use"] == "yes"


# ---------------------------------------------------------------------------------------------- progress


def test_progress_bar_on_a_terminal_only_and_not_when_quiet(atmp, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    path = write_jsonl(tmp_path / "in.jsonl", DOCUMENTS * 25)  # 650 records: past the progress threshold
    out = tmp_path / "out.jsonl"
    shown = pexpect.run(f"{atmp.path} batch {path} --output {out}", timeout=120, env={"TERM": "xterm", "COLUMNS": "100"})
    assert b"classifying" in shown and len(out.read_text().splitlines()) == 650
    quiet = pexpect.run(f"{atmp.path} batch {path} --output {out} --quiet", timeout=120, env={"TERM": "xterm"})
    assert b"classifying" not in quiet
    piped = atmp("batch", str(path), "--output", str(out))
    assert piped.stderr == ""
