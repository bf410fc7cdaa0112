"""Check an answers document against the question bank: the stable input contract.

`{"product": "<free text, optional>", "answers": {<question id>: <value>}}`. Unknown ids and values and
wrong types are errors with a "did you mean" for near misses; answers to questions that do not apply are
ignored with a warning (by the engine); questions that apply but are unanswered are errors listing their
prompts. Two optional objects feed the draft CAT request (`atmp classify --format cat-request`) and change
no classification: `case` (free text about the request: organisation, description, indication ...) and
`justifications` (question id -> the user's reason for that answer). Errors carry the field they concern so every caller (classify, batch, wizard) can name file,
record and field in one line.

A null answer is no answer, like a blank spreadsheet cell, so the blank `atmp template` (every question
null) stays valid however much of it is filled in; a blank product is no product. Other top-level keys are
ignored with a warning, except those starting with '$' ("$schema", "$comment", the template's "$allowed"):
JSON's usual place for notes about a document rather than its data. `atmp schema` describes the same
contract as a JSON Schema (atmp_cli/schema.py); a test keeps the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Collection, Container

from atmp_cli.bank import UNSURE, Question, Ruleset, did_you_mean
from atmp_cli.applicability import missing_answers

TOP_LEVEL_KEYS = ("product", "answers", "case", "justifications")
CASE_KEYS = ("reference", "organisation", "assessor", "date", "description", "indication", "notes")
MULTILINE_CASE_KEYS = frozenset({"description", "notes"})  # paragraphs: their newlines are kept
METADATA_PREFIX = "$"  # top-level keys about the document, not part of it: ignored without a warning
# Whole escape sequences (CSI, OSC, other ESC pairs) first: otherwise only ESC goes and "[31m" stays behind
# as text. Newlines (\x0a) and tabs (\x09) are left to the callers, which decide what they become.
CONTROL_SEQUENCES = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class Checked:
    """A checked answers document: canonical answers in bank order, or the errors that stop it."""

    product: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    case: dict[str, str] = field(default_factory=dict)  # CASE_KEYS given, cleaned; blank ones left out
    justifications: dict[str, str] = field(default_factory=dict)  # question id -> reason, cleaned
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value: str, *, keep_newlines: bool = False) -> str:
    """Strip ANSI escapes and control characters from user text. Tabs become spaces, and so do newlines
    unless `keep_newlines` (a description in paragraphs; carriage returns go, as control characters)."""
    text = value.replace("\t", " ") if keep_newlines else value.replace("\n", " ").replace("\t", " ")
    return CONTROL_SEQUENCES.sub("", text).strip()


def _user_text(value: Any, where: str, *, keep_newlines: bool = False) -> tuple[str | None, FieldError | None]:
    """Free text from the user, cleaned (None for null or blank), or the error that rejects it."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, FieldError(where, f"expected a string, got {_type_name(value)}")
    if not _encodable(value):
        return None, FieldError(where, "not valid Unicode text (it holds a lone surrogate)")
    return clean_text(value, keep_newlines=keep_newlines) or None, None


