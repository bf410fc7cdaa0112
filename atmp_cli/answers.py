"""Check an answers document against the question bank: the stable input contract.

`{"product": "<free text, optional>", "answers": {<question id>: <value>}}`. Unknown ids and values and
wrong types are errors with a "did you mean" for near misses; answers to questions that do not apply are
ignored with a warning (by the engine); questions that apply but are unanswered are errors listing their
prompts. Two optional objects feed the draft CAT request (`atmp classify --format cat-request`) and change
no classification: `case` (free text about the request: organisation, description, indication ...) and
`justifications` (question id -> the user's reason for that answer). Errors carry the field they concern so
every caller (classify, batch, wizard) can name file, record and field in one line, and a Message (a key of the
catalogue), so that each caller words them in the language of its run.

A null answer is no answer, like a blank spreadsheet cell, so the blank `atmp template` (every question
null) stays valid however much of it is filled in; a blank product is no product. Other top-level keys are
ignored with a warning, except those starting with '$' ("$schema", "$comment", the template's "$allowed"):
JSON's usual place for notes about a document rather than its data. `atmp schema` describes the same
contract as a JSON Schema (atmp_cli/schema.py); a test keeps the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Container

from atmp_cli.answer_set import AnswerSet
from atmp_cli.applicability import missing_answers
from atmp_cli.bank import UNSURE, Question, Ruleset
from atmp_cli.messages import Catalogue, Message, did_you_mean

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
    """What is wrong with one field; a plain-string message is a ruleset's own text (a constraint's),
    already in the ruleset's language."""

    field: str
    message: Message | str

    def text(self, m: Catalogue) -> str:
        """"field: message", worded by `m`."""
        return f"{self.field}: {m.word(self.message)}"

    def __str__(self) -> str:
        from atmp_cli import language

        return self.text(language.catalogue())


@dataclass
class Checked:
    """A checked answers document: canonical answers in bank order, or the errors that stop it."""

    product: str | None = None
    answers: AnswerSet = field(default_factory=AnswerSet)
    case: dict[str, str] = field(default_factory=dict)  # CASE_KEYS given, cleaned; blank ones left out
    justifications: dict[str, str] = field(default_factory=dict)  # question id -> reason, cleaned
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)

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
        return None, FieldError(where, Message.of("answers.expected_string", got=_type_name(value)))
    if not _encodable(value):
        return None, FieldError(where, Message.of("answers.lone_surrogate"))
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
            return None, FieldError(where, Message.of("answers.expected_one_of", allowed=", ".join(allowed), got=_type_name(value)))
        return None, FieldError(where, _unknown_value(value, allowed))
    if value == UNSURE and question.unsure:
        return value, None
    if not isinstance(value, list):
        hint = Message.of("hint.use_a_list", value=shown(value)) if isinstance(value, str) else ""
        return None, FieldError(where, Message.of("answers.expected_list", allowed=", ".join(question.values), got=_type_name(value), hint=hint))
    if not value:
        return None, FieldError(where, Message.of("answers.empty_list"))
    index = question.option_index
    for item in value:
        if item.__class__ is not str:
            return None, FieldError(where, Message.of("answers.expected_strings", got=_type_name(item)))
        if item not in index:
            return None, FieldError(where, _unknown_value(item, question.values))
    chosen = set(value)
    if len(chosen) != len(value):
        return None, FieldError(where, Message.of("answers.listed_twice"))
    if len(value) > 1 and not question.exclusive_values.isdisjoint(chosen):
        exclusive = next(v for v in value if v in question.exclusive_values)
        return None, FieldError(where, Message.of("answers.not_combinable", value=repr(exclusive)))
    if len(value) == 1:
        return list(value), None
    return [v for v in question.values if v in chosen], None


def _unknown_value(value: str, allowed: tuple[str, ...]) -> Message:
    return Message.of("answers.unknown_value", value=repr(value), hint=did_you_mean(value, allowed), allowed=", ".join(allowed))


JSON_TYPES = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null", int: "number", float: "number"}


