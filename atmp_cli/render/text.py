"""The report on a terminal (rich), degrading to plain text when piped or written to a file.

It lays out the blocks of `document.build(result)` and adds no words of its own. User text and legal text
are never parsed as rich markup: everything goes through `Text(...)` objects, and highlighting is off so
"1394/2007" is not coloured as a number. Rich drops colour by itself when stdout is not a terminal and
when NO_COLOR is set. On stdout the summary comes alone unless the whole report is asked for, and its
last line is the classification, so that it is on screen when the command ends.
"""

from __future__ import annotations

import io
from typing import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree as RichTree

from atmp_cli.document import (
    Block,
    Bullets,
    Document,
    Flowchart,
    Headline,
    Inline,
    KeyValue,
    LegalBlock,
    Node,
    Paragraph,
    Section,
    Tree,
    build,
)
from atmp_cli.result import Result

_CODE_STYLE = {"not-ATMP": "bold yellow", "undetermined": "bold red"}
_SPAN_STYLE = {"strong": "bold", "em": "italic", "code": "bold", "dim": "dim", "met": "green", "not-met": "yellow",
               "unsure": "red", "flag": "bold yellow"}
_ROLE_STYLE = {"flag": "bold yellow", "caveat": "italic yellow", "meta": "dim", "disclaimer": "dim", "verdict": "bold"}
FILE_WIDTH = 100


def inline(spans: Inline, base: str = "") -> Text:
    """Spans as one rich Text; an external link is kept as its address after the text (files have no links)."""
    out = Text(style=base)
    for span in spans:
        out.append(span.text, style=_SPAN_STYLE.get(span.style, ""))
        if span.href and span.href != span.text:
            out.append(f" <{span.href}>", style="dim")
    return out


def _node(tree: RichTree, node: Node) -> None:
    branch = tree.add(inline(node.label))
    for child in node.children:
        _node(branch, child)


def _legal_lines(block: LegalBlock) -> list[tuple[str, str]]:
    """The parts of a legal text under its citation, with their styles, in order."""
    lines: list[tuple[str, str]] = []
    if block.caveat:
        lines.append((f"({block.caveat})", "italic yellow"))
    lines.append((block.body, "" if block.quoted else "italic"))
    if block.paraphrase:
        lines.append((block.paraphrase, "italic"))
    if block.meta:
        lines.append((block.meta, "dim"))
    return lines


def legal(block: LegalBlock) -> RenderableType:
    """A legal text as the report, `explain`, `definitions` and `tree` show it: the citation (with its official
    address), then indented the caveat, the quotation or the paraphrase, and the status."""
    parts: list[RenderableType] = [inline(block.heading)]
    parts += [Padding(Text(value, style=style), (0, 0, 0, 2), expand=False) for value, style in _legal_lines(block)]
    return Group(*parts)


def legal_text(block: LegalBlock) -> Text:
    """The same legal text as one Text, for the wizard's help pager (which wraps it itself)."""
    out = inline(block.heading)
    for value, style in _legal_lines(block):
        out.append("\n")
        out.append(value, style=style)
    return out


def block(item: Block, depth: int = 0) -> RenderableType | None:
    """One block laid out; a drawing has no text form, and is left out."""
    if isinstance(item, Section):
        heading = Text(item.title, style="bold underline" if depth == 0 else "bold")
        inner = [r for r in (block(b, depth + 1) for b in item.blocks) if r is not None]
        return Group(heading, *inner)
    if isinstance(item, Paragraph):
        return inline(item.spans, _ROLE_STYLE.get(item.role, ""))
    if isinstance(item, Bullets):
        grid = Table.grid(padding=(0, 1))  # wrapped lines hang under the text, not under the bullet
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")  # a link longer than the line is folded, never cut
        for entry in item.items:
            grid.add_row("•", inline(entry))
        return grid
    if isinstance(item, Tree):
        tree = RichTree(Text(""), hide_root=True)
        for node in item.nodes:
            _node(tree, node)
        return tree
    if isinstance(item, KeyValue):
        return _KeyValues(item)
    if isinstance(item, LegalBlock):
        return legal(item)
    if isinstance(item, Flowchart):
        return None
    raise TypeError(f"no text layout for {type(item).__name__}")


class _KeyValues:
    """Label and value side by side, values wrapping between words; where a word of a value cannot fit beside
    the labels (a digest at 80 columns), each value goes on the line under its label, whole, so it can be copied."""

    def __init__(self, block: KeyValue) -> None:
        self.rows = [(Text(label, style="bold"), inline(value)) for label, value in block.rows]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        labels = max((label.cell_len for label, _ in self.rows), default=0)
        word = max((len(w) for _, value in self.rows for w in value.plain.split()), default=0)
        if labels + 2 + word <= options.max_width:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for label, value in self.rows:
                grid.add_row(label, value)
            yield grid
            return
        for label, value in self.rows:
            yield label
            yield Padding(value, (0, 0, 0, 2))


def headline(head: Headline) -> RenderableType:
    style = _CODE_STYLE.get(head.code, "bold green")
    body = Text()
    body.append(head.label, style=style)
    body.append("\n" + head.reason)
    for flag in head.flags:
        body.append("\n" + flag, style="bold yellow")
    if head.product:
        body.append(f"\n{head.product[0]} ", style="bold")
        body.append(head.product[1])
    return Panel(body, title=Text(head.kicker), title_align="left", border_style=style.split()[-1])


def blocks(document: Document, *, full: bool = True) -> list[RenderableType]:
    """The report's blocks in reading order: the summary, then (if `full`) the appendix; the classification last."""
    out: list[RenderableType] = [headline(document.headline)]
    out += [r for r in (block(b) for b in document.summary) if r is not None]
    if full:
        out.append(Text(document.appendix_title.upper(), style="bold"))
        out += [r for r in (block(s) for s in document.appendix) if r is not None]
        out.append(Text(document.disclaimer, style="dim"))
    else:
        out.append(Text(document.extras["short_disclaimer"] + " " + document.extras["full_hint"], style="dim"))
    out.append(Text(document.verdict, style=_CODE_STYLE.get(document.headline.code, "bold green")))
    return out


def print_blocks(renderables: Iterable[RenderableType], console: Console) -> None:
    for index, renderable in enumerate(renderables):
        if index:
            console.print()
        console.print(renderable)


def print_report(result: Result, console: Console, produced_at: str | None = None, *, full: bool = True) -> None:
    """The report; without `full` the summary alone, cut to fit one screen."""
    print_blocks(blocks(build(result, produced_at, screen=not full), full=full), console)


def render_text(result: Result, *, produced_at: str | None = None, width: int = FILE_WIDTH, full: bool = True) -> str:
    """The report as plain text for a file: fixed width, no colour, no terminal codes."""
    console = Console(file=io.StringIO(), record=True, width=width, highlight=False, color_system=None, force_terminal=False)
    print_report(result, console, produced_at, full=full)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
