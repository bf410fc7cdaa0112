"""The Markdown report: snapshots, verbatim citations, audit block, escaping of user text."""

from __future__ import annotations

import re

import pytest

from atmp_cli.render.markdown import md, render_markdown
from reporting import FIXED_TIME, INJECTION, OUTCOMES, assert_snapshot, audit_values, cited_texts, example_result, caveat, label


def unescape_md(text: str) -> str:
    """What a Markdown viewer shows for our escaped text."""
    text = re.sub(r"\\([\\`*_{}\[\]|~#!+\-=>.)])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_markdown_report_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.md", render_markdown(example_result(OUTCOMES[outcome], country="SE"), produced_at=FIXED_TIME))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_markdown_quotes_every_cited_text_verbatim_with_audit(outcome):
    result = example_result(OUTCOMES[outcome])
    out = render_markdown(result, produced_at=FIXED_TIME)
    shown = unescape_md(out)
    assert f"\n# {md(label(result), line_start=False)}\n" in out.split("## Appendix")[0]
    quoted = "\n".join(line[2:] for line in shown.splitlines() if line.startswith("> "))
    for text in cited_texts(result):
        for line in text.text.splitlines():
            if line.strip():
                assert line in quoted, (text.id, line)
        if text.paraphrase:  # shown, labelled, and never laid out as a quotation
            assert text.paraphrase in shown and text.paraphrase not in quoted, text.id
            assert "paraphrase, not the wording of the law" in shown.lower()
        assert text.citation in shown
        if caveat(text):
            assert f"*({caveat(text)})*" in shown
    assert "## Audit" in out
    for value in audit_values(result):
        assert f"| {md(value)} |" in out


def test_markdown_has_every_part_of_the_report():
    out = unescape_md(render_markdown(example_result("digested-fat-unsure", country="SE")))
    for heading in ("## Decision path", "## Definitions checked", "## Branches", "## Notes", "## Legal texts cited", "## Audit"):
        assert heading in out
    assert "- If other_manipulation_alters is yes: **Tissue engineered product (TEP)**" in out
    assert "**Sweden (SE):**" in out
    not_atmp = unescape_md(render_markdown(example_result("stem-cell-transplant")))
    assert "## Likely belongs under" in not_atmp


def test_markdown_escapes_user_text():
    out = render_markdown(example_result("car-t", product=INJECTION))
    assert "<script" not in out and "\x1b" not in out
    assert "**Product:** &lt;script&gt;alert(1)&lt;/script&gt; \\[bold\\]x\\[/bold\\] red" in out
    assert unescape_md(md(INJECTION.replace("\x1b[31m", ""))) == "<script>alert(1)</script> [bold]x[/bold] red"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("*a* _b_", "\\*a\\* \\_b\\_"), ("[x](javascript:y)", "\\[x\\](javascript:y)"), ("# title", "\\# title"), ("1. item", "1\\. item"),
     ("- item", "\\- item"), ("a | b", "a \\| b"), ("<b>&", "&lt;b&gt;&amp;"), ("`code`", "\\`code\\`"), ("a\x07b\x1b[1mc", "abc")],
)
def test_md_escape(raw, escaped):
    assert md(raw) == escaped
