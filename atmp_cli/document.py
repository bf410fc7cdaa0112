"""The report as a tree of neutral blocks: the one place that decides what a report says and in what order.

`build(result)` turns a core result into a `Document`: a one-screen summary, then the appendix (decision
path with the user's reasons, definitions checked condition by condition, branches, decisive answers,
precedents, the cited texts and where they were copied from, the audit). The text, Markdown and HTML
renderers only lay out these blocks; they hold no words of their own, so a language is a new catalogue.
`legal_block` is also what `explain`, `definitions`, `tree` and the wizard's help show, so a legal text
reads the same everywhere.

Every string in a block is plain text (never markup); each renderer escapes it for its format. Control
characters are stripped here, again, although the answers check already removed them from user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Union

from atmp_cli import precedents
from atmp_cli.answers import CONTROL_SEQUENCES
from atmp_cli.bank import UNDETERMINED, UNSURE, LegalText, Ruleset
from atmp_cli.result import Result
from atmp_cli.serialize import audit_dict
from atmp_cli import wording
from atmp_cli.wording import Wording

CASE_FIELDS = ("reference", "organisation", "assessor", "date", "description", "indication", "notes")


def plain(value: Any) -> str:
    """Text safe to lay out in any format: ANSI escapes and control characters removed (newlines kept)."""
    return CONTROL_SEQUENCES.sub("", str(value).replace("\r\n", "\n").replace("\t", " "))


# ---------------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Span:
    """A piece of inline text. `style`: "" | strong | em | code | dim | met | not-met | unsure | flag;
    `cite`: a legal text id (linked to its text in the page); `href`: an external address."""

    text: str
    style: str = ""
    cite: str = ""
    href: str = ""


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Paragraph:
    spans: Inline
    role: str = ""  # "" | reason | flag | caveat | meta | disclaimer | verdict


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Node:
    label: Inline
    children: tuple["Node", ...] = ()


@dataclass(frozen=True)
class Tree:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class KeyValue:
    rows: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True)
class LegalBlock:
    """One legal text: `body` is the quotation, or the paraphrase when `quoted` is False (then `caveat` says
    so); `paraphrase` is a marked paraphrase shown after a partial or secondary quotation."""

    id: str
    heading: Inline  # the official citation, linked to the act
    caveat: str
    body: str
    quoted: bool
    paraphrase: str  # already prefixed with its label
    meta: str = ""  # status and provenance, for tools that show them beside the text (explain, wizard help)


@dataclass(frozen=True)
class FlowStep:
    """One question of the tree as the drawing shows it: its answer's labels, or None when it was not asked."""

    id: str
    prompt: str
    answers: tuple[str, ...] | None
    decisive: bool


@dataclass(frozen=True)
class Flowchart:
    """The question tree with this product's path, for formats that can draw it (HTML): what to draw, not how.

    `sections` are (title, steps) in bank order; `words` the drawing's own words ("title", "decisive",
    "outcome", "not_asked"); `alt` says in words what the drawing shows."""

    sections: tuple[tuple[str, tuple[FlowStep, ...]], ...]
    outcome_code: str
    outcome_label: str
    words: Mapping[str, str]
    alt: str


Block = Union[Paragraph, Bullets, Tree, KeyValue, LegalBlock, Flowchart, "Section"]


@dataclass(frozen=True)
class Section:
    id: str  # an anchor: "summary", "decision-path", ...
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Headline:
    kicker: str  # "atmp classification report"
    code: str
    label: str
    reason: str
    flags: tuple[str, ...]
    product: tuple[str, str] | None  # (label, name)


@dataclass(frozen=True)
class Document:
    language: str
    title: str  # for the HTML <title>
    headline: Headline
    summary: tuple[Block, ...]
    appendix: tuple[Section, ...]
    disclaimer: str
    verdict: str  # the last line of a summary on a terminal: the classification
    contents_title: str = ""
    appendix_title: str = ""
    extras: dict[str, str] = field(default_factory=dict)  # words a layout needs for its own furniture


