"""The terminal/text report: snapshots, verbatim citations, audit block, 80 columns, NO_COLOR, injection."""

from __future__ import annotations

import functools
import json
import re

import pytest
from rich.cells import cell_len

from atmp_cli.cli import app
from atmp_cli.render.content import build
from atmp_cli.render.text import render_text
from reporting import FIXED_TIME, INJECTION, OUTCOMES, assert_snapshot, audit_values, cited_texts, colour_codes, example_result, squash, strip_sgr


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.txt", render_text(example_result(OUTCOMES[outcome], country="SE"), produced_at=FIXED_TIME))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_quotes_every_cited_text_verbatim_with_audit(outcome):
    result = example_result(OUTCOMES[outcome])
    out = render_text(result, produced_at=FIXED_TIME)
    flat = squash(out)
    assert result.classification.label in flat
    for text in cited_texts(result):
        assert squash(text.text or text.paraphrase) in flat, text.id
        assert squash(text.citation) in flat
        if text.caveat:
            assert f"({text.caveat})" in flat
    assert "Audit" in out
    for value in audit_values(result):
        assert value in out
    assert result.ruleset.disclaimer in flat


def test_text_report_without_time_has_no_produced_at():
    out = render_text(example_result("car-t"))
    assert "Produced at" not in out


def test_multi_select_gives_one_finding_per_option():
    out = render_text(example_result("digested-fat-unsure"))
    positions = [out.index(s) for s in ("answer: Centrifugation (centrifugation)", "Centrifugation: listed in Annex I", "answer: Other", "(other)", "Another step not in the Annex I list")]
    assert positions == sorted(positions)
    assert out.count("answer: ") == len(example_result("digested-fat-unsure").answers) + 1  # two options selected


def test_undetermined_report_has_one_branch_per_resolution():
    out = squash(render_text(example_result("digested-fat-unsure")))
    assert "If other_manipulation_alters is yes: Tissue engineered product (TEP)" in out
    assert "If other_manipulation_alters is no: Not an advanced therapy medicinal product" in out


# Tree guides and panel borders: drawn between the words, never part of them.
BOX_DRAWING = re.compile("[\u2500-\u257f]")
LONG_WORD = 40  # longer than a line has room for beside a tree's guides: a link, a digest


def shown_whole(text: str, out: str) -> bool:
    """Whether `text` is in the terminal report `out` with its words whole and in order: lines re-broken only
    between words, except that a word too long for a line (a link) may be folded, its pieces rejoining."""
    words = [r"\s*".join(map(re.escape, word)) if len(word) > LONG_WORD else re.escape(word) for word in text.split()]
    return re.search(r"\s+".join(words), BOX_DRAWING.sub(" ", out)) is not None


@functools.cache  # laid out once for both tests below
def _report_at_80_columns(outcome: str):
    result = example_result(OUTCOMES[outcome])
    return result, build(result), render_text(result, width=80)


def _item_text(item) -> str:
    return f"{item.lead}{item.strong}{item.text}"


def _has_long_word(item) -> bool:
    return any(len(word) > LONG_WORD for word in _item_text(item).split())


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_at_80_columns_cuts_no_text(outcome):
    """Rich never prints wider than it is told, so the width alone proves nothing: what must hold is that
    nothing is cut or broken to fit. Every part of the report's content is there whole at 80 columns."""
    result, report, out = _report_at_80_columns(outcome)
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    expected = [report.label, report.reason, *report.flags, report.disclaimer]
    for section in report.sections:
        for question in section.questions:
            expected += [f"{question.id}: {question.prompt}"]
            expected += [f"answer: {answer.text}" for answer in question.answers]
            expected += [finding.text for answer in question.answers for finding in answer.findings]
    for check in report.checks:
        expected += [f"{check.label}: {check.word}"] + [f"{test.word}: {test.finding}" for test in check.tests]
    for text in report.texts:
        expected += [f"{text.id} — {text.citation}", text.body, text.paraphrase, text.caveat, text.source]
    expected += [_item_text(item) for lst in report.lists for item in lst.items if not _has_long_word(item)]
    missing = [text for text in expected if text and not shown_whole(text, out)]
    assert missing == []
    assert set(result.citation_ids) <= set(re.findall(r"[\w.-]+", out))
    assert len(expected) > 50  # the control: the report's content was found to compare


