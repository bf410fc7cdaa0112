"""The report for a case file (issue 13): a one-screen summary first, the case and the reasons for each
answer in every format, and an HTML report that works as a document (links, drawing, print)."""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atmp_cli import bank
from atmp_cli.answers import check_document
from atmp_cli.cli import app
from atmp_cli.engine import classify
from atmp_cli.examples import load_example
from atmp_cli.render.html import render_html
from atmp_cli.render.text import render_text
from browser import chromium as find_chromium, run_chromium
from reporting import FIXED_TIME, OUTCOMES, assert_snapshot, example_result, label

SUMMARY_LINES, WIDTH = 40, 100
CASE = {
    "reference": "MPA-2026-0042",
    "organisation": "Example <b>Biotech</b> & Co [bold]AB[/bold]",
    "assessor": "A. Inspector",
    "date": "2026-12-02",
    "description": "Autologous chondrocytes \x1b[31mexpanded\x1b[0m on a <script>alert(1)</script> membrane",
    "indication": "Cartilage defects of the knee",
    "notes": "Pre-submission meeting held.",
}
REASONS = {
    "manipulations": "The SmPC says the cells are *expanded* for 3 weeks <i>in vitro</i>.",
    "intended_use": "Claim in section 4.1: [repair] of cartilage.",
}
SHOWN = {  # how the hostile parts of the case come out in a text report: literal, control characters stripped
    "organisation": "Example <b>Biotech</b> & Co [bold]AB[/bold]",
    "description": "Autologous chondrocytes expanded on a <script>alert(1)</script> membrane",
}


