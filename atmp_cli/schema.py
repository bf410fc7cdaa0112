"""The answers file as a JSON Schema (draft 2020-12), generated from the question bank: `atmp schema`.

For editors and other tools that check a file before atmp sees it. It says what answers.check_document
says about a file's shape: the question ids (an unknown one is an error), each question's allowed values
(`unsure` where the bank allows it), multi-selects as non-empty lists without repeats, exclusive options
alone, null for not answered, an optional product name, and the optional `case` and `justifications` of
the draft CAT request. Other top-level keys are accepted, as atmp accepts them (ignored, with a warning
unless they start with '$'). What a schema
cannot say is left to atmp: which questions must be answered depends on the other answers (`atmp questions`
shows when each is asked). A test checks that the schema and the loader accept the same documents.
"""

from __future__ import annotations

from typing import Any

from atmp_cli import wording
from atmp_cli.answers import CASE_KEYS
from atmp_cli.bank import Question, Ruleset

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def question_schema(ruleset: Ruleset, question: Question) -> dict[str, Any]:
    """One answer: a value of the question (or null), or for a multi-select a list of them (or null). Its
    description is sentences in the ruleset's language."""
    m = ruleset.messages
    sentences = [m("schema.asked_when", condition=wording.of(ruleset).asked_when(question.id))]
    described: dict[str, Any] = {"title": question.prompt, "description": sentences[0]}
    if question.kind == "single":
        return {**described, "enum": [*question.allowed, None]}
    schema: dict[str, Any] = {
        **described,
        "type": ["array", "null"],
        "items": {"enum": list(question.values)},
        "minItems": 1,
        "uniqueItems": True,
    }
    alone = [option.value for option in question.options if option.exclusive]
    if alone:
        sentences.append(m("schema.alone", values=", ".join(alone)))
        schema["if"] = {"type": "array", "contains": {"enum": alone}}
        schema["then"] = {"maxItems": 1}
    if question.unsure:  # 'unsure' stands for the whole answer, not for one of the values
        sentences.append(m("schema.or_unsure"))
        schema["type"] = ["array", "null", "string"]
        schema["allOf"] = [{"if": {"type": "string"}, "then": {"const": "unsure"}}]
    schema["description"] = " ".join(sentences)
    return schema


def answers_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The schema of an answers file for `ruleset`, questions in the order they are asked; its titles and
    descriptions in the ruleset's language."""
    m = ruleset.messages
    return {
        "$schema": DRAFT,
        "title": m("schema.title", ruleset=ruleset.id, version=ruleset.version),
        "description": m("schema.description"),
        "type": "object",
        "required": ["answers"],
        "properties": {
            "product": {"type": ["string", "null"], "description": m("schema.product")},
            "answers": {
                "type": "object",
                "description": m("schema.answers"),
                "properties": {q.id: question_schema(ruleset, q) for q in ruleset.questions},
                "additionalProperties": False,
            },
            "case": {
                "type": ["object", "null"],
                "description": m("schema.case"),
                "properties": {key: {"type": ["string", "null"]} for key in CASE_KEYS},
                "additionalProperties": False,
            },
            "justifications": {
                "type": ["object", "null"],
                "description": m("schema.justifications"),
                "propertyNames": {"enum": [q.id for q in ruleset.questions]},
                "additionalProperties": {"type": ["string", "null"]},
            },
        },
    }
