"""The decision flowchart: well-formed SVG, the real path and decisive answers marked, escaping, and that it
draws inside its boxes in headless Chromium."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from atmp_cli import bank
from atmp_cli.bank import UNSURE
from atmp_cli.examples import example_paths
from atmp_cli.document import flowchart
from atmp_cli.render.flowchart import flowchart_svg
from reporting import example_result
from browser import chromium as find_chromium, png_colours, run_chromium

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"title": "How this product was classified", "decisive": "decisive", "outcome": "Outcome",
          "not_asked": "not asked", "unsure": "unsure"}
SWEDISH = {"title": "Så klassificerades produkten", "decisive": "avgörande", "outcome": "Utfall",
           "not_asked": "inte ställd", "unsure": "osäker"}
EXAMPLES = sorted(example_paths(bank.load("eu")))


def draw(result, labels=LABELS) -> str:
    return flowchart_svg(flowchart(result.ruleset, [(s.question, s.answer) for s in result.path],
                                   [d.question for d in result.decisive], result.classification.code, labels))


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def texts(element: ET.Element, cls: str) -> list[str]:
    """The visible lines of the <text> elements of class `cls` under `element`."""
    return ["".join(span.itertext()) for text in element.iter(f"{SVG}text") if cls in classes(text) for span in text]


def tags(box: ET.Element) -> list[str]:
    return ["".join(g.itertext()) for g in box.iter(f"{SVG}g") if "tag" in classes(g)]


def groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_path_decisive_and_skipped_questions_are_marked(name):
    result = example_result(name)
    ruleset = result.ruleset
    svg = draw(result)
    root = ET.fromstring(svg)  # well-formed XML
    boxes = groups(root)
    asked = {step.question: step.answer for step in result.path}
    decisive = {d.question for d in result.decisive}
    for question in ruleset.questions:
        box = boxes[f"q-{question.id}"]
        assert box.get("data-question") == question.id
        state = classes(box)
        assert ("taken" in state) == (question.id in asked) and ("skipped" in state) == (question.id not in asked), question.id
        assert ("decisive" in state) == (question.id in decisive), question.id
        assert tags(box) == ([LABELS["decisive"]] if question.id in decisive else [])
        choice = texts(box, "choice")
        if question.id not in asked:
            assert choice == [LABELS["not_asked"]]
            continue
        answer = asked[question.id]
        values = [answer] if isinstance(answer, str) else list(answer)
        full = [LABELS["unsure"] if v == UNSURE else question.option(v).label for v in values]
        tooltip = box.find(f"{SVG}title").text
        assert all(label in tooltip for label in full), question.id
        shown = " ".join(choice).removeprefix("\u2022 ")
        if len(values) == 1:  # wrapped, perhaps shortened: the label's beginning, word for word
            assert full[0].startswith(shown.removesuffix("\u2026")) and len(shown) >= min(len(full[0]), 20), (shown, full[0])
        else:
            assert len(choice) == min(len(values), 6) and choice[0].removeprefix("\u2022 ").rstrip("\u2026") in full[0]
    outcome = boxes["outcome"]
    assert result.classification.code in classes(outcome) and outcome.get("data-code") == result.classification.code
    assert " ".join(texts(outcome, "verdict")) == ruleset.labels[result.classification.code]
    assert texts(outcome, "outcome-heading") == [LABELS["outcome"]]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_taken_edges_join_start_every_answer_and_the_outcome(name):
    result = example_result(name)
    root = ET.fromstring(draw(result))
    edges = [p for p in root.iter(f"{SVG}path") if {"edge", "taken"} <= classes(p)]
    assert len(edges) == len(result.path) + 1  # start -> each answered question -> outcome
    positions = [-1] + [i for i, q in enumerate(result.ruleset.questions) if q.id in result.answers] + [len(result.ruleset.questions)]
    bypasses = sum(1 for a, b in zip(positions, positions[1:]) if b != a + 1)
    assert sum(1 for p in edges if " Q" in p.get("d")) == bypasses  # past skipped questions on the rail
    assert bypasses > 0 and all(p.get("marker-end") == "url(#flow-arrow-taken)" for p in edges)


def test_accessible_self_contained_and_deterministic():
    result = example_result("car-t")
    svg = draw(result)
    assert svg == draw(example_result("car-t"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = (root.find(f"{SVG}{tag}") for tag in ("title", "desc"))
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.text == LABELS["title"]
    assert result.ruleset.labels[result.classification.code] in desc.text and "Yes, for human use (decisive)" in desc.text
    _, _, width, height = (int(v) for v in root.get("viewBox").split())
    assert (root.get("width"), root.get("height")) == (str(width), str(height))
    assert max(float(r.get("y")) + float(r.get("height")) for r in root.iter(f"{SVG}rect")) <= height
    lowered = svg.lower()
    for forbidden in ("<script", "<image", "<foreignobject", "href", "@import", "@font-face", "javascript:", "onload"):
        assert forbidden not in lowered, forbidden
    assert set(re.findall(r"url\(([^)]*)\)", svg)) == {"#flow-arrow", "#flow-arrow-taken"}
    assert re.findall(r"https?://[^\s\"']+", svg) == ["http://www.w3.org/2000/svg"]
    assert root.find(f"{SVG}style").text.count("svg.atmp-flow") == 1 and "atmp-flow" in classes(root)
    css = root.find(f"{SVG}style").text
    rules = [rule.split("{")[0] for rule in css.split("}") if "{" in rule]
    assert all(selector.strip().startswith(("svg.atmp-flow", ".atmp-flow ")) for rule in rules for selector in rule.split(","))


def test_no_word_of_its_own_only_the_callers_labels():
    root = ET.fromstring(draw(example_result("digested-fat-unsure"), SWEDISH))
    shown = {"".join(text.itertext()) for text in root.iter(f"{SVG}text")}
    assert {"avgörande", "inte ställd", "osäker", "Utfall"} <= shown
    assert not {"decisive", "not asked", "unsure", "Outcome"} & shown
    assert root.find(f"{SVG}title").text == SWEDISH["title"]


def test_text_from_the_data_and_the_caller_is_escaped(ruleset):
    hostile = "<b>&amp; \x1b[31m\"q\"</b>"
    first = ruleset.questions[0]
    option = replace(first.options[0], label=f"Yes {hostile}")
    question = replace(first, prompt=f"Prompt {hostile}", options=(option, *first.options[1:]))
    changed = replace(ruleset, questions=(question, *ruleset.questions[1:]), by_id={**ruleset.by_id, question.id: question})
    labels = {key: f"{value} {hostile}" for key, value in LABELS.items()}
    svg = flowchart_svg(flowchart(changed, [(first.id, option.value)], [first.id], "not-ATMP", labels))
    root = ET.fromstring(svg)
    assert not list(root.iter("b")) and not list(root.iter(f"{SVG}b")) and "\x1b" not in svg
    box = groups(root)[f"q-{first.id}"]
    assert texts(box, "prompt") == ['Prompt <b>&amp; "q"</b>'] and texts(box, "choice") == ['Yes <b>&amp; "q"</b>']
    assert root.find(f"{SVG}title").text == f"{LABELS['title']} <b>&amp; \"q\"</b>"
    assert tags(box) == [f"{LABELS['decisive']} <b>&amp; \"q\"</b>"]
    assert "&lt;b&gt;&amp;amp;" in svg


def test_long_text_is_wrapped_and_shortened_with_an_ellipsis(ruleset):
    first = ruleset.questions[0]
    long = " ".join(["word"] * 200)
    question = replace(first, prompt=long)
    changed = replace(ruleset, questions=(question, *ruleset.questions[1:]), by_id={**ruleset.by_id, question.id: question})
    box = groups(ET.fromstring(flowchart_svg(flowchart(changed, [("human_use", "no")], [], "not-ATMP", LABELS))))[f"q-{first.id}"]
    lines = texts(box, "prompt")
    assert len(lines) == 3 and lines[-1].endswith("word\u2026") and all(line.startswith("word") for line in lines)
    assert long in box.find(f"{SVG}title").text


def test_a_question_the_ruleset_does_not_have_is_an_error(ruleset):
    with pytest.raises(ValueError, match="no_such_question"):
        flowchart(ruleset, [("human_use", "yes"), ("no_such_question", "yes")], [], "not-ATMP", LABELS)


# ---------------------------------------------------------------------------------------------- Chromium

# Run in the test page only (the drawing itself has no script): every line of text must end inside its box,
# the prompt before the answer cell, so the width estimate holds for the fonts Chromium really uses.
_MEASURE = """<script>
const out = [];
for (const svg of document.querySelectorAll('svg.atmp-flow')) {
  for (const g of svg.querySelectorAll('g.question, g.outcome')) {
    const box = g.querySelector('rect.box').getBBox();
    const cell = g.querySelector('.cell');
    for (const text of g.querySelectorAll(':scope > text')) {
      const b = text.getBBox();
      const right = text.classList.contains('choice') || !cell ? box.x + box.width : cell.getBBox().x;
      if (b.x + b.width > right - 2 || b.y + b.height > box.y + box.height + 1 || b.width === 0)
        out.push(svg.dataset.example + ' ' + g.id + ' ' + text.getAttribute('class'));
    }
  }
}
document.getElementById('overflow').textContent = 'measured:' + out.join(';');
</script>"""


def test_it_draws_in_headless_chromium_with_every_line_inside_its_box(tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium installed (.ci/run installs one)")
    svgs = [draw(example_result(name)).replace('class="atmp-flow"', f'class="atmp-flow" data-example="{name}"', 1) for name in EXAMPLES]
    page = tmp_path / "flow.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + "".join(svgs)
                    + '<pre id="overflow"></pre>' + _MEASURE + "</body></html>", encoding="utf-8")
    dom = run_chromium(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    assert '<pre id="overflow">measured:</pre>' in dom.stdout, re.search(r'<pre id="overflow">.*?</pre>', dom.stdout, re.S).group(0)

    single = tmp_path / "car-t.html"
    single.write_text('<!DOCTYPE html><html><body style="margin:0">' + draw(example_result("car-t")) + "</body></html>", encoding="utf-8")
    shot = tmp_path / "flow.png"
    screenshot = run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=800,1200", single.as_uri())
    assert screenshot.returncode == 0, screenshot.stderr
    assert png_colours(shot, limit=8) >= 8, "the flowchart did not draw"