def _published_documents() -> list[dict]:
    shared = Path(os.environ.get("ATMP_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    cases = [json.loads(line)["input"] for line in (shared / "cases" / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    ruleset = bank.load("eu")
    return [load_example(ruleset, name) for name in OUTCOMES.values()] + cases


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("country", [None, "SE"])
def test_the_summary_fits_one_screen_and_ends_with_the_classification(country, lang):
    ruleset = bank.load("eu", lang)
    m = ruleset.messages
    for document in _published_documents():
        checked = check_document(ruleset, document)
        result = classify(ruleset, checked.answers, product=checked.product, country=country)
        lines = render_text(result, full=False, width=WIDTH).splitlines()
        assert len(lines) <= SUMMARY_LINES, (document.get("product"), len(lines))
        assert max(len(line) for line in lines) <= WIDTH
        verdict = m("report.verdict_borderline" if result.classification.borderline else "report.verdict", label=label(result))
        assert lines[-1] == verdict
        assert m("section.decision_path") not in "\n".join(lines)  # the appendix is not in the summary


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_summary_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.summary.txt", render_text(example_result(OUTCOMES[outcome]), full=False))


def test_the_summary_quotes_the_definition_met_and_names_the_failed_test_for_the_others():
    result = example_result("chondrocytes")
    summary = " ".join(render_text(result, full=False).split())
    assert "TEP definition met: Regulation (EC) No 1394/2007, Article 2(1), point (b)" in summary
    assert "‘Tissue engineered product’ means a product that:" in summary and "[…]" in summary
    assert "GTMP: not met — The active substance contains no recombinant nucleic acid." in summary


def _answers_file(tmp_path: Path) -> Path:
    document = {**load_example(bank.load("eu"), "chondrocytes"), "case": CASE, "justifications": REASONS}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_case_and_reasons_appear_literally_in_every_format(runner, tmp_path):
    source = _answers_file(tmp_path)
    outputs = {}
    for suffix in ("txt", "md", "html", "json"):
        target = tmp_path / f"report.{suffix}"
        result = runner.invoke(app, ["classify", "--answers", str(source), "--output", str(target)])
        assert result.exit_code == 0, result.stderr
        outputs[suffix] = target.read_text(encoding="utf-8")
    text = " ".join(outputs["txt"].split())
    for key in ("reference", "assessor", "indication"):
        assert CASE[key] in text
    for value in SHOWN.values():
        assert value in text
    assert "\x1b" not in outputs["txt"]
    for reason in REASONS.values():
        assert reason in text
    summary = text.split("APPENDIX")[0]
    assert CASE["reference"] in summary and "Reason" not in summary  # the case in the summary, reasons in the appendix

    page = outputs["html"]
    assert "<script>alert" not in page and html.escape("<script>alert(1)</script>") in page
    assert html.escape(SHOWN["organisation"]) in page and html.escape(REASONS["manipulations"]) in page

    markdown = outputs["md"]
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert r"\[bold\]AB\[/bold\]" in markdown and r"\*expanded\*" in markdown

    data = json.loads(outputs["json"])
    assert data["case"]["organisation"] == CASE["organisation"]
    assert data["case"]["description"] == SHOWN["description"]
    assert data["justifications"] == REASONS


def test_the_answers_digest_ignores_the_case_and_the_document_digest_does_not(runner, tmp_path):
    source = _answers_file(tmp_path)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(load_example(bank.load("eu"), "chondrocytes")), encoding="utf-8")
    with_case = json.loads(runner.invoke(app, ["classify", "--answers", str(source), "--format", "json"]).stdout)
    without = json.loads(runner.invoke(app, ["classify", "--answers", str(bare), "--format", "json"]).stdout)
    assert with_case["audit"]["answers_sha256"] == without["audit"]["answers_sha256"]
    assert with_case["audit"]["document_sha256"] != without["audit"]["document_sha256"]
    assert with_case["classification"] == without["classification"]


class _Page(HTMLParser):
    """The ids, in-page links and external links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.local: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        href = attributes.get("href")
        if tag == "a" and href:
            (self.local if href.startswith("#") else self.external).append(href)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_every_link_in_the_page_resolves_and_every_citation_links_to_the_act(outcome):
    result = example_result(OUTCOMES[outcome], country="SE")
    page = _Page()
    page.feed(render_html(result, produced_at=FIXED_TIME))
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"
    assert page.local and all(href[1:] in page.ids for href in page.local)
    for cid in result.citation_ids:
        assert f"#cite-{cid.lower()}" in page.local
        assert result.ruleset.texts[cid].url in page.external
    assert all(href.startswith(("https://", "http://")) for href in page.external)


def _chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip("no Chromium installed (.ci/run installs one)")
    return found


def test_the_html_report_in_chromium_draws_the_taken_path_and_prints_the_summary_first(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    chromium = _chromium()
    result = example_result("msc-gvhd", country="SE")
    page = tmp_path / "report.html"
    page.write_text(render_html(result, produced_at=FIXED_TIME), encoding="utf-8")

    dom = run_chromium(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    taken = set(re.findall(r'<g class="question taken[^"]*" id="q-([a-z_]+)"', dom.stdout))
    assert taken == {step.question for step in result.path}
    decisive = set(re.findall(r'<g class="question taken decisive" id="q-([a-z_]+)"', dom.stdout))
    assert decisive == {d.question for d in result.decisive}

    pdf = tmp_path / "report.pdf"
    printed = run_chromium(chromium, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.is_file(), printed.stderr
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(pdf)).pages]
    assert len(pages) > 2
    first = pages[0]
    assert label(result) in first and "Borderline" in first and "Definitions" in first
    verdict = next(i for i, text in enumerate(pages) if "Classification: " + label(result) in text)
    appendix = next(i for i, text in enumerate(pages) if "Decision path" in text)
    assert verdict < appendix, "the appendix starts on a page after the summary"
    assert pages[appendix].startswith("Appendix")


def test_a_records_case_and_reasons_never_leak_into_another_records_json():
    """Records with the same answers share one memoised classification and its cached JSON; their own case and
    reasons must still be theirs alone, and the cached line must be what json.dumps writes."""
    from atmp_cli.serialize import to_dict, to_json_line

    ruleset = bank.load("eu")
    answers = check_document(ruleset, load_example(ruleset, "chondrocytes")).answers
    first = classify(ruleset, answers, product="A", case={"reference": "REF-A"}, justifications={"manipulations": "WHY-A"})
    second = classify(ruleset, answers, product="B")
    third = classify(ruleset, answers, product="C", case={"reference": "REF-C"}, justifications={"intended_use": "WHY-C"})
    lines = [to_json_line(r, extra={"source": f"in.jsonl:{i}"}) for i, r in enumerate((first, second, third, first), 1)]
    assert "REF-A" in lines[0] and "WHY-A" in lines[0] and "REF-A" in lines[3]
    assert "REF-" not in lines[1] and "WHY-" not in lines[1]
    assert "REF-A" not in lines[2] and "WHY-A" not in lines[2] and "WHY-C" in lines[2]
    for index, result in enumerate((first, second, third, first), 1):
        expected = {**to_dict(result, full_text=False), "source": f"in.jsonl:{index}"}
        assert lines[index - 1] == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_save_keeps_the_case_and_the_reasons(runner, tmp_path):
    source = _answers_file(tmp_path)
    saved = tmp_path / "saved.json"
    result = runner.invoke(app, ["classify", "--answers", str(source), "--format", "json", "--save", str(saved)])
    assert result.exit_code == 0, result.stderr
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["case"]["organisation"] == CASE["organisation"] and document["case"]["description"] == SHOWN["description"]
    assert document["justifications"] == REASONS
    again = runner.invoke(app, ["classify", "--answers", str(saved), "--format", "json"])
    assert json.loads(again.stdout)["audit"] == json.loads(result.stdout)["audit"]  # the same document, the same digests


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_a_summary_with_the_whole_case_still_fits_one_screen(runner, tmp_path, lang):
    """The case's seven fields take room of their own: the notes give way (counted in the closing line)."""
    result = runner.invoke(app, ["classify", "--answers", str(_answers_file(tmp_path)), "--country", "SE", "--lang", lang],
                           env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= SUMMARY_LINES and CASE["reference"] in result.stdout
