"""The report as one self-contained, printable HTML page: the blocks of `document.build(result)`, laid out.

Every piece of text goes through `html.escape`; the page has inline CSS and an inline SVG only, no scripts
and no external assets, so it opens offline and can be attached to a regulatory file as it is. A table of
contents links to each part; citation ids link to their texts in the page, official citations to the act;
printed, the summary is the first page and the appendix starts on the next.
"""

from __future__ import annotations

import re
from html import escape

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
)
from atmp_cli.result import Result

_CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.45; color: #111; background: #fff;
       max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #999; padding-bottom: 0.15rem; margin-top: 1.8rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
h4 { font-size: 1rem; margin: 1rem 0 0.3rem; }
.kicker { font: 600 0.8rem/1.2 system-ui, sans-serif; text-transform: uppercase; letter-spacing: 0.06em; color: #555; }
.headline { border-left: 0.4rem solid #2f7d32; padding: 0.4rem 0 0.4rem 1rem; }
.headline.not-ATMP { border-color: #b8860b; }
.headline.undetermined { border-color: #b22222; }
.reason { font-size: 1.05rem; margin: 0.3rem 0; }
.flag { font-weight: bold; color: #8a5a00; margin: 0.3rem 0; }
.verdict { font-weight: bold; margin-top: 1rem; }
code, .dim, .meta, table.kv { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; }
.dim, .meta { color: #555; }
.met { color: #2f7d32; } .not-met { color: #8a6d00; } .unsure { color: #b22222; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; }
ul.tree > li { padding-left: 0; margin-top: 0.4rem; }
ul.tree li li { border-left: 1px solid #bbb; padding-left: 0.6rem; margin: 0.2rem 0; }
.caveat { font-style: italic; color: #8a6d00; }
.paraphrase { font-style: italic; margin-left: 1.5em; }
blockquote { white-space: pre-wrap; margin: 0.3rem 0 0.3rem 0.8rem; padding-left: 0.8rem; border-left: 3px solid #ccc; }
table.kv { border-collapse: collapse; } table.kv td, table.kv th { text-align: left; padding: 0.15rem 0.8rem 0.15rem 0; vertical-align: top; }
table.kv td { overflow-wrap: anywhere; }
nav.contents ol { columns: 2; font-size: 0.95rem; }
figure.flowchart { margin: 1rem 0; } figure.flowchart svg { width: 100%; height: auto; }
a { color: #1a4d8f; }
.disclaimer { font-size: 0.85rem; color: #444; border-top: 1px solid #999; margin-top: 2rem; padding-top: 0.6rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  nav.contents { display: none; }
  section.appendix { break-before: page; }
  h2, h3, h4 { break-after: avoid; } blockquote, li, tr, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

_SPAN_CLASS = {"dim": "dim", "met": "met", "not-met": "not-met", "unsure": "unsure", "flag": "flag"}
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+")


def inline(spans: Inline) -> str:
    out = []
    for span in spans:
        piece = escape(span.text)
        if span.style == "strong":
            piece = f"<strong>{piece}</strong>"
        elif span.style == "em":
            piece = f"<em>{piece}</em>"
        elif span.style == "code":
            piece = f"<code>{piece}</code>"
        elif span.style in _SPAN_CLASS:
            piece = f'<span class="{_SPAN_CLASS[span.style]}">{piece}</span>'
        if span.cite:
            piece = f'<a href="#{anchor(span.cite)}">{piece}</a>'
        elif span.href and _SAFE_URL.fullmatch(span.href):
            piece = f'<a href="{escape(span.href)}" rel="noreferrer">{piece}</a>'
        out.append(piece)
    return "".join(out)


def _nodes(nodes: tuple[Node, ...]) -> list[str]:
    out = []
    for node in nodes:
        if node.children:
            out += [f"<li>{inline(node.label)}<ul>", *_nodes(node.children), "</ul></li>"]
        else:
            out.append(f"<li>{inline(node.label)}</li>")
    return out


def legal(block: LegalBlock) -> list[str]:
    opening = f'<section class="legal" id="{anchor(block.id)}">' if block.id else '<section class="legal">'
    out = [opening, f"<h4>{inline(block.heading)}</h4>"]
    if block.caveat:
        out.append(f'<p class="caveat">({escape(block.caveat)})</p>')
    if block.quoted:
        out.append(f"<blockquote>{escape(block.body)}</blockquote>")
    else:
        out.append(f'<p class="paraphrase">{escape(block.body)}</p>')
    if block.paraphrase:
        out.append(f'<p class="paraphrase">{escape(block.paraphrase)}</p>')
    if block.meta:
        out.append(f'<p class="meta">{escape(block.meta).replace(chr(10), "<br>")}</p>')
    return out + ["</section>"]


def block(item: Block, depth: int = 2) -> list[str]:
    if isinstance(item, Section):
        out = [f'<section id="{escape(item.id)}">', f"<h{depth}>{escape(item.title)}</h{depth}>"]
        for inner in item.blocks:
            out += block(inner, min(depth + 1, 4))
        return out + ["</section>"]
    if isinstance(item, Paragraph):
        role = f' class="{escape(item.role)}"' if item.role else ""
        return [f"<p{role}>{inline(item.spans)}</p>"]
    if isinstance(item, Bullets):
        return ["<ul>", *(f"<li>{inline(entry)}</li>" for entry in item.items), "</ul>"]
    if isinstance(item, Tree):
        return ['<ul class="tree">', *_nodes(item.nodes), "</ul>"]
    if isinstance(item, KeyValue):
        rows = [f"<tr><th>{escape(label)}</th><td>{inline(value)}</td></tr>" for label, value in item.rows]
        return ['<table class="kv">', *rows, "</table>"]
    if isinstance(item, LegalBlock):
        return legal(item)
    if isinstance(item, Flowchart):
        from atmp_cli.render.flowchart import flowchart_svg

        return ['<figure class="flowchart">', flowchart_svg(item), f"<figcaption>{escape(item.alt)}</figcaption>", "</figure>"]
    raise TypeError(f"no HTML layout for {type(item).__name__}")


def layout(document: Document) -> str:
    head = document.headline
    body = [
        '<section class="summary" id="summary">',
        f'<header class="headline {escape(head.code)}">',
        f'<div class="kicker">{escape(head.kicker)}</div>',
        f"<h1>{escape(head.label)}</h1>",
        f'<p class="reason">{escape(head.reason)}</p>',
        *(f'<p class="flag">{escape(flag)}</p>' for flag in head.flags),
    ]
    if head.product:
        body.append(f"<p><strong>{escape(head.product[0])}</strong> {escape(head.product[1])}</p>")
    body.append("</header>")
    contents = [(s.id, s.title) for s in document.summary if isinstance(s, Section)]
    contents += [(s.id, s.title) for s in document.appendix]
    body += ['<nav class="contents">', f"<h2>{escape(document.contents_title)}</h2>", "<ol>"]
    body += [f'<li><a href="#{escape(sid)}">{escape(title)}</a></li>' for sid, title in contents]
    body += ["</ol>", "</nav>"]
    for item in document.summary:
        body += block(item, 2)
    body += [f'<p class="verdict">{escape(document.verdict)}</p>', "</section>"]
    body += ['<section class="appendix" id="appendix">', f"<h2>{escape(document.appendix_title)}</h2>"]
    for section in document.appendix:
        body += block(section, 3)
    body.append("</section>")
    body.append(f'<p class="disclaimer">{escape(document.disclaimer)}</p>')
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(document.language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>{escape(document.title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def render_html(result: Result, *, produced_at: str | None = None) -> str:
    """The report as a self-contained HTML page; `produced_at` (exports only) goes into the audit block."""
    return layout(build(result, produced_at))