def _type_name(value: Any) -> Message | str:
    """What a JSON value is, in words ("a list"); another Python value (from a caller, not a file) by its
    type's name."""
    kind = JSON_TYPES.get(type(value)) or ("number" if isinstance(value, (int, float)) else None)
    return Message.of(f"type.{kind}") if kind else type(value).__name__


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def contradictions(ruleset: Ruleset, answers: dict[str, Any]) -> list[FieldError]:
    """Answers that contradict each other (the ruleset's constraints), each naming the fields involved."""
    m = ruleset.messages
    return [
        FieldError(m("list.and").join(f"answers.{name}" for name in constraint.fields), constraint.message)
        for constraint in ruleset.constraints
        if constraint.when.evaluate(answers)
    ]


def _texts(raw: Any, name: str, not_object: Callable[[Message | str], Message], known: Collection[str],
           unknown: Callable[[Message | str], Message], multiline: Container[str], errors: list[FieldError]) -> dict[str, str]:
    """An optional object of free texts (`case`, `justifications`): keys from `known` (else the message
    `unknown` makes from a "did you mean"), each a string or null; blank ones left out, the `multiline` ones
    keeping their newlines. `not_object` makes the message for a value that is not an object, from its type."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(FieldError(name, not_object(_type_name(raw))))
        return {}
    found = {}
    for key, value in raw.items():
        where = f"{name}.{shown(key)}"
        if key not in known:
            errors.append(FieldError(where, unknown(did_you_mean(key, known))))
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
        checked.errors.append(FieldError("(document)", Message.of("answers.not_a_document", got=_type_name(document))))
        return checked
    for key in document:
        if key not in TOP_LEVEL_KEYS and not key.startswith(METADATA_PREFIX):
            checked.warnings.append(Message.of("answers.unknown_top_level_key", key=repr(key), hint=did_you_mean(key, TOP_LEVEL_KEYS)))
    checked.product, error = _user_text(document.get("product"), "product")
    if error:
        checked.errors.append(error)
    keys = ", ".join(CASE_KEYS)
    checked.case = _texts(document.get("case"), "case", lambda got: Message.of("answers.case_not_object", keys=keys, got=got),
                          CASE_KEYS, lambda hint: Message.of("answers.unknown_case_key", hint=hint, keys=keys),
                          MULTILINE_CASE_KEYS, checked.errors)
    checked.justifications = _texts(document.get("justifications"), "justifications",
                                    lambda got: Message.of("answers.justifications_not_object", got=got), ruleset.by_id,
                                    lambda hint: Message.of("answers.unknown_question", hint=hint),
                                    ruleset.by_id, checked.errors)  # reasons: paragraphs
    raw = document.get("answers")
    if raw is None:
        raw = {}
        if require_complete:
            checked.errors.append(FieldError("answers", Message.of("answers.answers_missing")))
            return checked
    if not isinstance(raw, dict):
        checked.errors.append(FieldError("answers", Message.of("answers.answers_not_object", got=_type_name(raw))))
        return checked
    values: dict[str, Any] = {}
    for qid, value in raw.items():
        where = f"answers.{shown(qid)}"
        question = ruleset.by_id.get(qid)
        if question is None:
            checked.errors.append(FieldError(where, Message.of("answers.unknown_question", hint=did_you_mean(qid, ruleset.by_id))))
            continue
        if value is None:  # not answered
            continue
        canonical, error = _check_value(question, value, where)
        if error:
            checked.errors.append(error)
        else:
            values[qid] = canonical
    checked.answers = AnswerSet((q.id, values[q.id]) for q in ruleset.questions if q.id in values)  # frozen, canonical
    if not checked.errors:
        checked.errors.extend(contradictions(ruleset, checked.answers))
    if require_complete and not checked.errors:
        missing = missing_answers(ruleset, checked.answers)
        if missing:
            m = ruleset.messages  # the prompts are in the ruleset's language: the list is worded in it too
            listing = m("list.semicolon").join(f"{qid} ({ruleset.question(qid).prompt})" for qid in missing)
            checked.errors.append(FieldError("answers", Message.of("answers.missing_required", answers=listing)))
    return checked
