"""What is in a classification report, as plain data: the one place that decides the report's content.

The terminal (rich), Markdown and HTML renderers only lay out a `Report`; none of them looks at the
ruleset or the result itself, so the three formats cannot drift apart. Every string here is plain text
(never markup): each renderer escapes it for its own format. Control characters are stripped again here,
defensively, although `answers.clean_text` already removed them from user input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atmp_cli import precedents
from atmp_cli.answers import CONTROL_SEQUENCES
from atmp_cli.bank import UNSURE, Ruleset
from atmp_cli.render.json_out import audit
from atmp_cli.result import Result


HOLDS_WORDS = {True: "met", False: "not met", None: "depends on unsure answers"}
NOT_APPLICABLE = "not applicable"
AUDIT_LABELS = {
    "tool_version": "Tool version",
    "ruleset": "Ruleset",
    "ruleset_version": "Ruleset version",
    "legal_texts_as_of": "Legal texts as of",
    "answers_sha256": "Answers SHA-256",
    "produced_at": "Produced at (UTC)",
}


def plain(value: Any) -> str:
    """Text safe to lay out in any format: ANSI escapes and control characters removed (newlines kept)."""
    return CONTROL_SEQUENCES.sub("", str(value).replace("\r\n", "\n").replace("\t", " "))


@dataclass(frozen=True)
class Finding:
    text: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """One answer given to a question (one per selected option of a multi-select) and what it established."""

    value: str
    label: str
    findings: tuple[Finding, ...]

    @property
    def text(self) -> str:
        return self.label if self.label == self.value else f"{self.label} ({self.value})"


@dataclass(frozen=True)
class QuestionStep:
    id: str
    prompt: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class SectionSteps:
    title: str
    questions: tuple[QuestionStep, ...]


@dataclass(frozen=True)
class TestLine:
    holds: bool | None
    word: str
    rule: str
    finding: str
    citations: tuple[str, ...]
    applicable: bool = True


@dataclass(frozen=True)
class DefinitionCheck:
    code: str
    label: str
    holds: bool | None
    word: str
    citations: tuple[str, ...]
    tests: tuple[TestLine, ...]


@dataclass(frozen=True)
class BranchLine:
    condition: str
    code: str
    label: str
    reason: str


@dataclass(frozen=True)
class NoteLine:
    text: str
    citations: tuple[str, ...]
    country: str | None  # national notes: the country's name, e.g. "Sweden (SE)"


@dataclass(frozen=True)
class ListItem:
    """One bullet of a listed section, laid out as lead + strong (emphasised) + text + citation ids."""

    lead: str
    strong: str
    text: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListSection:
    title: str
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class CitedText:
    """A cited legal text: `body` is the quotation (or the paraphrase, then `caveat` says so); `paraphrase`
    is a marked paraphrase shown after a partial or secondary quotation (e.g. the whole of Art 2(1)(d))."""

    id: str
    citation: str
    title: str
    presentation: str
    caveat: str
    body: str
    source: str
    status: str
    confidence: str
    paraphrase: str = ""

    @property
    def quoted(self) -> bool:
        """Whether `body` is a quotation; a paraphrase is never laid out as one."""
        return self.presentation != "paraphrase"


PARAPHRASE_LABEL = "Paraphrase, not the wording of the law:"


@dataclass(frozen=True)
class Report:
    title: str
    product: str | None
    code: str
    combined: bool
    label: str
    reason: str
    sections: tuple[SectionSteps, ...]
    checks: tuple[DefinitionCheck, ...]
    branches: tuple[BranchLine, ...]
    belongs: tuple[str, ...]
    notes: tuple[NoteLine, ...]
    warnings: tuple[str, ...]
    texts: tuple[CitedText, ...]
    disclaimer: str
    audit: tuple[tuple[str, str], ...]  # (label, value) in display order
    flags: tuple[str, ...] = ()  # shown under the headline: borderline, precedents classified differently
    decisive: tuple[ListItem, ...] = ()
    precedents: tuple[ListItem, ...] = ()
    sides: tuple[ListItem, ...] = ()  # a borderline result: the nearest precedent on each side of its decisive answer

    @property
    def lists(self) -> tuple[ListSection, ...]:
        """The bulleted sections between the definitions and the legal texts, in reading order; empty ones left out."""
        sections = (
            ListSection(
                "Branches: one per resolution of the unsure answers",
                tuple(ListItem(f"If {b.condition}: ", b.label, f". {b.reason}") for b in self.branches),
            ),
            ListSection("Decisive answers: each single change that would change the outcome", self.decisive),
            ListSection("Nearest published precedents", self.precedents),
            ListSection("Precedents on each side of the decisive answer", self.sides),
            ListSection("Likely belongs under", tuple(ListItem("", "", b) for b in self.belongs)),
            ListSection("Notes", tuple(ListItem("", f"{n.country}:" if n.country else "", (" " if n.country else "") + n.text, n.citations) for n in self.notes)),
            ListSection("Warnings", tuple(ListItem("", "", w) for w in self.warnings)),
        )
        return tuple(section for section in sections if section.items)


def _answers(ruleset: Ruleset, question_id: str, answer: Any, finding: str, citations: tuple[str, ...]) -> tuple[Answer, ...]:
    """One entry per given value, each with its option's own finding (the step's finding for 'unsure')."""
    question = ruleset.question(question_id)
    values = list(answer) if isinstance(answer, (list, tuple)) else [answer]
    if answer == UNSURE or any(v not in question.values for v in values):
        return (Answer(plain(answer), plain(answer), (Finding(plain(finding), citations),)),)
    items = []
    for value in values:
        option = question.option(value)
        items.append(Answer(value, plain(option.label), (Finding(plain(option.finding), option.citations),)))
    return tuple(items)


def _sections(result: Result) -> tuple[SectionSteps, ...]:
    ruleset = result.ruleset
    grouped: dict[str, list[QuestionStep]] = {}
    for step in result.path:
        question = ruleset.question(step.question)
        answers = _answers(ruleset, step.question, step.answer, step.finding, step.citations)
        grouped.setdefault(step.section, []).append(QuestionStep(step.question, plain(question.prompt), answers))
    return tuple(SectionSteps(plain(ruleset.section_title(sid)), tuple(steps)) for sid, steps in grouped.items())


def _checks(result: Result) -> tuple[DefinitionCheck, ...]:
    labels = result.ruleset.labels
    return tuple(
        DefinitionCheck(
            check.code,
            plain(labels.get(check.code, check.code)),
            check.holds,
            HOLDS_WORDS[check.holds],
            check.citations,
            tuple(TestLine(t.holds, HOLDS_WORDS[t.holds] if t.applicable else NOT_APPLICABLE, t.rule, plain(t.finding), t.citations,
                           t.applicable) for t in check.tests),
        )
        for check in result.checks
    )


def _cited(result: Result) -> tuple[CitedText, ...]:
    texts = []
    for cid in result.citation_ids:
        t = result.ruleset.texts[cid]
        body = t.text if t.text else t.paraphrase
        extra = t.paraphrase if t.text else ""
        texts.append(
            CitedText(cid, plain(t.citation), plain(t.title), t.presentation, plain(t.caveat), plain(body), plain(t.source),
                      plain(t.status), plain(t.confidence), plain(extra))
        )
    return tuple(texts)


def answer_text(value: Any) -> str:
    """An answer as written in a condition: a value, or the values of a multi-select joined by '+'."""
    return "+".join(value) if isinstance(value, (list, tuple)) else str(value)


def branch_condition(assume: dict[str, Any]) -> str:
    return " and ".join(f"{question} is {answer_text(value)}" for question, value in assume.items())


def _country(ruleset: Ruleset, code: str | None) -> str | None:
    if not code:
        return None
    name = ruleset.country_names.get(code)
    return plain(f"{name} ({code})" if name else code)


def outcome_label(ruleset: Ruleset, code: str, combined: bool) -> str:
    label = ruleset.labels.get(code, code)
    return f"{ruleset.labels['combined_prefix']}: {label}" if combined else label


def change_text(ruleset: Ruleset, answers: dict[str, Any], question_id: str, alternative: Any) -> str:
    """A decisive change in words: 'if intended_use also includes “…”', 'if same_essential_function is “…”'."""
    question = ruleset.question(question_id)
    label = lambda value: "unsure" if value == UNSURE else question.option(value).label
    if question.kind == "single":
        return f"if {question_id} is “{label(alternative)}”"
    old, new = set(answers.get(question_id) or ()), set(alternative)
    added, removed = new - old, old - new
    if added and (removed or question.exclusive_values & added):
        return f"if {question_id} is only “{', '.join(label(v) for v in alternative)}”"
    if added:
        return f"if {question_id} also includes “{label(next(iter(added)))}”"
    return f"if {question_id} does not include “{label(next(iter(removed)))}”"


def _decisive(result: Result) -> tuple[ListItem, ...]:
    """Judgement calls first: they are what makes a result borderline."""
    r = result.ruleset
    entries = sorted(result.decisive, key=lambda d: not d.judgement)
    items = []
    for d in entries:
        change = plain(change_text(r, result.answers, d.question, d.answer))
        kind = " (a matter of judgement)" if d.judgement else " (a matter of fact)"
        items.append(ListItem(change[0].upper() + change[1:] + ": ", plain(outcome_label(r, d.code, d.combined)), kind))
    return tuple(items)


def _precedent_item(result: Result, precedent_id: str, similarity: float) -> ListItem:
    entry = precedents.load(result.ruleset).by_id[precedent_id]
    when = f", {entry.date}" if entry.date else ""
    note = f" The rules disagree with this outcome: {entry.disagreement}" if entry.disagreement else ""
    return ListItem(
        "", plain(entry.product),
        plain(f": {outcome_label(result.ruleset, entry.code, entry.combined)} ({entry.authority}, {entry.procedure}{when}; "
              f"similarity {similarity:.2f}; {entry.reliability} source: {entry.source}).{note}"),
    )


def _flags(result: Result) -> tuple[str, ...]:
    """What must stand next to the headline: a borderline call, and precedents that were classified otherwise."""
    c, r = result.classification, result.ruleset
    flags = []
    if c.borderline:
        calls = [d for d in result.decisive if d.judgement]
        turns = "; ".join(f"{change_text(r, result.answers, d.question, d.answer)}, {outcome_label(r, d.code, d.combined)}" for d in calls)
        flags.append(f"Borderline: one answer on a matter of judgement decides it ({turns}). "
                     "A scientific recommendation from the CAT (Article 17) would settle it.")
    differ = [p for p in result.precedents if (p.code, p.combined) != (c.code, c.combined)]
    if differ and c.code != "undetermined":
        corpus = precedents.load(r)
        names = "; ".join(f"{corpus.by_id[p.id].product} ({outcome_label(r, p.code, p.combined)})" for p in differ)
        verb = "was" if len(differ) == 1 else "were"
        flags.append(f"{len(differ)} of the {len(result.precedents)} nearest published precedents {verb} classified differently: {names}.")
    return tuple(plain(f) for f in flags)


def _sides(result: Result) -> tuple[ListItem, ...]:
    """For a borderline result: the nearest precedent classified as this result, and as its alternative."""
    if not result.classification.borderline:
        return ()
    decisive = next(d for d in result.decisive if d.judgement)
    corpus = precedents.load(result.ruleset)
    items = []
    for code, combined in ((result.classification.code, result.classification.combined), (decisive.code, decisive.combined)):
        match = corpus.nearest_with(result.ruleset, result.answers, code, combined)
        if match:
            items.append(_precedent_item(result, match.id, match.similarity))
    return tuple(items)


def build(result: Result, produced_at: str | None = None) -> Report:
    """The report's content in reading order; `produced_at` only for exported files."""
    c = result.classification
    ruleset = result.ruleset
    block = audit(result, produced_at)
    return Report(
        title="atmp classification report",
        product=plain(result.product) if result.product else None,
        code=c.code,
        combined=c.combined,
        label=plain(c.label),
        reason=plain(c.reason),
        sections=_sections(result),
        checks=_checks(result),
        branches=tuple(BranchLine(plain(branch_condition(b.assume)), b.code, plain(b.label), plain(b.reason)) for b in result.branches),
        belongs=tuple(plain(b) for b in result.belongs),
        notes=tuple(NoteLine(plain(n.text), n.citations, _country(ruleset, n.country)) for n in result.notes),
        warnings=tuple(plain(w) for w in result.warnings),
        texts=_cited(result),
        disclaimer=plain(ruleset.disclaimer),
        audit=tuple((AUDIT_LABELS.get(key, key), plain(value)) for key, value in block.items()),
        flags=_flags(result),
        decisive=_decisive(result),
        precedents=tuple(_precedent_item(result, p.id, p.similarity) for p in result.precedents),
        sides=_sides(result),
    )
