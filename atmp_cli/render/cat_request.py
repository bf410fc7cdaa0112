"""A draft of EMA's ATMP classification request form (Article 17 of Regulation (EC) No 1394/2007).

A developer who asks the CAT for a scientific recommendation fills EMA's "Request Form and Briefing
Information". This module pre-fills what atmp knows: the request from the answers file's `case` and the
result (the proposed classification, as the form's tick boxes), and atmp's material for the briefing
information (the answers with the user's `justifications`, the definitions met and failed, the decisive
answers, the nearest precedents). What atmp cannot know becomes a marked placeholder.

The form's structure and every word of the draft are data, `questions/<ruleset>/cat_request.toml`; where its
headings come from is recorded in docs/sources/cat-request-form.md. `build_cat_request` lays the draft out as
a neutral `Draft` from the JSON result (`Result.to_dict()`, the stable contract), so the Markdown and Word
writers only lay it out and cannot differ in content. python-docx is imported by the Word writer alone.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from atmp_cli.answers import CASE_KEYS
from atmp_cli.bank import UNDETERMINED, UNSURE, BankError, Ruleset, check_fields, read_toml
from atmp_cli import wording
from atmp_cli.document import plain
from atmp_cli.render.markdown import md
from atmp_cli.result import answers_sha256

if TYPE_CHECKING:
    from atmp_cli.result import Result

FILENAME = "cat_request.toml"
KINDS = ("fields", "path", "checks", "decisive", "precedents", "notes")
ORIGINS = ("form", "atmp")
KNOWN_SOURCES = ("classification", "tool_version", "ruleset", "legal_texts_as_of", "answers_sha256")  # never empty
SOURCES = frozenset(KNOWN_SOURCES + ("product", "outcome") + tuple(f"case.{key}" for key in CASE_KEYS))
WORDS = frozenset({
    "answer", "unsure", "finding", "legal_basis", "justification", "justification_missing", "judgement", "fact",
    "outcome", "similarity", "source", "cited", "none_decisive", "none_precedents", "none_notes",
})
CLASSIFICATION_WORDS = frozenset({
    "checked", "unchecked", "combined", "not_combined", "result", "result_combined", "result_not_combined", "undetermined",
})
PARAGRAPH_KEYS = frozenset({"tool_version", "ruleset", "ruleset_version", "legal_texts_as_of", "source"})


# ---------------------------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class FieldSpec:
    label: str
    source: str | None  # what fills it (SOURCES); None: only the applicant knows
    missing: str  # the placeholder's wording when nothing fills it
    optional: bool  # left out, rather than a placeholder, when nothing fills it
    mandatory: bool  # marked as mandatory, as on EMA's form


@dataclass(frozen=True)
class SectionSpec:
    id: str
    origin: str  # "form": heading and labels from EMA's form; "atmp": atmp's own, marked as such
    kind: str
    heading: str
    level: int
    mandatory: bool
    paragraphs: tuple[str, ...]
    missing: tuple[str, ...]
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Form:
    title: str
    subtitles: tuple[str, ...]
    source: str
    banner: str
    placeholder: str
    mandatory_mark: str
    atmp_mark: str
    words: dict[str, str]
    classification: dict[str, str]
    types: tuple[tuple[str, str], ...]  # (tick-box label, result code), in the form's order
    sections: tuple[SectionSpec, ...]

    def blank(self, missing: str) -> str:
        return self.placeholder.format(missing=missing)


def load_form(ruleset: Ruleset) -> Form:
    """The CAT request form of `ruleset`, checked once: a slip in the data names the file and the entry."""
    return _load_form(ruleset.root / FILENAME, frozenset(ruleset.labels))


@lru_cache(maxsize=None)
def _load_form(path: Path, codes: frozenset[str]) -> Form:
    if not path.is_file():
        raise BankError(f"{path}: missing: this ruleset has no CAT request form")
    raw = check_fields(read_toml(path), str(path),
                       {"title", "subtitles", "source", "banner", "placeholder", "mandatory_mark", "atmp_mark", "words",
                        "classification", "section"}, set())
    if "{missing}" not in raw["placeholder"]:
        raise BankError(f"{path}: placeholder must contain {{missing}}")
    words = check_fields(raw["words"], f"{path}: [words]", set(WORDS), set())
    classification = check_fields(raw["classification"], f"{path}: [classification]", set(CLASSIFICATION_WORDS) | {"type"}, set())
    types = []
    for entry in classification.pop("type"):
        check_fields(entry, f"{path}: classification.type {entry.get('label') if isinstance(entry, dict) else entry!r}", {"label", "code"}, set())
        if entry["code"] not in codes:
            raise BankError(f"{path}: classification.type {entry['label']!r}: unknown code {entry['code']!r}")
        types.append((entry["label"], entry["code"]))
    sections = tuple(_section(path, item) for item in raw["section"])
    return Form(raw["title"], tuple(raw["subtitles"]), raw["source"], raw["banner"], raw["placeholder"], raw["mandatory_mark"],
                raw["atmp_mark"], dict(words), dict(classification), tuple(types), sections)


def _section(path: Path, item: Any) -> SectionSpec:
    where = f"{path}: section {item.get('id') if isinstance(item, dict) else item!r}"
    check_fields(item, where, {"id", "origin", "heading"}, {"kind", "level", "mandatory", "paragraphs", "missing", "field"})
    kind = item.get("kind", "fields")
    if item["origin"] not in ORIGINS or kind not in KINDS:
        raise BankError(f"{where}: origin must be one of {', '.join(ORIGINS)} and kind one of {', '.join(KINDS)}")
    for paragraph in item.get("paragraphs", ()):
        names = {name for _, name, _, _ in string.Formatter().parse(paragraph) if name}
        if names - PARAGRAPH_KEYS:
            raise BankError(f"{where}: unknown {{{sorted(names - PARAGRAPH_KEYS)[0]}}}; known: {', '.join(sorted(PARAGRAPH_KEYS))}")
    fields = []
    for raw in item.get("field", ()):
        fwhere = f"{where}: field {raw.get('label') if isinstance(raw, dict) else raw!r}"
        check_fields(raw, fwhere, {"label"}, {"from", "missing", "optional", "mandatory"})
        source = raw.get("from")
        if source is not None and source not in SOURCES:
            raise BankError(f"{fwhere}: unknown from {source!r}; known: {', '.join(sorted(SOURCES))}")
        optional = raw.get("optional", False)
        if "missing" not in raw and not optional and source not in KNOWN_SOURCES:
            raise BankError(f"{fwhere}: needs 'missing' (the placeholder's wording) or optional = true")
        fields.append(FieldSpec(raw["label"], source, raw.get("missing", ""), optional, raw.get("mandatory", False)))
    return SectionSpec(item["id"], item["origin"], kind, item["heading"], item.get("level", 1), item.get("mandatory", False),
                       tuple(item.get("paragraphs", ())), tuple(item.get("missing", ())), tuple(fields))


# ---------------------------------------------------------------------------------------------- the draft


@dataclass(frozen=True)
class Paragraph:
    text: str
    placeholder: bool = False


@dataclass(frozen=True)
class Field:
    """A labelled value; a multi-line value is one paragraph a line."""

    label: str
    value: str
    placeholder: bool = False


@dataclass(frozen=True)
class Entry:
    """One item of atmp's material (an answer, a definition, a precedent ...) with its labelled lines."""

    title: str
    lines: tuple[Field, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    blocks: tuple[Paragraph | Field | Entry, ...]


@dataclass(frozen=True)
class Draft:
    title: str
    subtitles: tuple[str, ...]
    banner: str
    sections: tuple[Section, ...]


class _Builder:
    """Turns the result, the case and the justifications into the sections of the form."""

    def __init__(self, form: Form, result: Mapping[str, Any], ruleset: Ruleset, case: Mapping[str, str],
                 justifications: Mapping[str, str]) -> None:
        self.form, self.result, self.ruleset = form, result, ruleset
        self.case, self.justifications = case, justifications
        self.words = form.words
        self.cited = {c["id"]: c for c in result.get("citations", ())}

    def section(self, spec: SectionSpec) -> Section:
        heading = spec.heading + (self.form.mandatory_mark if spec.mandatory else "") + (self.form.atmp_mark if spec.origin == "atmp" else "")
        blocks: list[Paragraph | Field | Entry] = [Paragraph(text.format(**self.facts())) for text in spec.paragraphs]
        blocks += [Paragraph(self.form.blank(missing), placeholder=True) for missing in spec.missing]
        blocks += [f for f in (self.field(field_spec) for field_spec in spec.fields) if f is not None]
        material = {"path": self.path, "checks": self.checks, "decisive": self.decisive, "precedents": self.precedents,
                    "notes": self.notes}.get(spec.kind)
        if material:
            blocks += material()
        return Section(plain(heading), spec.level, tuple(blocks))

    def facts(self) -> dict[str, str]:
        r = self.result["ruleset"]
        return {"tool_version": self.result["tool_version"], "ruleset": r["id"], "ruleset_version": r["version"],
                "legal_texts_as_of": r["legal_texts_as_of"], "source": self.form.source}

    def value(self, source: str | None) -> str:
        """What fills a field ('' when nothing does)."""
        if source is None:
            return ""
        if source.startswith("case."):
            return self.case.get(source.removeprefix("case."), "")
        if source == "product":
            return self.result.get("product") or ""
        if source == "outcome":
            c = self.result["classification"]
            return "" if c["code"] == UNDETERMINED else c["label"]
        if source == "answers_sha256":
            return answers_sha256(self.result["answers"])
        return self.facts()[source]

    def field(self, spec: FieldSpec) -> Field | None:
        label = spec.label + (self.form.mandatory_mark if spec.mandatory else "")
        if spec.source == "classification":
            return self.classification(label)
        value = plain(self.value(spec.source)).strip()
        if value:
            return Field(label, value)
        return None if spec.optional else Field(label, self.form.blank(spec.missing), placeholder=True)

    def classification(self, label: str) -> Field:
        """The form's tick boxes, ticked as atmp classified, with atmp's result in words."""
        words, c = self.form.classification, self.result["classification"]
        known = c["code"] != UNDETERMINED
        tick = lambda on: words["checked"] if on and known else words["unchecked"]
        lines = ["  ".join(f"{tick(code == c['code'])} {name}" for name, code in self.form.types),
                 f"{tick(c['combined'])} {words['combined']}  {tick(not c['combined'])} {words['not_combined']}"]
        if not known:
            return Field(label, "\n".join(lines + [self.form.blank(words["undetermined"])]), placeholder=True)
        combined = words["result_combined"] if c["combined"] else words["result_not_combined"]
        lines.append(words["result"].format(label=c["label"], code=c["code"], combined=combined))
        return Field(label, plain("\n".join(lines)))

    def citations(self, ids: list[str]) -> str:
        return "; ".join(self.cited[cid]["citation"] for cid in ids if cid in self.cited)

    def answer_text(self, question_id: str, answer: Any) -> str:
        if answer == UNSURE:
            return self.words["unsure"]
        question = self.ruleset.question(question_id)
        return "; ".join(question.option(value).label for value in (answer if isinstance(answer, list) else [answer]))

    def path(self) -> list[Paragraph | Field | Entry]:
        """Each answer on the decision path: the question, the answer, what it established, and why."""
        w, entries = self.words, []
        for step in self.result["path"]:
            qid = step["question"]
            lines = [Field(w["answer"], self.answer_text(qid, step["answer"])), Field(w["finding"], step["finding"])]
            basis = self.citations(step["citations"])
            if basis:
                lines.append(Field(w["legal_basis"], basis))
            reason = self.justifications.get(qid)
            lines.append(Field(w["justification"], reason) if reason else
                         Field(w["justification"], self.form.blank(w["justification_missing"]), placeholder=True))
            entries.append(_entry(self.ruleset.question(qid).prompt, lines))
        return entries

    def checks(self) -> list[Paragraph | Field | Entry]:
        """Each ATMP definition: met or not, test by test, with the texts cited (citation and source)."""
        entries = []
        for check in self.result["checks"]:
            label = self.ruleset.labels.get(check["definition"], check["definition"])
            words = wording.of(self.ruleset)
            lines = [Field(words.holds(t["holds"], t["applicable"]), t.get("finding", t["rule"]))
                     for t in check["tests"]]
            ids = list(dict.fromkeys(list(check["citations"]) + [cid for t in check["tests"] for cid in t.get("citations", ())]))
            for cid in ids:
                text = self.cited.get(cid)
                if text:
                    where = f" ({text['source']})" if text.get("source") else ""
                    lines.append(Field(self.words["cited"], text["citation"] + where))
            entries.append(_entry(f"{label}: {words.holds(check['holds'])}", lines))
        return entries

    def decisive(self) -> list[Paragraph | Field | Entry]:
        """Each single answer change that changes the outcome, judgement calls first."""
        w, entries = self.words, []
        for d in sorted(self.result["decisive"], key=lambda d: not d["judgement"]):
            change = wording.of(self.ruleset).change(self.result["answers"], d["question"], d["answer"])
            outcome = wording.of(self.ruleset).outcome_label(d["classification"]["code"], d["classification"]["combined"])
            entries.append(_entry(change[0].upper() + change[1:], [Field(w["outcome"], f"{outcome} ({w['judgement'] if d['judgement'] else w['fact']})")]))
        return entries or [Paragraph(w["none_decisive"])]

    def precedents(self) -> list[Paragraph | Field | Entry]:
        w, entries = self.words, []
        for p in self.result["precedents"]:
            outcome = wording.of(self.ruleset).outcome_label(p["outcome"]["code"], p["outcome"]["combined"])
            when = f", {p['date']}" if p.get("date") else ""
            lines = [Field(w["outcome"], f"{outcome} ({p.get('authority', '')}{when}; {w['similarity']} {p['similarity']:.2f})")]
            if p.get("source"):
                lines.append(Field(w["source"], p["source"]))
            entries.append(_entry(p.get("product", p["id"]), lines))
        return entries or [Paragraph(w["none_precedents"])]

    def notes(self) -> list[Paragraph | Field | Entry]:
        lines = [line.strip() for line in self.case.get("notes", "").split("\n") if line.strip()]
        return [Paragraph(plain(line)) for line in lines] or [Paragraph(self.words["none_notes"])]


def _entry(title: str, lines: list[Field]) -> Entry:
    return Entry(plain(title), tuple(Field(plain(f.label), plain(f.value), f.placeholder) for f in lines))


def build_cat_request(result: Mapping[str, Any], ruleset: Ruleset, case: Mapping[str, str] | None = None,
                      justifications: Mapping[str, str] | None = None) -> Draft:
    """The draft's content from the JSON result (`Result.to_dict()`), the answers file's `case` and its
    `justifications` (question id -> reason); every string plain text, control characters stripped."""
    form = load_form(ruleset)
    builder = _Builder(form, result, ruleset, case or {}, justifications or {})
    return Draft(plain(form.title), tuple(plain(s) for s in form.subtitles), plain(form.banner),
                 tuple(builder.section(spec) for spec in form.sections))


# ---------------------------------------------------------------------------------------------- writers


def _md_value(text: str, placeholder: bool, *, line_start: bool = True) -> str:
    return f"*{md(text, line_start=False)}*" if placeholder else md(text, line_start=line_start)


def _md_block(block: Paragraph | Field | Entry) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md_value(block.text, block.placeholder), ""]
    if isinstance(block, Field):
        lines = [f"**{md(block.label, line_start=False)}**", ""]
        for line in block.value.split("\n"):
            lines += [_md_value(line, block.placeholder), ""]
        return lines
    lines = [f"- **{md(' '.join(block.title.split()), line_start=False)}**"]
    for f in block.lines:
        lines.append(f"  - {md(f.label, line_start=False)}: {_md_value(' '.join(f.value.split()), f.placeholder, line_start=False)}")
    return lines + [""]


