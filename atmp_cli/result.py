"""The classification result and its JSON form, the contract scripts depend on.

Every renderer (terminal, Markdown, HTML, JSON, batch lines) starts from `Result.to_dict()`, so the formats
cannot drift apart: they show the same content, differently laid out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atmp_cli.bank import LegalText, Ruleset

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Step:
    """One answered question on the decision path, with what it established and why."""

    question: str
    section: str
    answer: Any  # a value, or a tuple of values for a multi-select (the JSON form has a list)
    finding: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class TestOutcome:
    rule: str
    holds: bool | None  # None: depends on unsure answers
    finding: str
    citations: tuple[str, ...]
    applicable: bool = True  # False: the test cannot apply to this product (e.g. no cells); shown as such


@dataclass(frozen=True)
class Check:
    """How one ATMP definition fared, test by test: the report shows which condition failed."""

    code: str
    holds: bool | None
    tests: tuple[TestOutcome, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Branch:
    assume: dict[str, str]
    code: str
    combined: bool
    label: str
    reason: str


@dataclass(frozen=True)
class Classification:
    code: str  # GTMP | sCTMP | TEP | not-ATMP | undetermined
    combined: bool
    label: str
    reason: str
    borderline: bool = False  # one answer on a matter of judgement, changed alone, changes the outcome


@dataclass(frozen=True)
class PrecedentMatch:
    """A published precedent near this product: its id, outcome and how similar its answers are (0 to 1)."""

    id: str
    code: str
    combined: bool
    similarity: float


@dataclass(frozen=True)
class Decisive:
    """One single answer change that changes the outcome (class or combined)."""

    question: str
    answer: Any  # the alternative value; a tuple of values for a multi-select (a list in JSON)
    code: str
    combined: bool
    judgement: bool  # the change is on a matter of judgement, not of fact


@dataclass(frozen=True)
class NoteOut:
    id: str
    text: str
    citations: tuple[str, ...]
    country: str | None


@dataclass(frozen=True)
class Result:
    schema_version: str
    tool_version: str
    ruleset: "Ruleset"
    product: str | None
    classification: Classification
    path: tuple[Step, ...]
    checks: tuple[Check, ...]
    branches: tuple[Branch, ...]
    decisive: tuple[Decisive, ...]
    precedents: tuple[PrecedentMatch, ...]
    belongs: tuple[str, ...]
    notes: tuple[NoteOut, ...]
    warnings: tuple[str, ...]
    answers: dict[str, Any]
    citation_ids: tuple[str, ...]
    country: str | None
    answers_digest: str  # SHA-256 of the canonical answers, for the audit block

    def for_record(self, product: str | None, warnings: tuple[str, ...]) -> "Result":
        """A copy for one record of a memoised result: its own product, warnings and answers dict.

        Cheaper than dataclasses.replace (no re-validation through __init__), which matters in batch mode.
        """
        copy = object.__new__(Result)
        copy.__dict__.update(self.__dict__)
        answers = {qid: list(value) if isinstance(value, list) else value for qid, value in self.answers.items()}
        copy.__dict__.update(product=product, warnings=warnings + self.warnings, answers=answers)
        return copy

    def to_dict(self, full_text: bool = True) -> dict[str, Any]:
        """The JSON result. `full_text=False` (batch lines) keeps each citation's id and citation but not the
        quoted text, and each definition test's rule and outcome but not its finding: `atmp definitions
        --format json` and `atmp explain` have those."""
        r = self.ruleset
        return {
            "schema_version": self.schema_version,
            "tool_version": self.tool_version,
            "ruleset": ruleset_dict(r),
            "product": self.product,
            "country": self.country,
            "classification": classification_dict(self.classification),
            "path": [step_dict(s) for s in self.path],
            "checks": [check_dict(c, full_text) for c in self.checks],
            "branches": [branch_dict(b) for b in self.branches],
            "decisive": [decisive_dict(d) for d in self.decisive],
            "precedents": [precedent_dict(p, r, full_text) for p in self.precedents],
            "belongs": list(self.belongs),
            "notes": [note_dict(n) for n in self.notes],
            "citations": [citation_dict(r.texts[cid], full_text) for cid in self.citation_ids],
            "warnings": list(self.warnings),
            "answers": self.answers,
        }


# One function per part of the result, shared by to_dict and the cached serializer in render/json_out.py.


def ruleset_dict(ruleset: "Ruleset") -> dict[str, Any]:
    return {"id": ruleset.id, "version": ruleset.version, "legal_texts_as_of": ruleset.legal_texts_as_of}


def classification_dict(c: Classification) -> dict[str, Any]:
    return {"code": c.code, "combined": c.combined, "borderline": c.borderline, "label": c.label, "reason": c.reason}


def precedent_dict(p: PrecedentMatch, ruleset: "Ruleset", full_text: bool = True) -> dict[str, Any]:
    """A nearest precedent; batch lines (`full_text=False`) keep its id, outcome and similarity only."""
    outcome = {"code": p.code, "combined": p.combined}
    if not full_text:
        return {"id": p.id, "outcome": outcome, "similarity": p.similarity}
    from atmp_cli.precedents import load

    entry = load(ruleset).by_id[p.id]
    return {"id": p.id, "product": entry.product, "outcome": outcome, "authority": entry.authority, "date": entry.date,
            "source": entry.source, "similarity": p.similarity}


def decisive_dict(d: Decisive) -> dict[str, Any]:
    answer = list(d.answer) if isinstance(d.answer, tuple) else d.answer
    return {"question": d.question, "answer": answer, "classification": {"code": d.code, "combined": d.combined}, "judgement": d.judgement}


def step_dict(s: Step) -> dict[str, Any]:
    answer = list(s.answer) if isinstance(s.answer, tuple) else s.answer
    return {"question": s.question, "section": s.section, "answer": answer, "finding": s.finding, "citations": list(s.citations)}


def check_dict(c: Check, full_text: bool = True) -> dict[str, Any]:
    if full_text:
        tests = [{"rule": t.rule, "holds": t.holds, "applicable": t.applicable, "finding": t.finding, "citations": list(t.citations)} for t in c.tests]
    else:
        tests = [{"rule": t.rule, "holds": t.holds, "applicable": t.applicable} for t in c.tests]
    return {"definition": c.code, "holds": c.holds, "citations": list(c.citations), "tests": tests}


def branch_dict(b: Branch) -> dict[str, Any]:
    return {"assume": dict(b.assume), "code": b.code, "combined": b.combined, "label": b.label, "reason": b.reason}


def note_dict(n: NoteOut) -> dict[str, Any]:
    return {"id": n.id, "text": n.text, "citations": list(n.citations), "country": n.country}


def citation_dict(text: "LegalText", full_text: bool = True) -> dict[str, Any]:
    """A legal text as cited in results and by `atmp definitions --format json`; `url` is the official text."""
    entry: dict[str, Any] = {"id": text.id, "citation": text.citation, "url": text.url}
    if full_text:
        entry.update(
            {
                "title": text.title,
                "presentation": text.presentation,
                "caveat": text.caveat,
                "text": text.text,
                "paraphrase": text.paraphrase,
                "source": text.source,
                "status": text.status,
                "confidence": text.confidence,
            }
        )
    return entry


_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_answers_json(answers: dict[str, Any]) -> str:
    """The answers as canonical JSON (sorted keys, no spaces): what the audit hash is taken over."""
    return _canonical.encode(answers)


def answers_sha256(answers: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_answers_json(answers).encode("utf-8")).hexdigest()
