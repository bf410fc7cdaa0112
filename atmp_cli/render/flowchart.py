"""The decision drawn: the question bank as an SVG flowchart with this product's path through it highlighted.

A reader of the report should see at a glance which questions were asked and answered, which answers alone
would have changed the outcome (decisive), which questions the product never reached, and where the path
ended. The drawing is inline SVG with its own <style> and nothing else: no script, font or other asset, so
it opens offline and prints like the rest of the page.

Pure: a `document.Flowchart` (what the report decided to show: each question, its answer's labels or that
it was not asked, whether it is decisive, the outcome, and the drawing's few words) in, SVG text out, the
same every time. It adds no word of its own.
Text is wrapped by an estimate of its width (nothing is measured), which errs on the wide side so lines
stay inside their boxes; every shortened text is given whole in the box's <title> (a tooltip).

In an HTML page the <style> of an inline SVG applies to the whole page, so every rule here is scoped to
`svg.atmp-flow` and the class names avoid those of the report's own stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from atmp_cli.answers import clean_text
from atmp_cli.document import Flowchart, FlowStep

WIDTH = 760
RAIL_X = 26  # where the path runs past questions it skips
BOX_X = 48
BOX_W = WIDTH - BOX_X - 12
CELL_W = 300  # the answer cell, at the right of each box
SPINE_X = BOX_X + 24  # where edges run between consecutive boxes
PAD = 12  # inside a box
GAP = 22  # between boxes, for the arrow
PROMPT_SIZE, LINE = 13, 17
QID_SIZE, QID_LINE = 10.5, 14
TAG_SIZE, TITLE_SIZE = 10.5, 12.5
VERDICT_SIZE, VERDICT_LINE = 16, 21
HEADER = 28  # a section band's title row
PROMPT_LINES = {"taken": 3, "skipped": 2}
OPTION_LINES = 6  # at most this many chosen options listed in a box, the rest counted

_NARROW = frozenset("fijlrtI.,:;'!|()[]{} /-")
_WIDE = frozenset("mwMW@%")

_CSS = """
svg.atmp-flow { max-width: 100%; height: auto; print-color-adjust: exact; -webkit-print-color-adjust: exact;
  font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
.atmp-flow text { fill: #1b1f24; font-size: 13px; }
.atmp-flow .band { fill: #f2f4f7; }
.atmp-flow .band-title { font-size: 12.5px; font-weight: 700; fill: #4a5361; }
.atmp-flow .box { fill: #fff; stroke: #8a939e; stroke-width: 1.2; }
.atmp-flow .cell { fill: #eef0f3; }
.atmp-flow .qid { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 10.5px; fill: #5c6672; }
.atmp-flow .choice { font-weight: 700; }
.atmp-flow .taken .box { stroke: #1d5fa8; stroke-width: 2.5; }
.atmp-flow .taken .cell { fill: #e1ecf8; }
.atmp-flow .taken .choice { fill: #0e3a6e; }
.atmp-flow .skipped { opacity: 0.6; }
.atmp-flow .skipped .box { stroke-dasharray: 4 3; fill: #fafbfc; }
.atmp-flow .skipped text { fill: #6b7480; }
.atmp-flow .skipped .choice { font-style: italic; font-weight: 400; }
.atmp-flow .edge { fill: none; stroke: #b4bbc4; stroke-width: 1.3; }
.atmp-flow .edge.taken { stroke: #1d5fa8; stroke-width: 3; }
.atmp-flow .arrow { fill: #b4bbc4; }
.atmp-flow .arrow.taken, .atmp-flow .start { fill: #1d5fa8; }
.atmp-flow .accent { fill: none; stroke: #c0560a; stroke-width: 2; stroke-dasharray: 6 4; }
.atmp-flow .tag rect { fill: #c0560a; }
.atmp-flow .tag text { fill: #fff; font-size: 10.5px; font-weight: 700; }
.atmp-flow .outcome .box { stroke: #2f7d32; stroke-width: 3; fill: #eef6ee; }
.atmp-flow .outcome.not-ATMP .box { stroke: #b8860b; fill: #fbf6e8; }
.atmp-flow .outcome.undetermined .box { stroke: #b22222; fill: #fbeeee; }
.atmp-flow .outcome-heading { font-size: 11px; font-weight: 700; fill: #4a5361; }
.atmp-flow .verdict { font-size: 16px; font-weight: 700; }
"""


# ---------------------------------------------------------------------------------------------- text


def _width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of how wide `text` sets in a sans-serif face at `size` px, generous for wide faces."""
    em = sum(0.35 if c in _NARROW else 0.95 if c in _WIDE else 0.76 if c.isupper() else 0.62 for c in text)
    return em * size * (1.12 if bold else 1.0)


def _fit(text: str, width: float, size: float, bold: bool = False, more: bool = False) -> str:
    """`text` cut at a word (or, for one long word, a character) so that it and an ellipsis fit; the ellipsis
    is added when text was cut or `more` says something follows that will not be shown."""
    if not more and _width(text, size, bold) <= width:
        return text
    words = text.split()
    while len(words) > 1 and _width(" ".join(words) + "\u2026", size, bold) > width:
        words.pop()
    cut = " ".join(words)
    while cut and _width(cut + "\u2026", size, bold) > width:
        cut = cut[:-1]
    return cut.rstrip(" ,;:") + "\u2026"


def _wrap(text: str, width: float, size: float, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines, the last one ending in an ellipsis if text is left."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_fit(lines[max_lines - 1], width, size, bold, more=True)]
    return [_fit(line, width, size, bold) for line in lines]  # a single word wider than the line is cut


def _text(x: int, y: int, lines: Sequence[str], cls: str, line: int = LINE) -> str:
    """A <text> with one <tspan> per line, the first baseline at `y`."""
    spans = "".join(f'<tspan x="{x}" y="{y + i * line}">{escape(text)}</tspan>' for i, text in enumerate(lines))
    return f'<text class="{cls}">{spans}</text>'


# ---------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Node:
    """A box (or the start point) at its place: edges leave from its bottom and, past skipped boxes, its side."""

    top: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def entry(self) -> int:
        """Where a path that went past skipped questions comes back in (above `exit`, so two never meet)."""
        return self.top + min(18, self.height // 2)

    @property
    def exit(self) -> int:
        return self.bottom - min(18, self.height // 2)


def _answer_lines(texts: list[str]) -> list[str]:
    """The answer wrapped into its cell: a multi-select lists one option a line, the ones past the room counted."""
    width = CELL_W - 2 * PAD
    if len(texts) == 1:
        return _wrap(texts[0], width, PROMPT_SIZE, 3, bold=True)
    shown = texts if len(texts) <= OPTION_LINES else texts[: OPTION_LINES - 1]
    lines = [_fit("\u2022 " + text, width, PROMPT_SIZE, bold=True) for text in shown]
    return lines + ([f"+{len(texts) - len(shown)}"] if len(shown) < len(texts) else [])


def _cell(x: int, top: int, height: int) -> str:
    """The answer cell: the right part of a box, inside its border, its outer corners rounded like the box's."""
    right, bottom, r = BOX_X + BOX_W - 1.5, top + height - 1.5, 5
    return (
        f'<path class="cell" d="M{x} {top + 1.5} H{right - r} Q{right} {top + 1.5} {right} {top + 1.5 + r} '
        f'V{bottom - r} Q{right} {bottom} {right - r} {bottom} H{x} Z"/>'
    )


def _tag(right: int, top: int, word: str) -> str:
    """A filled label straddling a box's top edge, right-aligned at `right`."""
    width = round(_width(word, TAG_SIZE, bold=True)) + 14
    return (
        f'<g class="tag"><rect x="{right - width}" y="{top - 9}" width="{width}" height="18" rx="9"/>'
        f'<text x="{right - width // 2}" y="{top + 4}" text-anchor="middle">{escape(word)}</text></g>'
    )


def _question_box(step: FlowStep, top: int, words: Mapping[str, str]) -> tuple[str, _Node]:
    asked, decisive, question = step.answers is not None, step.decisive, step  # question: its id
    state = "taken" if asked else "skipped"
    prompt = clean_text(step.prompt)
    prompt_lines = _wrap(prompt, BOX_W - CELL_W - 2 * PAD, PROMPT_SIZE, PROMPT_LINES[state])
    texts = [clean_text(text) for text in step.answers] if step.answers is not None else []
    choice = _answer_lines(texts) if asked else [clean_text(words["not_asked"])]
    height = max(PAD + QID_LINE + len(prompt_lines) * LINE + PAD - 4, 2 * PAD + len(choice) * LINE)
    cell_x = BOX_X + BOX_W - CELL_W
    choice_top = top + (height - len(choice) * LINE) // 2 + 13
    tooltip = f"{question.id}: {prompt}" + (f" \u2192 {'; '.join(texts)}" if asked else "")
    classes = f"question {state}" + (" decisive" if decisive else "")
    parts = [
        f'<g class="{classes}" id={quoteattr("q-" + question.id)} data-question={quoteattr(question.id)}>',
        f"<title>{escape(clean_text(tooltip))}</title>",
        f'<rect class="box" x="{BOX_X}" y="{top}" width="{BOX_W}" height="{height}" rx="6"/>',
        _cell(cell_x, top, height),
        _text(BOX_X + PAD, top + PAD + 9, [question.id], "qid"),
        _text(BOX_X + PAD, top + PAD + QID_LINE + 12, prompt_lines, "prompt"),
        _text(cell_x + PAD, choice_top, choice, "choice"),
    ]
    if decisive:
        parts.append(f'<rect class="accent" x="{BOX_X - 5}" y="{top - 5}" width="{BOX_W + 10}" height="{height + 10}" rx="9"/>')
        parts.append(_tag(BOX_X + BOX_W - 10, top - 5, clean_text(words["decisive"])))
    parts.append("</g>")
    return "".join(parts), _Node(top, height)


def _outcome_box(top: int, code: str, label: str, heading: str) -> tuple[str, _Node]:
    lines = _wrap(clean_text(label), BOX_W - 2 * PAD, VERDICT_SIZE, 3, bold=True)
    height = PAD + 16 + len(lines) * VERDICT_LINE + PAD - 2
    body = (
        f'<g class={quoteattr("outcome " + code)} id="outcome" data-code={quoteattr(code)}>'
        f'<rect class="box" x="{BOX_X}" y="{top}" width="{BOX_W}" height="{height}" rx="8"/>'
        + _text(BOX_X + PAD, top + PAD + 10, [clean_text(heading)], "outcome-heading")
        + _text(BOX_X + PAD, top + PAD + 16 + 15, lines, "verdict", line=VERDICT_LINE)
        + "</g>"
    )
    return body, _Node(top, height)


def _edge(upper: _Node, lower: _Node, taken: bool) -> str:
    """The arrow from one box to the next in bank order."""
    state = "edge taken" if taken else "edge"
    return f'<path class="{state}" d="M{SPINE_X} {upper.bottom} V{lower.top - 2}" marker-end="url(#flow-arrow{"-taken" if taken else ""})"/>'


def _bypass(upper: _Node, lower: _Node, start_x: int) -> str:
    """The path's way past the questions it was not asked: out to the left rail, down, and back in."""
    r = 8
    return (
        f'<path class="edge taken" d="M{start_x} {upper.exit} H{RAIL_X + r} Q{RAIL_X} {upper.exit} {RAIL_X} {upper.exit + r} '
        f'V{lower.entry - r} Q{RAIL_X} {lower.entry} {RAIL_X + r} {lower.entry} H{BOX_X - 2}" marker-end="url(#flow-arrow-taken)"/>'
    )


def _description(chart: Flowchart) -> str:
    steps = []
    for _, section in chart.sections:
        for step in section:
            if step.answers is not None:
                mark = f" ({chart.words['decisive']})" if step.decisive else ""
                steps.append(f"{step.prompt} {'; '.join(step.answers)}{mark}")
    return clean_text(" \u2192 ".join(steps) + f". {chart.words['outcome']}: {chart.outcome_label}.")


def flowchart_svg(chart: Flowchart) -> str:
    """The question tree as an SVG flowchart, in bank order by section, with this product's path highlighted:
    the layout of a `document.Flowchart` (what to draw), which holds every word shown.

    Questions on the path carry class "taken", the others "skipped"; decisive ones also "decisive"; each box
    is a <g id="q-QUESTION_ID">, the outcome <g id="outcome">, so the page's print styles can address them.
    """
    bands, boxes, edges = [], [], []
    start = _Node(4, 12)
    nodes: list[tuple[_Node, bool]] = [(start, True)]  # every node in order, and whether the path went through it
    y = start.bottom + GAP
    for section_title, steps in chart.sections:
        band_top = y
        title = _fit(clean_text(section_title), BOX_W - (SPINE_X - BOX_X) - 24, TITLE_SIZE, bold=True)
        y += HEADER
        for step in steps:
            box, node = _question_box(step, y, chart.words)
            boxes.append(box)
            nodes.append((node, step.answers is not None))
            y = node.bottom + GAP
        band_bottom = y - GAP + 12
        bands.append(f'<rect class="band" x="8" y="{band_top}" width="{WIDTH - 16}" height="{band_bottom - band_top}" rx="10"/>')
        bands.append(_text(SPINE_X + 16, band_top + 19, [title], "band-title"))
        y = band_bottom + GAP
    outcome, end = _outcome_box(y, chart.outcome_code, chart.outcome_label, chart.words["outcome"])
    nodes.append((end, True))

    for (upper, upper_taken), (lower, lower_taken) in zip(nodes, nodes[1:]):
        edges.append(_edge(upper, lower, upper_taken and lower_taken))
    on_path = [i for i, (_, taken) in enumerate(nodes) if taken]
    for upper, lower in zip(on_path, on_path[1:]):
        if lower != upper + 1:
            edges.append(_bypass(nodes[upper][0], nodes[lower][0], SPINE_X - 7 if upper == 0 else BOX_X))

    height = end.bottom + 8
    title = clean_text(chart.words["title"])
    description = _description(chart)
    arrow = '<marker id="flow-arrow{0}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{1}" markerHeight="{1}" ' \
            'markerUnits="userSpaceOnUse" orient="auto"><path class="arrow{2}" d="M0 0 L10 5 L0 10 z"/></marker>'
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="atmp-flow" role="img" aria-labelledby="flow-title flow-desc" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
            f'<title id="flow-title">{escape(title)}</title>',
            f'<desc id="flow-desc">{escape(description)}</desc>',
            f"<style>{_CSS}</style>",
            "<defs>" + arrow.format("", 9, "") + arrow.format("-taken", 12, " taken") + "</defs>",
            *bands,
            *edges,
            f'<circle class="start" cx="{SPINE_X}" cy="{start.top + 6}" r="6"/>',
            *boxes,
            outcome,
            "</svg>",
            "",
        ]
    )
