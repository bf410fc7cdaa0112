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

from atmp_cli.answers import CASE_KEYS
from atmp_cli.bank import Question, Ruleset

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def question_schema(question: Question) -> dict[str, Any]:
    """One answer: a value of the question (or null), or for a multi-select a list of them (or null)."""
    asked_when = question.when_text or (question.when.source if question.when else "always")
    described: dict[str, Any] = {"title": question.prompt, "description": f"Asked when: {asked_when}."}
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
        schema["description"] += f" {', '.join(alone)} cannot be combined with other values."
        schema["if"] = {"type": "array", "contains": {"enum": alone}}
        schema["then"] = {"maxItems": 1}
    if question.unsure:  # 'unsure' stands for the whole answer, not for one of the values
        schema["description"] += " Or the string 'unsure'."
        schema["type"] = ["array", "null", "string"]
        schema["allOf"] = [{"if": {"type": "string"}, "then": {"const": "unsure"}}]
    return schema


def answers_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The schema of an answers file for `ruleset`, questions in the order they are asked."""
    return {
        "$schema": DRAFT,
        "title": f"atmp answers file (ruleset {ruleset.id} {ruleset.version})",
        "description": (
            "One product's answers to the question bank. Questions that are not asked given the other answers "
            "need no answer; null means not answered. Start from 'atmp template'; 'atmp questions' lists when "
            "each question is asked. Other top-level keys are ignored (atmp warns about them unless they start with '$'). "
            "Answers that contradict each other (e.g. genetic_modification ticked with no recombinant nucleic acid) "
            "are errors atmp reports; this schema checks each answer on its own."
        ),
        "type": "object",
        "required": ["answers"],
        "properties": {
            "product": {"type": ["string", "null"], "description": "Product name, free text (optional)."},
            "answers": {
                "type": "object",
                "description": "Question id to answer.",
                "properties": {q.id: question_schema(q) for q in ruleset.questions},
                "additionalProperties": False,
            },
            "case": {
                "type": ["object", "null"],
                "description": "About the request, for the draft CAT request (--format cat-request): free text, null or blank for not given.",
                "properties": {key: {"type": ["string", "null"]} for key in CASE_KEYS},
                "additionalProperties": False,
            },
            "justifications": {
                "type": ["object", "null"],
                "description": "Question id to the reason for its answer, shown in the draft CAT request.",
                "propertyNames": {"enum": [q.id for q in ruleset.questions]},
                "additionalProperties": {"type": ["string", "null"]},
            },
        },
    }
