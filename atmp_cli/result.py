"""The classification result as the core decides it: codes, ids and values only, never prose.

Words are added later, by `wording` (for the JSON serialiser in `serialize` and the report document in
`document`), from the ruleset's texts and the message catalogue of the chosen language. So one result
can be worded in English or Swedish, and nothing the engine decided is ever re-derived from a sentence.

A `Result` has two parts: the classification of the answers (memoised by the engine and shared by every
record with the same answers) and the record's own data (product, case, justifications, warnings), set by
`for_record`. Caches may key on the shared part only, never on the record's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from atmp_cli.answer_set import AnswerSet
from atmp_cli.messages import Message

if TYPE_CHECKING:
    from atmp_cli.bank import Ruleset

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Step:
    """One answered question on the decision path: the option findings it stands for are the ruleset's."""

    question: str
    section: str
    answer: Any  # a value, or a tuple of values for a multi-select (a JSON array)
    citations: tuple[str, ...]


@dataclass(frozen=True)
class TestOutcome:
    rule: str
    holds: bool | None  # None: depends on unsure answers
    citations: tuple[str, ...]
    applicable: bool = True  # False: the test cannot apply to this product (e.g. no cells)


@dataclass(frozen=True)
class Check:
    """How one ATMP definition fared, test by test: the report shows which condition failed."""

    code: str
    holds: bool | None
    tests: tuple[TestOutcome, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Branch:
    """One resolution of the unsure answers that matter, and its outcome (with the destination, if any)."""

    assume: Mapping[str, Any]
    code: str
    combined: bool
    destination: str | None


@dataclass(frozen=True)
class Classification:
    """The outcome. Its reason is identified, not written: the definition met (by `code`), the destination
    reached, or for an undetermined result the unsure answers it depends on."""

    code: str  # GTMP | sCTMP | TEP | not-ATMP | undetermined
    combined: bool
    borderline: bool = False  # one answer on a matter of judgement, changed alone, changes the outcome
    destination: str | None = None  # where a product that is not an ATMP (or is open) was taken
    depends_on: tuple[str, ...] = ()  # undetermined by unsure answers: the questions that matter


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
    answer: Any  # the alternative value; a tuple of values for a multi-select
    code: str
    combined: bool
    judgement: bool  # the change is on a matter of judgement, not of fact


@dataclass(frozen=True)
class NoteOut:
    id: str
    citations: tuple[str, ...]
    country: str | None  # None: a note of the ruleset; else the country whose national note it is


@dataclass(frozen=True)
class Result:
    schema_version: str
    tool_version: str
    ruleset: "Ruleset"
    classification: Classification
    path: tuple[Step, ...]
    checks: tuple[Check, ...]
    branches: tuple[Branch, ...]
    decisive: tuple[Decisive, ...]
    precedents: tuple[PrecedentMatch, ...]
    belongs: tuple[str, ...]  # destination ids, in the order reached
    notes: tuple[NoteOut, ...]
    answers: AnswerSet  # the answers that apply, in bank order
    citation_ids: tuple[str, ...]
    country: str | None
    answers_digest: str  # SHA-256 of the canonical answers, for the audit block
    answers_json: str  # the canonical answers JSON the digest is taken over
    notices: tuple[Message, ...] = ()  # the engine's warnings (an answer to a question that does not apply)
    # The record's own data, never part of the memoised classification:
    product: str | None = None
    warnings: tuple[Message | str, ...] = ()  # the caller's warnings (answers-file checks), then the engine's
    case: Mapping[str, str] = field(default_factory=dict)
    justifications: Mapping[str, str] = field(default_factory=dict)

    def for_record(self, product: str | None, warnings: tuple[Message | str, ...] = (), case: Mapping[str, str] | None = None,
                   justifications: Mapping[str, str] | None = None) -> "Result":
        """A copy for one record of a memoised result: its own product, warnings, case and justifications.

        Cheaper than dataclasses.replace (no re-validation through __init__), which matters in batch mode.
        """
        copy = object.__new__(Result)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(product=product, warnings=warnings + self.notices, case=case or {}, justifications=justifications or {})
        return copy

    @property
    def whole_document_digest(self) -> str:
        """SHA-256 of the answers with the record's own data (product, case, justifications): the second
        digest of the audit block, which changes when any of them does while `answers_digest` does not."""
        # The canonical JSON of {"answers", "case", "justifications", "product"} (sorted keys), assembled around
        # the answers' canonical JSON, which the memoised classification encoded once.
        document = "".join(['{"answers":', self.answers_json, ',"case":', _canonical.encode(dict(self.case)) if self.case else "{}",
                            ',"justifications":', _canonical.encode(dict(self.justifications)) if self.justifications else "{}",
                            ',"product":', _canonical.encode(self.product), "}"])
        return hashlib.sha256(document.encode("utf-8")).hexdigest()


_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_answers_json(answers: Mapping[str, Any]) -> str:
    """The answers as canonical JSON (sorted keys, no spaces): what the audit hash is taken over."""
    return _canonical.encode(answers)


def answers_sha256(answers: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_answers_json(answers).encode("utf-8")).hexdigest()