@pytest.mark.xfail(strict=True, reason="atmp_cli/render/text.py at 80 columns: a list item's link is cut with an ellipsis "
                   "(the bullets' grid column overflows with '…'), and the answers' SHA-256 beside its label is folded")
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_at_80_columns_keeps_links_in_lists_and_the_audit_values_whole(outcome):
    _, report, out = _report_at_80_columns(outcome)
    items = [_item_text(item) for lst in report.lists for item in lst.items if _has_long_word(item)]
    assert [text for text in items if not shown_whole(text, out)] == []
    assert [value for _, value in report.audit if value not in out] == []  # each on one line, to copy whole


def test_national_notes_with_country():
    out = squash(render_text(example_result("chondrocytes", country="SE")))
    assert "Sweden (SE):" in out


def _classify(runner, *args, env=None, product=None):
    document = None
    if product is not None:
        from atmp_cli import bank
        from atmp_cli.examples import load_example

        document = json.dumps({**load_example(bank.load("eu"), "car-t"), "product": product})
        args = ("--answers", "-", *args)
    return runner.invoke(app, ["classify", *args], input=document, env=env or {})


def test_injection_is_literal_and_harmless_on_the_terminal(runner):
    result = _classify(runner, product=INJECTION, env={"FORCE_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert colour_codes(result.stdout), "the control: this output is coloured"
    assert "\x1b[31mred" not in result.stdout and "[31m" not in strip_sgr(result.stdout)
    assert "Product: <script>alert(1)</script> [bold]x[/bold] red" in strip_sgr(result.stdout)


def test_piped_output_is_plain_text(runner):
    result = _classify(runner, "--example", "car-t")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "Gene therapy medicinal product (GTMP)" in result.stdout


def test_no_color_is_honoured(runner):
    coloured = _classify(runner, "--example", "car-t", env={"FORCE_COLOR": "1"})
    assert colour_codes(coloured.stdout), "FORCE_COLOR should give colour (the control case)"
    plain = _classify(runner, "--example", "car-t", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == 0
    assert colour_codes(plain.stdout) == []


def test_text_file_export_has_time_and_no_terminal_codes(runner, tmp_path):
    target = tmp_path / "report.txt"
    result = _classify(runner, "--example", "car-t", "--output", str(target), env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    out = target.read_text(encoding="utf-8")
    assert "\x1b" not in out
    assert re.search(r"Produced at \(UTC\)\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", out)
    assert max(len(line) for line in out.splitlines()) <= 100


def test_json_on_stdout_is_byte_identical_and_has_no_time(runner):
    first = _classify(runner, "--example", "chondrocytes", "--format", "json")
    second = _classify(runner, "--example", "chondrocytes", "--format", "json")
    assert first.stdout == second.stdout
    audit = json.loads(first.stdout)["audit"]
    assert "produced_at" not in audit
    assert set(audit) == {"tool_version", "ruleset", "ruleset_version", "legal_texts_as_of", "answers_sha256"}


@pytest.mark.parametrize(
    ("filename", "marker"),
    [("r.md", "# Tissue engineered product (TEP)"), ("r.html", "<h1>Tissue engineered product (TEP)</h1>"), ("r.htm", "<!DOCTYPE html>"),
     ("r.json", '"produced_at"'), ("r.txt", "Decision path")],
)
def test_output_format_follows_the_extension(runner, tmp_path, filename, marker):
    target = tmp_path / filename
    result = _classify(runner, "--example", "chondrocytes", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert marker in target.read_text(encoding="utf-8")


def test_format_overrides_the_extension(runner, tmp_path):
    target = tmp_path / "report.txt"
    assert _classify(runner, "--example", "chondrocytes", "--output", str(target), "--format", "md").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Tissue engineered product (TEP)")


def test_unknown_extension_is_a_usage_error(runner, tmp_path):
    result = _classify(runner, "--example", "chondrocytes", "--output", str(tmp_path / "report.pdf"))
    assert result.exit_code == 2
    assert result.stderr.startswith("atmp: error: --output: cannot tell the format")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_md_and_html_on_stdout_have_no_time(runner, fmt):
    result = _classify(runner, "--example", "chondrocytes", "--format", fmt)
    assert result.exit_code == 0
    assert "Produced at" not in result.stdout and "Answers SHA-256" in result.stdout


def test_clean_text_removes_whole_escape_sequences():
    from atmp_cli.answers import clean_text

    assert clean_text(INJECTION) == "<script>alert(1)</script> [bold]x[/bold] red"
