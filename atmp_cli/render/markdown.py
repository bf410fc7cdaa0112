"""The classification report as Markdown: the content of `content.build(result)`, laid out for a memo.

Every piece of text is escaped (`md`), so a product name such as `<script>` or `[x](javascript:...)` shows
literally and cannot inject Markdown or HTML; control characters were stripped by `content.plain`.
"""

from __future__ import annotations

import re
from typing import Iterable

from atmp_cli.render.content import PARAPHRASE_LABEL, Report, build, plain
from atmp_cli.result import Result

_INLINE = re.compile(r"([\\`*_{}\[\]|~#!])")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])")  # "- x", "+ x", "=" underlines and "1. x" / "1) x" lists


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


def _one_line(text: str) -> str:
    return md(" ".join(text.split()))


def _cites(ids: Iterable[str]) -> str:
    ids = list(ids)
    return " \\[" + ", ".join(f"`{cid}`" for cid in ids) + "\\]" if ids else ""


def _decision_path(report: Report) -> list[str]:
    lines = ["## Decision path", ""]
    for section in report.sections:
        lines.append(f"- **{md(section.title)}**")
        for question in section.questions:
            lines.append(f"  - `{question.id}`: {_one_line(question.prompt)}")
            for answer in question.answers:
                lines.append(f"    - Answer: **{_one_line(answer.text)}**")
                lines += [f"      - {_one_line(f.text)}{_cites(f.citations)}" for f in answer.findings]
    return lines + [""]


def _checks(report: Report) -> list[str]:
    lines = ["## Definitions checked", ""]
    for check in report.checks:
        lines.append(f"- **{md(check.label)}**: {check.word}{_cites(check.citations)}")
        lines += [f"  - {test.word}: {_one_line(test.finding)}{_cites(test.citations)}" for test in check.tests]
    return lines + [""]


def _cited_texts(report: Report) -> list[str]:
    lines = ["## Legal texts cited", ""]
    for text in report.texts:
        lines += [f"### `{text.id}`: {_one_line(text.citation)}", ""]
        if text.caveat:
            lines += [f"*{_one_line(text.caveat)}*", ""]
        if text.quoted:
            quoted = [f"> {md(line)}" if line.strip() else ">" for line in text.body.split("\n")]
            lines += ["\n>\n".join(quoted), ""]
        else:
            lines += [f"*{md(_one_line(text.body))}*", ""]
        if text.paraphrase:
            lines += [f"*{md(PARAPHRASE_LABEL)} {md(_one_line(text.paraphrase))}*", ""]
        lines += [f"Status: {_one_line(text.status)}; confidence: {_one_line(text.confidence)}", ""]
        if text.source:
            lines += [f"Source: {_one_line(text.source)}", ""]
    return lines


def _audit(report: Report) -> list[str]:
    lines = ["## Audit", "", "| Field | Value |", "|---|---|"]
    lines += [f"| {md(label)} | {md(value)} |" for label, value in report.audit]
    return lines + [""]


def layout(report: Report) -> str:
    lines = [f"# {_one_line(report.label)}", "", _one_line(report.reason), ""]
    lines += [item for flag in report.flags for item in (f"**{md(flag)}**", "")]
    if report.product:
        lines += [f"**Product:** {_one_line(report.product)}", ""]
    lines += _decision_path(report) + _checks(report)
    for section in report.lists:
        lines += [f"## {md(section.title)}", ""]
        for item in section.items:
            strong = f"**{md(item.strong, line_start=False)}**" if item.strong else ""
            text = md(item.text, line_start=not (item.lead or item.strong))
            lines.append(f"- {md(item.lead)}{strong}{text}{_cites(item.citations)}".replace("\n", " "))
        lines.append("")
    lines += _cited_texts(report) + _audit(report)
    lines += ["---", "", f"*{_one_line(report.disclaimer)}*", ""]
    return "\n".join(lines)


def render_markdown(result: Result, *, produced_at: str | None = None) -> str:
    """The report as Markdown; `produced_at` (exports only) goes into the audit block."""
    return layout(build(result, produced_at))
