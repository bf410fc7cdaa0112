"""The classification report on a terminal (rich), degrading to plain text when piped.

User text (the product name) and legal text are never parsed as rich markup: everything goes through
`Text(...)` objects, and highlighting is off so "1394/2007" is not coloured as a number.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from atmp_cli.result import Result

_STYLE = {"GTMP": "bold green", "sCTMP": "bold green", "TEP": "bold green", "not-ATMP": "bold yellow", "undetermined": "bold red"}
_HOLDS = {True: ("met", "green"), False: ("not met", "yellow"), None: ("depends on unsure answers", "red")}


def answer_text(answer: Any) -> str:
    return ", ".join(answer) if isinstance(answer, list) else str(answer)


def _cites(ids: tuple[str, ...] | list[str]) -> Text:
    return Text(" [" + ", ".join(ids) + "]", style="dim") if ids else Text("")


def headline(result: Result) -> RenderableType:
    c = result.classification
    body = Text()
    if result.product:
        body.append("Product: ", style="bold")
        body.append(result.product + "\n")
    body.append(c.label, style=_STYLE.get(c.code, "bold"))
    body.append("\n" + c.reason)
    return Panel(body, title=Text("atmp classification"), title_align="left", border_style=_STYLE.get(c.code, "bold").split()[-1])


def path_tree(result: Result) -> Tree:
    """Section > question > answer > finding, each with its citation ids."""
    ruleset = result.ruleset
    tree = Tree(Text("Decision path", style="bold"))
    sections: dict[str, Tree] = {}
    for step in result.path:
        if step.section not in sections:
            sections[step.section] = tree.add(Text(ruleset.section_title(step.section), style="bold cyan"))
        question = ruleset.question(step.question)
        node = sections[step.section].add(Text.assemble((step.question, "bold"), ": ", question.prompt))
        node.add(Text.assemble(("answer: ", "dim"), (answer_text(step.answer), "bold")))
        node.add(Text.assemble(step.finding, _cites(step.citations)))
    return tree


def checks_tree(result: Result) -> Tree:
    tree = Tree(Text("Definitions checked", style="bold"))
    for check in result.checks:
        word, style = _HOLDS[check.holds]
        node = tree.add(Text.assemble((result.ruleset.labels[check.code], "bold"), ": ", (word, style), _cites(check.citations)))
        for test in check.tests:
            tword, tstyle = _HOLDS[test.holds]
            node.add(Text.assemble((f"{tword}: ", tstyle), test.finding, _cites(test.citations)))
    return tree


def branches_block(result: Result) -> RenderableType:
    lines = Text()
    for branch in result.branches:
        condition = " and ".join(f"{q} is {v}" for q, v in branch.assume.items())
        lines.append(f"• if {condition}: ", style="bold")
        lines.append(branch.label + "\n")
        lines.append(f"  {branch.reason}\n", style="dim")
    return Group(Text("Branches", style="bold"), lines)


def notes_block(result: Result) -> RenderableType:
    lines = Text()
    for belongs in result.belongs:
        lines.append("• Likely belongs under: ", style="bold")
        lines.append(belongs + "\n")
    for note in result.notes:
        prefix = f"[{note.country}] " if note.country else ""
        lines.append(f"• {prefix}")
        lines.append(note.text)
        lines.append_text(_cites(note.citations))
        lines.append("\n")
    return Group(Text("Notes", style="bold"), lines)


def citations_block(result: Result) -> RenderableType:
    parts: list[RenderableType] = [Text("Legal texts cited", style="bold")]
    for cid in result.citation_ids:
        text = result.ruleset.texts[cid]
        head = Text.assemble((cid, "bold"), " — ", text.citation)
        body = Text()
        if text.text:
            if text.caveat:
                body.append(f"({text.caveat})\n", style="italic yellow")
            body.append(text.text + "\n")
        if text.paraphrase and text.presentation == "paraphrase":
            body.append("(paraphrase, not the wording of the law)\n", style="italic yellow")
            body.append(text.paraphrase + "\n")
        body.append(f"Status: {text.status}; confidence: {text.confidence}", style="dim")
        if text.source:
            body.append(f"\nSource: {text.source}", style="dim")
        parts.append(Panel(body, title=head, title_align="left", border_style="dim"))
    return Group(*parts)


def footer(result: Result) -> RenderableType:
    r = result.ruleset
    line = Text(
        f"atmp {result.tool_version} · ruleset {r.id} {r.version} · legal texts as of {r.legal_texts_as_of}\n",
        style="dim",
    )
    line.append(r.disclaimer, style="dim")
    return line


def report(result: Result) -> list[RenderableType]:
    """The report's blocks, in reading order."""
    blocks: list[RenderableType] = [headline(result), path_tree(result), checks_tree(result)]
    if result.branches:
        blocks.append(branches_block(result))
    if result.belongs or result.notes:
        blocks.append(notes_block(result))
    if result.warnings:
        blocks.append(Group(Text("Warnings", style="bold"), Text("\n".join(f"• {w}" for w in result.warnings), style="yellow")))
    blocks.append(citations_block(result))
    blocks.append(footer(result))
    return blocks


def print_report(result: Result, console: Console) -> None:
    for index, block in enumerate(report(result)):
        if index:
            console.print()
        console.print(block)
