"""The HTML report: snapshots, verbatim citations, audit block, escaping, self-contained, and headless Chromium."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from atmp_cli.render.html import render_html
from browser import chromium as find_chromium, png_colours, run_chromium
from reporting import FIXED_TIME, INJECTION, OUTCOMES, assert_snapshot, audit_values, cited_texts, example_result, caveat, label

VOID = {"meta", "br", "link", "img", "hr", "input"}


class _Structure(HTMLParser):
    """Checks that every element is closed in order and collects the text of <h1>."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "h1":
            self.h1 += data


def parse(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_html_report_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.html", render_html(example_result(OUTCOMES[outcome], country="SE"), produced_at=FIXED_TIME))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_html_quotes_every_cited_text_verbatim_with_audit(outcome):
    result = example_result(OUTCOMES[outcome])
    page = render_html(result, produced_at=FIXED_TIME)
    structure = parse(page)
    assert structure.errors == [] and structure.stack == []
    assert structure.h1 == label(result)
    shown = html.unescape(page)
    for text in cited_texts(result):
        if text.text:
            assert f"<blockquote>{text.text}</blockquote>" in shown, text.id
        if text.paraphrase:  # shown, labelled, and never laid out as a quotation
            assert text.paraphrase in shown and f"<blockquote>{text.paraphrase}" not in shown, text.id
        assert text.citation in shown
        if caveat(text):
            assert f'<p class="caveat">({caveat(text)})</p>' in shown
    assert "<h3>Audit</h3>" in page
    for value in audit_values(result):
        assert f"<td>{html.escape(value)}</td>" in page
    assert html.escape(result.ruleset.disclaimer) in page


def test_html_is_self_contained_and_printable():
    page = render_html(example_result("cells-on-scaffold", country="SE"), produced_at=FIXED_TIME)
    lowered = page.lower()
    for forbidden in ("<script", "<link", "src=", "@import", "<iframe", "<img", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert "@media print" in page
    assert page.startswith("<!DOCTYPE html>")


def test_html_escapes_user_text():
    page = render_html(example_result("car-t", product=INJECTION))
    assert "<script" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold] red" in page
    assert parse(page).errors == []


# ---------------------------------------------------------------------------------------------- Chromium


def test_html_opens_in_headless_chromium(tmp_path):
    """One Chromium launch (a second costs a second or two): the DOM it parsed and a screenshot it drew."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium installed (.ci/run installs one)")
    result = example_result("cells-on-scaffold", product=INJECTION, country="SE")
    page = tmp_path / "report.html"
    page.write_text(render_html(result, produced_at=FIXED_TIME), encoding="utf-8")
    shot = tmp_path / "report.png"

    browser = run_chromium(chromium, tmp_path, "--dump-dom", f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert browser.returncode == 0, browser.stderr
    assert f"<h1>{html.escape(label(result))}</h1>" in browser.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.stdout and "<script" not in browser.stdout
    page_errors = [line for line in browser.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "report.html" in line]
    assert page_errors == []
    assert shot.is_file() and shot.stat().st_size > 5000
    assert png_colours(shot) >= 2, "the screenshot is blank"
