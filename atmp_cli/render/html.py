"""The classification report as one self-contained, printable HTML page.

It lays out `content.build(result)`, the same content as the terminal and Markdown reports. Every piece of
text goes through `html.escape`; the page has inline CSS only, no scripts and no external assets, so it
opens offline, prints cleanly and can be attached to a regulatory file as it is.
"""

from __future__ import annotations

from html import escape
from typing import Iterable

from atmp_cli.render.content import PARAPHRASE_LABEL, Report, build
from atmp_cli.result import Result

_CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.45; color: #111; background: #fff;
       max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #999; padding-bottom: 0.15rem; margin-top: 1.8rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
.kicker { font: 600 0.8rem/1.2 system-ui, sans-serif; text-transform: uppercase; letter-spacing: 0.06em; color: #555; }
.headline { border-left: 0.4rem solid #2f7d32; padding: 0.4rem 0 0.4rem 1rem; }
.headline.not-ATMP { border-color: #b8860b; }
.headline.undetermined { border-color: #b22222; }
.reason { font-size: 1.05rem; margin: 0.3rem 0; }
.flag { font-weight: bold; color: #8a5a00; margin: 0.3rem 0; }
code, .cites, .meta, table { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; }
.cites, .meta { color: #555; }
.met { color: #2f7d32; } .not-met { color: #8a6d00; } .unsure { color: #b22222; }
ul.path, ul.path ul { list-style: none; padding-left: 1.2rem; }
ul.path > li { padding-left: 0; margin-top: 0.4rem; }
ul.path li li { border-left: 1px solid #bbb; padding-left: 0.6rem; margin: 0.2rem 0; }
.answer { font-weight: bold; }
.caveat { font-style: italic; color: #8a6d00; }
.paraphrase { font-style: italic; margin-left: 1.5em; }
blockquote { white-space: pre-wrap; margin: 0.3rem 0 0.3rem 0.8rem; padding-left: 0.8rem; border-left: 3px solid #ccc; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.15rem 0.8rem 0.15rem 0; vertical-align: top; }
td { overflow-wrap: anywhere; }
.disclaimer { font-size: 0.85rem; color: #444; border-top: 1px solid #999; margin-top: 2rem; padding-top: 0.6rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; } blockquote, li, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

_HOLDS_CLASS = {True: "met", False: "not-met", None: "unsure"}


def _cites(ids: Iterable[str]) -> str:
    ids = list(ids)
    return f' <span class="cites">[{escape(", ".join(ids))}]</span>' if ids else ""


def _decision_path(report: Report) -> list[str]:
    out = ["<h2>Decision path</h2>", '<ul class="path">']
    for section in report.sections:
        out.append(f"<li><strong>{escape(section.title)}</strong><ul>")
        for question in section.questions:
            out.append(f"<li><code>{escape(question.id)}</code>: {escape(question.prompt)}<ul>")
            for answer in question.answers:
                out.append(f'<li>Answer: <span class="answer">{escape(answer.text)}</span><ul>')
                out += [f"<li>{escape(f.text)}{_cites(f.citations)}</li>" for f in answer.findings]
                out.append("</ul></li>")
            out.append("</ul></li>")
        out.append("</ul></li>")
    return out + ["</ul>"]


def _checks(report: Report) -> list[str]:
    out = ["<h2>Definitions checked</h2>", '<ul class="path">']
    for check in report.checks:
        word = f'<span class="{_HOLDS_CLASS[check.holds]}">{escape(check.word)}</span>'
        out.append(f"<li><strong>{escape(check.label)}</strong>: {word}{_cites(check.citations)}<ul>")
        for test in check.tests:
            tword = f'<span class="{_HOLDS_CLASS[test.holds]}">{escape(test.word)}</span>'
            out.append(f"<li>{tword}: {escape(test.finding)}{_cites(test.citations)}</li>")
        out.append("</ul></li>")
    return out + ["</ul>"]


def _cited_texts(report: Report) -> list[str]:
    out = ["<h2>Legal texts cited</h2>"]
    for text in report.texts:
        out.append(f'<section class="legal" id="{escape("cite-" + text.id)}">')
        out.append(f"<h3><code>{escape(text.id)}</code>: {escape(text.citation)}</h3>")
        if text.caveat:
            out.append(f'<p class="caveat">({escape(text.caveat)})</p>')
        if text.quoted:
            out.append(f"<blockquote>{escape(text.body)}</blockquote>")
        else:
            out.append(f'<p class="paraphrase">{escape(text.body)}</p>')
        if text.paraphrase:
            out.append(f'<p class="paraphrase">{escape(PARAPHRASE_LABEL)} {escape(text.paraphrase)}</p>')
        meta = f"Status: {escape(text.status)}; confidence: {escape(text.confidence)}"
        if text.source:
            meta += f"<br>Source: {escape(text.source)}"
        out.append(f'<p class="meta">{meta}</p>')
        out.append("</section>")
    return out


def _audit(report: Report) -> list[str]:
    rows = [f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in report.audit]
    return ['<h2>Audit</h2>', '<table class="audit">'] + rows + ["</table>"]


def layout(report: Report) -> str:
    body = [
        f'<header class="headline {escape(report.code)}">',
        f'<div class="kicker">{escape(report.title)}</div>',
        f"<h1>{escape(report.label)}</h1>",
        f'<p class="reason">{escape(report.reason)}</p>',
        *(f'<p class="flag">{escape(flag)}</p>' for flag in report.flags),
    ]
    if report.product:
        body.append(f"<p><strong>Product:</strong> {escape(report.product)}</p>")
    body.append("</header>")
    body += _decision_path(report) + _checks(report)
    for section in report.lists:
        body += [f"<h2>{escape(section.title)}</h2>", "<ul>"]
        for item in section.items:
            strong = f"<strong>{escape(item.strong)}</strong>" if item.strong else ""
            body.append(f"<li>{escape(item.lead)}{strong}{escape(item.text)}{_cites(item.citations)}</li>")
        body.append("</ul>")
    body += _cited_texts(report) + _audit(report)
    body.append(f'<p class="disclaimer">{escape(report.disclaimer)}</p>')
    title = f"{report.title}: {report.label}" + (f" ({report.product})" if report.product else "")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>{escape(title)}</title>",
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