# ---------------------------------------------------------------------------------------------- helpers


def text(value: Any, style: str = "") -> Span:
    return Span(plain(value), style)


def cite_anchor(cid: str) -> str:
    """The in-page anchor of a cited text ("cite-reg1394-art2-1-b"), the same in every format that links."""
    return "cite-" + re.sub(r"[^a-z0-9-]", "-", cid.lower())


def cites(ids: Iterable[str]) -> Inline:
    """Citation ids as spans, linked to their texts: " [a, b]"."""
    ids = list(ids)
    if not ids:
        return ()
    spans: list[Span] = [Span(" [", "dim")]
    for i, cid in enumerate(ids):
        if i:
            spans.append(Span(", ", "dim"))
        spans.append(Span(cid, "dim", cite=cid))
    spans.append(Span("]", "dim"))
    return tuple(spans)


_HOLDS_STYLE = {True: "met", False: "not-met", None: "unsure"}


def legal_block(words: Wording, legal: LegalText, *, with_meta: bool = False) -> LegalBlock:
    """A legal text as every command shows it: official citation (linked), caveat, quotation or paraphrase,
    and the full paraphrase after a partial quotation."""
    m = words.m
    body = legal.text if legal.text else legal.paraphrase
    extra = legal.paraphrase if legal.text else ""
    heading = (Span(legal.id, "code", cite=legal.id), Span(" — "), Span(plain(legal.citation), href=legal.url))
    meta = m("legal.meta", status=legal.status, confidence=legal.confidence) if with_meta else ""
    if with_meta and legal.source:
        meta += "\n" + m("legal.copied_from", source=legal.source)
    return LegalBlock(legal.id, heading, plain(words.caveat(legal)), plain(body), bool(legal.text),
                      plain(m("legal.paraphrase", text=extra)) if extra else "", plain(meta))


# ---------------------------------------------------------------------------------------------- the builder


