"""The classification report on a terminal (rich), degrading to plain text when piped.

It lays out `content.build(result)`, the same content as the Markdown and HTML reports. User text (the
product name) and legal text are never parsed as rich markup: everything goes through `Text(...)` objects,
and highlighting is off so "1394/2007" is not coloured as a number. Rich drops colour by itself when stdout
is not a terminal and when NO_COLOR is set.
"""

from __future__ import annotations

import io
from typing import Iterable

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from atmp_cli.render.content import PARAPHRASE_LABEL, ListSection, Report, build
from atmp_cli.result import Result

_STYLE = {"GTMP": "bold green", "sCTMP": "bold green", "TEP": "bold green", "not-ATMP": "bold yellow", "undetermined": "bold red"}
_HOLDS = {True: "green", False: "yellow", None: "red"}
FILE_WIDTH = 100


def _cites(ids: Iterable[str]) -> Text:
    ids = list(ids)
    return Text(" [" + ", ".join(ids) + "]", style="dim") if ids else Text("")


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _bullets(items: Iterable[Text]) -> Table:
    """A bulleted list whose wrapped lines hang under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row("•", item)
    return grid


def headline(report: Report) -> RenderableType:
    body = Text()
    body.append(report.label, style=_STYLE.get(report.code, "bold"))
    body.append("\n" + report.reason)
    for flag in report.flags:
        body.append("\n" + flag, style="bold yellow")
    if report.product:
        body.append("\n\nProduct: ", style="bold")
        body.append(report.product)
    border = _STYLE.get(report.code, "bold").split()[-1]
    return Panel(body, title=Text(report.title), title_align="left", border_style=border)


def path_tree(report: Report) -> Tree:
    """Section > question > answer > finding, each finding with its citation ids."""
    tree = Tree(_heading("Decision path"))
    for section in report.sections:
        branch = tree.add(Text(section.title, style="bold cyan"))
        for question in section.questions:
            node = branch.add(Text.assemble((question.id, "bold"), ": ", question.prompt))
            for answer in question.answers:
                leaf = node.add(Text.assemble(("answer: ", "dim"), (answer.text, "bold")))
                for finding in answer.findings:
                    leaf.add(Text.assemble(finding.text, _cites(finding.citations)))
    return tree


def checks_tree(report: Report) -> Tree:
    """Each ATMP definition, and which of its conditions held or failed."""
    tree = Tree(_heading("Definitions checked"))
    for check in report.checks:
        node = tree.add(Text.assemble((check.label, "bold"), ": ", (check.word, _HOLDS[check.holds]), _cites(check.citations)))
        for test in check.tests:
            style = _HOLDS[test.holds] if test.applicable else "dim"
            node.add(Text.assemble((f"{test.word}: ", style), test.finding, _cites(test.citations)))
    return tree


def list_block(section: ListSection) -> RenderableType:
    items = [Text.assemble(item.lead, (item.strong, "bold"), item.text, _cites(item.citations)) for item in section.items]
    return Group(_heading(section.title), _bullets(items))


def citations_block(report: Report) -> RenderableType:
    parts: list[RenderableType] = [_heading("Legal texts cited")]
    for text in report.texts:
        parts.append(Text(""))
        parts.append(Text.assemble((text.id, "bold"), " — ", text.citation))
        if text.caveat:
            parts.append(Padding(Text(f"({text.caveat})", style="italic yellow"), (0, 0, 0, 2), expand=False))
        parts.append(Padding(Text(text.body, style="" if text.quoted else "italic"), (0, 0, 0, 2), expand=False))
        if text.paraphrase:
            parts.append(Padding(Text(f"{PARAPHRASE_LABEL} {text.paraphrase}", style="italic"), (0, 0, 0, 2), expand=False))
        meta = Text(f"Status: {text.status}; confidence: {text.confidence}", style="dim")
        if text.source:
            meta.append(f"\nSource: {text.source}")
        parts.append(Padding(meta, (0, 0, 0, 2), expand=False))
    return Group(*parts)


def audit_block(report: Report) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in report.audit:
        grid.add_row(Text(label), Text(value))
    return Group(_heading("Audit"), grid)


def blocks(report: Report) -> list[RenderableType]:
    """The report's blocks, in reading order."""
    out: list[RenderableType] = [headline(report), path_tree(report), checks_tree(report)]
    out += [list_block(section) for section in report.lists]
    out += [citations_block(report), audit_block(report), Text(report.disclaimer, style="dim")]
    return out


def report(result: Result, produced_at: str | None = None) -> list[RenderableType]:
    return blocks(build(result, produced_at))


def print_report(result: Result, console: Console, produced_at: str | None = None) -> None:
    for index, block in enumerate(report(result, produced_at)):
        if index:
            console.print()
        console.print(block)


def render_text(result: Result, *, produced_at: str | None = None, width: int = FILE_WIDTH) -> str:
    """The report as plain text for a file: fixed width, no colour, no terminal codes."""
    console = Console(file=io.StringIO(), record=True, width=width, highlight=False, color_system=None, force_terminal=False)
    print_report(result, console, produced_at)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