def render_cat_request_markdown(result: Mapping[str, Any], ruleset: Ruleset, case: Mapping[str, str] | None = None,
                                justifications: Mapping[str, str] | None = None) -> str:
    """The draft as Markdown; every piece of text escaped (`md`), so user text shows literally."""
    draft = build_cat_request(result, ruleset, case, justifications)
    lines = [f"# {md(draft.title, line_start=False)}", ""]
    lines += [line for subtitle in draft.subtitles for line in (f"**{md(subtitle, line_start=False)}**", "")]
    lines += [f"> **{md(draft.banner, line_start=False)}**", ""]
    for section in draft.sections:
        lines += [f"{'#' * (section.level + 1)} {md(section.heading, line_start=False)}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_cat_request_docx(result: Mapping[str, Any], ruleset: Ruleset, case: Mapping[str, str] | None,
                           justifications: Mapping[str, str] | None, path: str) -> None:
    """The draft as a Word document at `path`, written atomically (EMA wants the form in Word format).

    The request's fields are two-column tables, as on EMA's form; placeholders are italic and highlighted.
    """
    import io
    from datetime import datetime, timezone

    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    from atmp_cli.output import write_atomic

    draft = build_cat_request(result, ruleset, case, justifications)

    def add_text(paragraph: Any, text: str, placeholder: bool) -> None:
        run = paragraph.add_run(text)
        if placeholder:
            run.italic = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    document = Document()
    properties = document.core_properties  # python-docx's template says 2013 and "python-docx"
    properties.title, properties.comments, properties.author, properties.last_modified_by = draft.title, draft.banner, "atmp", "atmp"
    properties.created = properties.modified = datetime.now(timezone.utc)
    document.add_heading(draft.title, 0)
    for subtitle in draft.subtitles:
        document.add_paragraph().add_run(subtitle).bold = True
    add_text(document.add_paragraph(), draft.banner, True)
    for section in draft.sections:
        document.add_heading(section.heading, section.level)
        table = None
        for block in section.blocks:
            if isinstance(block, Field):
                if table is None:
                    table = document.add_table(rows=0, cols=2)
                    table.style = "Table Grid"
                label_cell, value_cell = table.add_row().cells
                label_cell.paragraphs[0].add_run(block.label).bold = True
                for number, line in enumerate(block.value.split("\n")):
                    add_text(value_cell.paragraphs[0] if number == 0 else value_cell.add_paragraph(), line, block.placeholder)
                continue
            table = None
            if isinstance(block, Paragraph):
                add_text(document.add_paragraph(), block.text, block.placeholder)
                continue
            document.add_paragraph(style="List Bullet").add_run(block.title).bold = True
            for line in block.lines:
                item = document.add_paragraph(style="List Bullet 2")
                item.add_run(f"{line.label}: ").bold = True
                add_text(item, line.value, line.placeholder)
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomic(path, buffer.getvalue())


def export_cat_request(result: "Result", output: str | None) -> None:
    """`atmp classify --format cat-request`: Word to a .docx --output, else Markdown to the file or stdout.

    EMA works in English, so the draft is always worded in English, whatever language the report is in."""
    from atmp_cli import bank
    from atmp_cli.engine import classify
    from atmp_cli.output import emit
    from atmp_cli.serialize import to_dict

    if result.ruleset.language != bank.SOURCE_LANGUAGE:
        result = classify(bank.load(result.ruleset.id), result.answers, product=result.product, country=result.country,
                          case=result.case, justifications=result.justifications)
    data = to_dict(result)
    case, justifications = dict(result.case), dict(result.justifications)
    if output not in (None, "-") and Path(output).suffix.lower() == ".docx":
        write_cat_request_docx(data, result.ruleset, case, justifications, output)
    else:
        emit(render_cat_request_markdown(data, result.ruleset, case, justifications), output)
