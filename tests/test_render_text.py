"""The terminal/text report: snapshots, verbatim citations, audit block, 80 columns, NO_COLOR, injection."""

from __future__ import annotations

import functools
import json
import re

import pytest
from rich.cells import cell_len

from atmp_cli.cli import app
from atmp_cli.document import Bullets, KeyValue, LegalBlock, Paragraph, Section, Tree, build
from atmp_cli.render.text import render_text
from reporting import FIXED_TIME, INJECTION, OUTCOMES, assert_snapshot, audit_values, cited_texts, colour_codes, example_result, squash, strip_sgr, caveat, label


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.txt", render_text(example_result(OUTCOMES[outcome], country="SE"), produced_at=FIXED_TIME))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_quotes_every_cited_text_verbatim_with_audit(outcome):
    result = example_result(OUTCOMES[outcome])
    out = render_text(result, produced_at=FIXED_TIME)
    flat = squash(out)
    assert label(result) in flat
    for text in cited_texts(result):
        assert squash(text.text or text.paraphrase) in flat, text.id
        assert squash(text.citation) in flat
        if caveat(text):
            assert f"({caveat(text)})" in flat
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
    return result, document_texts(build(result)), render_text(result, width=80)


def _joined(spans) -> str:
    """Spans as the text report prints them: an external link after its text, in angle brackets."""
    return "".join(span.text + (f" <{span.href}>" if span.href and span.href != span.text else "") for span in spans)


def document_texts(document) -> list[str]:
    """Every piece of text the document holds that the text report lays out (a drawing has no text form)."""
    texts = [document.headline.label, document.headline.reason, *document.headline.flags, document.disclaimer,
             document.verdict]

    def visit(block) -> None:
        if isinstance(block, Section):
            texts.append(block.title)
            for inner in block.blocks:
                visit(inner)
        elif isinstance(block, Paragraph):
            texts.append(_joined(block.spans))
        elif isinstance(block, Bullets):
            texts.extend(_joined(item) for item in block.items)
        elif isinstance(block, Tree):
            stack = list(block.nodes)
            while stack:
                node = stack.pop()
                texts.append(_joined(node.label))
                stack.extend(node.children)
        elif isinstance(block, KeyValue):
            texts.extend(text for label, value in block.rows for text in (label, _joined(value)))
        elif isinstance(block, LegalBlock):
            texts.extend([_joined(block.heading), block.caveat, block.body, block.paraphrase, block.meta])

    for block in (*document.summary, *document.appendix):
        visit(block)
    return [text for text in texts if text]


def _has_long_word(text: str) -> bool:
    return any(len(word) > LONG_WORD for word in text.split())


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_at_80_columns_cuts_no_text(outcome):
    """Rich never prints wider than it is told, so the width alone proves nothing: what must hold is that
    nothing is cut or broken to fit. Every part of the report's content is there whole at 80 columns."""
    result, texts, out = _report_at_80_columns(outcome)
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    expected = [text for text in texts if not _has_long_word(text)]
    missing = [text for text in expected if not shown_whole(text, out)]
    assert missing == []
    assert set(result.citation_ids) <= set(re.findall(r"[\w.-]+", out))
    assert len(expected) > 50  # the control: the report's content was found to compare


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_text_report_at_80_columns_keeps_links_and_digests_whole(outcome):
    """A link or a digest too long to share a line is folded, never cut with an ellipsis; a digest beside its
    label that does not fit goes on a line of its own, whole, to copy."""
    result, texts, out = _report_at_80_columns(outcome)
    assert [text for text in texts if _has_long_word(text) and not shown_whole(text, out)] == []
    assert result.answers_digest in out and result.whole_document_digest in out


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
    assert set(audit) == {"tool_version", "ruleset", "ruleset_version", "legal_texts_as_of", "language", "answers_sha256", "document_sha256"}


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
    assert "\n# Tissue engineered product (TEP)\n" in target.read_text(encoding="utf-8")


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