def shown(text: str) -> str:
    """User text for a message: as it is if printable, else with escapes (no raw ESC, no lone surrogates)."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _check_value(question: Question, value: Any, where: str) -> tuple[Any, FieldError | None]:
    """The canonical value (multi-selects in bank order) or an error. The common, valid case is tested
    first and cheaply: batch mode runs this for every answer of every record."""
    if question.kind == "single":
        if value.__class__ is str and value in question.allowed_set:
            return value, None
        allowed = question.allowed
        if not isinstance(value, str):
            return None, FieldError(where, f"expected one of {', '.join(allowed)}, got {_type_name(value)}")
        return None, FieldError(where, f"unknown value {value!r}{did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}")
    if value == UNSURE and question.unsure:
        return value, None
    if not isinstance(value, list):
        hint = f' (use a list, e.g. ["{value}"])' if isinstance(value, str) else ""
        return None, FieldError(where, f"expected a list of {', '.join(question.values)}, got {_type_name(value)}{hint}")
    if not value:
        return None, FieldError(where, "expected at least one value")
    index = question.option_index
    for item in value:
        if item.__class__ is not str:
            return None, FieldError(where, f"expected strings in the list, got {_type_name(item)}")
        if item not in index:
            return None, FieldError(
                where, f"unknown value {item!r}{did_you_mean(item, question.values)}; allowed: {', '.join(question.values)}"
            )
    chosen = set(value)
    if len(chosen) != len(value):
        return None, FieldError(where, "a value is listed twice")
    if len(value) > 1 and not question.exclusive_values.isdisjoint(chosen):
        exclusive = next(v for v in value if v in question.exclusive_values)
        return None, FieldError(where, f"{exclusive!r} cannot be combined with other values")
    if len(value) == 1:
        return list(value), None
    return [v for v in question.values if v in chosen], None


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def contradictions(ruleset: Ruleset, answers: dict[str, Any]) -> list[FieldError]:
    """Answers that contradict each other (the ruleset's constraints), each naming the fields involved."""
    return [
        FieldError(" and ".join(f"answers.{name}" for name in constraint.fields), constraint.message)
        for constraint in ruleset.constraints
        if constraint.when.evaluate(answers)
    ]


def _texts(raw: Any, name: str, expected: str, known: Collection[str], unknown: str, multiline: Container[str],
           errors: list[FieldError]) -> dict[str, str]:
    """An optional object of free texts (`case`, `justifications`): keys from `known` (else `unknown`, with a
    "did you mean"), each a string or null; blank ones left out, the `multiline` ones keeping their newlines."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(FieldError(name, f"expected {expected}, got {_type_name(raw)}"))
        return {}
    found = {}
    for key, value in raw.items():
        where = f"{name}.{shown(key)}"
        if key not in known:
            errors.append(FieldError(where, unknown.format(did_you_mean=did_you_mean(key, known))))
            continue
        text, error = _user_text(value, where, keep_newlines=key in multiline)
        if error:
            errors.append(error)
        elif text:
            found[key] = text
    return found


def check_document(ruleset: Ruleset, document: Any, *, require_complete: bool = True) -> Checked:
    """Check types, ids and values; with `require_complete`, also that every applicable question is answered."""
    checked = Checked()
    if not isinstance(document, dict):
        checked.errors.append(FieldError("(document)", f"expected a JSON object with an 'answers' object, got {_type_name(document)}"))
        return checked
    for key in document:
        if key not in TOP_LEVEL_KEYS and not key.startswith(METADATA_PREFIX):
            checked.warnings.append(f"unknown top-level key {key!r} ignored{did_you_mean(key, TOP_LEVEL_KEYS)}")
    checked.product, error = _user_text(document.get("product"), "product")
    if error:
        checked.errors.append(error)
    checked.case = _texts(document.get("case"), "case", f"an object with the keys {', '.join(CASE_KEYS)}", CASE_KEYS,
                          f"unknown key{{did_you_mean}}; allowed: {', '.join(CASE_KEYS)}", MULTILINE_CASE_KEYS, checked.errors)
    checked.justifications = _texts(document.get("justifications"), "justifications", "an object of question id to the reason for its answer",
                                    ruleset.by_id, "unknown question id{did_you_mean}", ruleset.by_id, checked.errors)  # reasons: paragraphs
    raw = document.get("answers")
    if raw is None:
        raw = {}
        if require_complete:
            checked.errors.append(FieldError("answers", "missing: expected an object of question id to answer"))
            return checked
    if not isinstance(raw, dict):
        checked.errors.append(FieldError("answers", f"expected an object of question id to answer, got {_type_name(raw)}"))
        return checked
    values: dict[str, Any] = {}
    for qid, value in raw.items():
        where = f"answers.{shown(qid)}"
        question = ruleset.by_id.get(qid)
        if question is None:
            checked.errors.append(FieldError(where, f"unknown question id{did_you_mean(qid, ruleset.by_id)}"))
            continue
        if value is None:  # not answered
            continue
        canonical, error = _check_value(question, value, where)
        if error:
            checked.errors.append(error)
        else:
            values[qid] = canonical
    checked.answers = {q.id: values[q.id] for q in ruleset.questions if q.id in values}
    if not checked.errors:
        checked.errors.extend(contradictions(ruleset, checked.answers))
    if require_complete and not checked.errors:
        missing = missing_answers(ruleset, checked.answers)
        if missing:
            listing = "; ".join(f"{qid} ({ruleset.question(qid).prompt})" for qid in missing)
            checked.errors.append(FieldError("answers", f"missing required answers: {listing}"))
    return checked