class _Builder:
    def __init__(self, result: Result, produced_at: str | None, screen: bool = False) -> None:
        self.screen = screen  # the summary alone on a terminal: it must fit one screen
        self.notes_elsewhere = ""  # on a screen too full for any note: how many the appendix holds
        self.result = result
        self.r = result.ruleset
        self.words = wording.of(result.ruleset)
        self.m = self.words.m
        self.produced_at = produced_at
        self.corpus = precedents.load(result.ruleset)

    # -------------------------------------------------------------------------- headline and summary

    def headline(self) -> Headline:
        c, w = self.result.classification, self.words
        product = (self.m("report.product"), plain(self.result.product)) if self.result.product else None
        return Headline(self.m("report.kicker"), c.code, plain(w.label(c)), plain(w.reason(c)), self.flags(), product)

    def flags(self) -> tuple[str, ...]:
        """What must stand next to the headline: a borderline call, precedents classified otherwise."""
        c, w, m = self.result.classification, self.words, self.m
        flags = []
        if c.borderline:
            calls = [d for d in self.result.decisive if d.judgement]
            turns = m("list.semicolon").join(
                m("flag.turn", change=w.change(self.result.answers, d.question, d.answer), outcome=w.short_label(d.code, d.combined))
                for d in calls)
            flags.append(m("flag.borderline", turns=turns))
        differ = [p for p in self.result.precedents if (p.code, p.combined) != (c.code, c.combined)]
        if differ and c.code != UNDETERMINED:
            names = m("list.semicolon").join(
                m("flag.precedent", product=shorten(self.corpus.by_id[p.id].product, 60), outcome=w.short_label(p.code, p.combined))
                for p in differ)
            counts = {"count": len(differ), "total": len(self.result.precedents), "names": names}
            flags.append(m("flag.precedents_differ_one", **counts) if len(differ) == 1 else m("flag.precedents_differ_many", **counts))
        return tuple(plain(f) for f in flags)

    def case_rows(self) -> KeyValue | None:
        case = self.result.case
        rows = [(self.m(f"case.{key}"), (text(case[key]),)) for key in CASE_FIELDS if case.get(key)]
        return KeyValue(tuple(rows)) if rows else None

    def definitions_summary(self) -> tuple[Block, ...]:
        """The definition met, quoted; for each other definition the one test that decided it failed."""
        c, w, m = self.result.classification, self.words, self.m
        blocks: list[Block] = []
        met = next((check for check in self.result.checks if check.code == c.code), None)
        if met is not None:
            lead = m("summary.definition_met", definition=w.short_label(met.code))
            for cid in met.citations[:1]:
                legal = legal_block(w, self.r.texts[cid])
                # the citation, without the id or the act's address: the appendix has both
                heading = (Span(plain(lead), "strong"), Span(" "), *(replace(span, href="") for span in legal.heading[2:]))
                blocks.append(excerpt(replace(legal, id="", heading=heading), m("summary.omission")))
        failed = []
        for check in self.result.checks:
            if check.code == c.code:
                continue
            test = next((t for t in check.tests if t.applicable and t.holds is False), None)
            test = test or next((t for t in check.tests if t.holds is not True), None)
            verdict = w.holds(check.holds)
            line: list[Span] = [Span(plain(w.short_label(check.code)), "strong"), Span(": "),
                                Span(plain(verdict), _HOLDS_STYLE[check.holds])]
            if test is not None:
                line += [Span(" — "), text(w.test_finding(test))]
            failed.append(tuple(line))
        if failed:
            blocks.append(Bullets(tuple(failed)))
        return tuple(blocks)

    def summary(self) -> tuple[Block, ...]:
        m, res = self.m, self.result
        blocks: list[Block] = []
        case = self.case_rows()
        if case:
            blocks.append(Section("case", m("section.case"), (case,)))
        blocks.append(Section("definitions", m("section.definitions_summary"), self.definitions_summary()))
        if res.branches:
            blocks.append(Section("branches", m("section.branches"), (self.branches(),)))
        belongs = self.words.belongs(res.belongs)
        if belongs:
            blocks.append(Section("belongs", m("section.belongs"), (Bullets(tuple((text(b),) for b in belongs)),)))
        if res.precedents:
            items = tuple(self.precedent_line(p.id, p.similarity) for p in res.precedents)
            blocks.append(Section("precedents-summary", m("section.precedents"), (Bullets(items),)))
        if res.notes:
            notes = self.notes(short=True)
            room = SUMMARY_LINES - estimate_lines(blocks) - HEADLINE_AND_END_LINES - estimate_lines([self.headline_paragraph()])
            keep = max(room - 3, 0)  # the heading, a blank line and the line that counts the rest
            if not self.screen or len(notes.items) <= room - 2:
                blocks.append(Section("notes-summary", m("section.notes_summary"), (notes,)))
            elif keep:
                more = (Span(plain(m("summary.more_notes", count=len(notes.items) - keep)), "em"),)
                blocks.append(Section("notes-summary", m("section.notes_summary"), (Bullets(notes.items[:keep] + (more,)),)))
            else:  # no room for a single note: the closing line counts them
                self.notes_elsewhere = m("summary.notes_in_appendix", count=len(notes.items))
        if res.warnings:
            blocks.append(Section("warnings", m("section.warnings"), (Bullets(tuple((text(self.words.warning(x)),) for x in res.warnings)),)))
        return tuple(blocks)

    def headline_paragraph(self) -> Paragraph:
        """The headline's text as one paragraph, for estimating the summary's length."""
        head = self.headline()
        return Paragraph(tuple(Span(t) for t in (head.label, head.reason, *head.flags, *(head.product or ()))))

    def precedent_line(self, precedent_id: str, similarity: float) -> Inline:
        """A precedent on one line: its name shortened (the appendix has it whole), outcome and similarity."""
        entry = self.corpus.by_id[precedent_id]
        line = self.m("precedent.short", outcome=self.words.short_label(entry.code, entry.combined), similarity=f"{similarity:.2f}")
        return (Span(shorten(plain(entry.product), 60), "strong"), text(line))

    def precedent_item(self, precedent_id: str, similarity: float) -> Inline:
        entry = self.corpus.by_id[precedent_id]
        line = self.m("precedent.full", outcome=self.words.outcome_label(entry.code, entry.combined), authority=entry.authority,
                      procedure=self.m(f"precedent.procedure.{entry.procedure}"), date=entry.date or self.m("precedent.undated"),
                      similarity=f"{similarity:.2f}", reliability=self.m(f"precedent.reliability.{entry.reliability}"),
                      source=entry.source)
        spans = [Span(plain(entry.product), "strong"), text(line)]
        if entry.disagreement:
            spans.append(text(" " + self.m("precedent.disagreement", text=entry.disagreement)))
        return tuple(spans)

    def notes(self, *, short: bool = False) -> Bullets:
        """The notes; `short` (the summary): each note's first sentence, on about a line."""
        items = []
        for note in self.result.notes:
            lead = (Span(plain(self.words.country(note.country)) + ": ", "strong"),) if note.country else ()
            body = plain(self.words.note_text(note))
            if short:
                items.append((*lead, Span(shorten(first_sentence(body), 92 - len(lead[0].text) if lead else 92))))
            else:
                items.append((*lead, Span(body), *cites(note.citations)))
        return Bullets(tuple(items))

    def branches(self) -> Bullets:
        w = self.words
        return Bullets(tuple(
            (text(self.m("branch.if", condition=w.branch_condition(b.assume))), Span(plain(w.branch_label(b)), "strong"),
             text(". " + w.branch_reason(b)))
            for b in self.result.branches))

    # -------------------------------------------------------------------------- appendix

    def decision_path(self) -> Section:
        w, m, res = self.words, self.m, self.result
        sections: dict[str, list[Node]] = {}
        for step in res.path:
            question = self.r.question(step.question)
            answers = []
            for value, label, finding, citations in w.step_findings(step):
                shown = label if label == value else f"{label} ({value})"
                answers.append(Node((Span(plain(m("path.answer")) + " ", "dim"), Span(plain(shown), "strong")),
                                    (Node((text(finding), *cites(citations))),)))
            reason = res.justifications.get(step.question)
            if reason:
                answers.append(Node((Span(plain(m("path.justification")) + " ", "dim"), text(reason, "em"))))
            node = Node((Span(step.question, "code"), Span(": "), text(question.prompt)), tuple(answers))
            sections.setdefault(step.section, []).append(node)
        tree = Tree(tuple(Node((Span(plain(self.r.section_title(sid)), "strong"),), tuple(nodes)) for sid, nodes in sections.items()))
        blocks: list[Block] = []
        blocks.append(self.flowchart())
        blocks.append(tree)
        return Section("decision-path", m("section.decision_path"), tuple(blocks))

    def flowchart(self) -> Flowchart:
        """The question tree with this product's path highlighted and its decisive answers marked."""
        res, m = self.result, self.m
        words = {"title": m("flowchart.title"), "decisive": m("flowchart.decisive"), "outcome": m("flowchart.outcome"),
                 "not_asked": m("flowchart.not_asked"), "unsure": m("answer.unsure")}
        return flowchart(self.r, [(s.question, s.answer) for s in res.path], [d.question for d in res.decisive],
                         res.classification.code, words, self.words.label(res.classification), m("flowchart.alt"))

    def checks(self) -> Section:
        w = self.words
        nodes = []
        for check in self.result.checks:
            tests = tuple(
                Node((Span(plain(w.holds(t.holds, t.applicable)) + ": ", _HOLDS_STYLE[t.holds] if t.applicable else "dim"),
                      text(w.test_finding(t)), *cites(t.citations)))
                for t in check.tests)
            label = (Span(plain(w.outcome_label(check.code)), "strong"), Span(": "), Span(plain(w.holds(check.holds)), _HOLDS_STYLE[check.holds]),
                     *cites(check.citations))
            nodes.append(Node(label, tests))
        return Section("definitions-checked", self.m("section.definitions_checked"), (Tree(tuple(nodes)),))

    def decisive(self) -> Section | None:
        """Judgement calls first: they are what makes a result borderline."""
        w, m, res = self.words, self.m, self.result
        if not res.decisive:
            return None
        items = []
        for d in sorted(res.decisive, key=lambda d: not d.judgement):
            change = w.change(res.answers, d.question, d.answer)
            kind = m("decisive.judgement") if d.judgement else m("decisive.fact")
            items.append((text(change[:1].upper() + change[1:] + ": "), Span(plain(w.outcome_label(d.code, d.combined)), "strong"), text(" " + kind)))
        return Section("decisive", m("section.decisive"), (Bullets(tuple(items)),))

    def precedents(self) -> Section | None:
        res, m = self.result, self.m
        blocks: list[Block] = []
        if res.precedents:
            blocks.append(Bullets(tuple(self.precedent_item(p.id, p.similarity) for p in res.precedents)))
        if res.classification.borderline:
            decisive = next(d for d in res.decisive if d.judgement)
            sides = []
            for code, combined in ((res.classification.code, res.classification.combined), (decisive.code, decisive.combined)):
                match = self.corpus.nearest_with(self.r, res.answers, code, combined)
                if match:
                    sides.append(self.precedent_item(match.id, match.similarity))
            if sides:
                blocks += [Paragraph((Span(plain(m("section.sides")), "strong"),)), Bullets(tuple(sides))]
        return Section("precedents", m("section.precedents_full"), tuple(blocks)) if blocks else None

    def legal_texts(self) -> Section:
        blocks = tuple(legal_block(self.words, self.r.texts[cid]) for cid in self.result.citation_ids)
        return Section("legal-texts", self.m("section.legal_texts"), blocks)

    def sources(self) -> Section:
        """Where each quotation was copied from, with its status: what an audit of the quotations needs."""
        m, rows = self.m, []
        for cid in self.result.citation_ids:
            legal = self.r.texts[cid]
            line = m("sources.line", status=legal.status, confidence=legal.confidence)
            rows.append((Span(cid, "code", cite=cid), text(": " + line + " "), Span(plain(legal.source), "dim", href=_address(legal.source))))
        return Section("sources", m("section.sources"), (Bullets(tuple(rows)),))

    def audit(self) -> Section:
        rows = tuple((self.m(f"audit.{key}"), (text(value),)) for key, value in audit_dict(self.result, self.produced_at).items())
        return Section("audit", self.m("section.audit"), (KeyValue(rows),))

    def build(self) -> Document:
        headline = self.headline()
        summary = self.summary()
        notes = Section("notes", self.m("section.notes"), (self.notes(),)) if self.result.notes else None
        appendix = [self.decision_path(), self.checks(), self.decisive(), self.precedents(), notes, self.legal_texts(),
                    self.sources(), self.audit()]
        m = self.m
        verdict = m("report.verdict", label=headline.label)
        if self.result.classification.borderline:
            verdict = m("report.verdict_borderline", label=headline.label)
        title = m("report.title", label=headline.label, product=plain(self.result.product)) if self.result.product else \
            m("report.title_no_product", label=headline.label)
        return Document(
            language=self.r.language,
            title=plain(title),
            headline=headline,
            summary=summary,
            appendix=tuple(s for s in appendix if s is not None),
            disclaimer=plain(self.r.disclaimer),
            verdict=plain(verdict),
            contents_title=m("report.contents"),
            appendix_title=m("report.appendix"),
            extras={"summary": m("section.summary"), "full_hint": " ".join(filter(None, (self.notes_elsewhere, m("report.full_hint")))),
                    "short_disclaimer": m("summary.disclaimer")},
        )


