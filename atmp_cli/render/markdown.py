"""The report as Markdown, for a memo: the blocks of `document.build(result)`, laid out, no words added.

Every piece of text is escaped (`md`), so a product name such as `<script>` or `[x](javascript:...)` shows
literally and cannot inject Markdown or HTML; control characters were stripped by `document.plain`.
Citation ids link to their texts further down the page, official citations to the act.
"""

from __future__ import annotations

import re

from atmp_cli.document import (
    Block,
    Bullets,
    Document,
    Flowchart,
    Inline,
    KeyValue,
    LegalBlock,
    Node,
    Paragraph,
    Section,
    Tree,
    build,
    cite_anchor as anchor,
    plain,
)
from atmp_cli.result import Result

_INLINE = re.compile(r"([\\`*_{}\[\]|~#!])")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])")  # "- x", "+ x", "=" underlines and "1. x" / "1) x" lists
_SAFE_URL = re.compile(r"https?://[^\s()<>]+")


def md(text: str, *, line_start: bool = True) -> str:
    """Escape text for Markdown: HTML specials as entities, Markdown specials with a backslash.

    With `line_start` (the default) a line's leading list or heading marker is escaped too; pieces placed
    in the middle of a line do not need it.
    """
    text = plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    if not line_start:
        return text
    return "\n".join(_LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), line) for line in text.split("\n"))


def inline(spans: Inline) -> str:
    out = []
    for i, span in enumerate(spans):
        piece = md(" ".join(span.text.split(" ")).replace("\n", " "), line_start=i == 0)
        if span.style == "code":
            piece = f"`{span.text}`" if "`" not in span.text else piece
        elif span.style in ("strong", "flag", "em") and piece.strip():
            mark = "*" if span.style == "em" else "**"
            core = piece.strip(" ")
            piece = piece[: len(piece) - len(piece.lstrip(" "))] + mark + core + mark + piece[len(piece.rstrip(" ")):]
        if span.cite:
            piece = f"[{piece}](#{anchor(span.cite)})"
        elif span.href and _SAFE_URL.fullmatch(span.href):
            piece = f"[{piece}]({span.href})"
        out.append(piece)
    return "".join(out)


def _nodes(nodes: tuple[Node, ...], depth: int) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + "- " + inline(node.label))
        lines += _nodes(node.children, depth + 1)
    return lines


def legal(block: LegalBlock) -> list[str]:
    lines = [f'<a id="{anchor(block.id)}"></a>', ""] if block.id else []
    lines += [f"### {inline(block.heading)}", ""]
    if block.caveat:
        lines += [f"*({md(block.caveat, line_start=False)})*", ""]
    if block.quoted:
        quoted = [f"> {md(line)}" if line.strip() else ">" for line in block.body.split("\n")]
        lines += ["\n>\n".join(quoted), ""]
    else:
        lines += [f"*{md(' '.join(block.body.split()))}*", ""]
    if block.paraphrase:
        lines += [f"*{md(' '.join(block.paraphrase.split()))}*", ""]
    if block.meta:
        lines += [md(block.meta).replace("\n", "  \n"), ""]
    return lines


def block(item: Block, depth: int = 2) -> list[str]:
    if isinstance(item, Section):
        lines = [f'<a id="{item.id}"></a>', "", f"{'#' * depth} {md(item.title, line_start=False)}", ""]
        for inner in item.blocks:
            lines += block(inner, depth + 1)
        return lines
    if isinstance(item, Paragraph):
        return [inline(item.spans), ""]
    if isinstance(item, Bullets):
        return ["- " + inline(entry) for entry in item.items] + [""]
    if isinstance(item, Tree):
        return _nodes(item.nodes, 0) + [""]
    if isinstance(item, KeyValue):
        return ["| | |", "|---|---|"] + [f"| **{md(label, line_start=False)}** | {inline(value).replace('|', '&#124;')} |" for label, value in item.rows] + [""]
    if isinstance(item, LegalBlock):
        return legal(item)
    if isinstance(item, Flowchart):
        return []
    raise TypeError(f"no Markdown layout for {type(item).__name__}")


def layout(document: Document) -> str:
    head = document.headline
    lines = [f"*{md(head.kicker)}*", "", f"# {md(head.label, line_start=False)}", "", md(head.reason), ""]
    lines += [item for flag in head.flags for item in (f"**{md(flag)}**", "")]
    if head.product:
        lines += [f"**{md(head.product[0], line_start=False)}** {md(head.product[1], line_start=False)}", ""]
    for item in document.summary:
        lines += block(item, 3)
    lines += [f"**{md(document.verdict)}**", "", "---", "", f"## {md(document.appendix_title, line_start=False)}", ""]
    lines += [f"- [{md(s.title, line_start=False)}](#{s.id})" for s in document.appendix] + [""]
    for section in document.appendix:
        lines += block(section, 3)
    lines += ["---", "", f"*{md(' '.join(document.disclaimer.split()))}*", ""]
    return "\n".join(lines)


def render_markdown(result: Result, *, produced_at: str | None = None) -> str:
    """The report as Markdown; `produced_at` (exports only) goes into the audit block."""
    return layout(build(result, produced_at))