SUMMARY_LINES = 40  # the summary fits one screen: at most this many lines at 100 columns
HEADLINE_AND_END_LINES = 14  # the headline's frame and blank lines, the disclaimer, the classification line (with a margin)


def estimate_lines(blocks: Iterable[Any], width: int = 88) -> int:
    """About how many lines blocks take at 100 columns: each text line wraps every `width` characters, and a
    section adds its heading and a blank line. An estimate, used to keep the summary on one screen."""
    total = 0
    for item in blocks:
        if isinstance(item, Section):
            total += 2 + estimate_lines(item.blocks, width)
        elif isinstance(item, Paragraph):
            total += _wrapped("".join(s.text for s in item.spans), width)
        elif isinstance(item, Bullets):
            total += sum(_wrapped("".join(s.text for s in entry), width - 2) for entry in item.items)
        elif isinstance(item, KeyValue):
            total += sum(_wrapped("".join(s.text for s in value), width - 16) for _, value in item.rows)
        elif isinstance(item, LegalBlock):
            total += 1 + _wrapped(item.body, width - 2) + (_wrapped(item.caveat, width) if item.caveat else 0)
    return total


def _wrapped(value: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in value.split("\n"))


def shorten(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with "…" (the summary's one-line forms; the appendix has all)."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def first_sentence(value: str) -> str:
    """Up to the first full stop that ends a sentence (followed by a space and a capital letter)."""
    for index, char in enumerate(value[:-2]):
        if char == "." and value[index + 1] == " " and value[index + 2].isupper():
            return value[: index + 1]
    return value


def excerpt(block: LegalBlock, omission: str) -> LegalBlock:
    """A legal text for the summary: its opening lines up to the first that ends a sentence, the omission
    marked; the appendix quotes it whole (and holds its anchor: an excerpt has no id). A paraphrase is never
    cut (nor shown as a quotation)."""
    if not block.quoted:
        return block
    lines = block.body.split("\n")
    for index, line in enumerate(lines):
        if index and line.rstrip().endswith("."):
            if index + 1 < len(lines):
                return LegalBlock(block.id, block.heading, block.caveat, "\n".join(lines[:index] + [line + " " + omission]), True, "")
            break
    return LegalBlock(block.id, block.heading, block.caveat, block.body, True, "")


def _address(source: str) -> str:
    """A source's address, when it is one (sources may also be a publication's name)."""
    return source if source.startswith(("https://", "http://")) else ""


def flowchart(ruleset: Ruleset, path: Iterable[tuple[str, Any]], decisive: Iterable[str], outcome_code: str,
              words: Mapping[str, str], outcome_label: str = "", alt: str = "") -> Flowchart:
    """What the drawing of the tree shows for a product: every question of the bank by section, each with the
    labels of its answer (`words["unsure"]` for unsure) or None when not asked, and whether it is decisive.
    A question the ruleset does not have is an error (ValueError)."""
    answers = dict(path)
    unknown = sorted(set(answers) - set(ruleset.by_id))
    if unknown:
        raise ValueError(f"not a question of ruleset {ruleset.id!r}: {', '.join(unknown)}")
    marked = set(decisive)

    def labels(qid: str) -> tuple[str, ...]:
        answer = answers[qid]
        if answer == UNSURE:
            return (words["unsure"],)
        question = ruleset.question(qid)
        values = answer if isinstance(answer, (list, tuple)) else (answer,)
        return tuple(question.option_index[v].label if v in question.option_index else str(v) for v in values)

    sections = tuple(
        (section.title, tuple(FlowStep(q.id, q.prompt, labels(q.id) if q.id in answers else None, q.id in marked)
                              for q in ruleset.questions if q.section == section.id))
        for section in ruleset.sections)
    return Flowchart(tuple(s for s in sections if s[1]), outcome_code, outcome_label or ruleset.labels[outcome_code],
                     dict(words), alt)


def build(result: Result, produced_at: str | None = None, *, screen: bool = False) -> Document:
    """The report's content in reading order; `produced_at` only for exported files. With `screen` (the summary
    alone on a terminal) the summary's notes are cut to what fits one screen, the rest counted."""
    return _Builder(result, produced_at, screen).build()
