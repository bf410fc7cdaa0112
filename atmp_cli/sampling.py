"""Random valid answers documents, walking the bank as the wizard would: for tests and the benchmark."""

from __future__ import annotations

import random
from typing import Any

from atmp_cli.answers import check_document
from atmp_cli.bank import UNSURE, Question, Ruleset
from atmp_cli.applicability import is_asked


def random_value(question: Question, rng: random.Random) -> Any:
    """Any allowed answer: one value, or a non-empty subset of a multi-select that respects exclusive options
    (or 'unsure', where the bank allows it)."""
    if question.kind == "single":
        return rng.choice(question.allowed)
    if question.unsure and rng.random() < 0.1:
        return UNSURE
    options = question.options
    exclusive = [o.value for o in options if o.exclusive]
    if exclusive and rng.random() < 0.2:
        return [rng.choice(exclusive)]
    plain = [o.value for o in options if not o.exclusive]
    chosen = set(rng.sample(plain, rng.randint(1, min(3, len(plain)))))
    return [value for value in question.values if value in chosen]


def random_document(ruleset: Ruleset, rng: random.Random, *, product: str | None = None) -> dict[str, Any]:
    """A complete, valid answers document down a random path of the tree."""
    while True:
        answers: dict[str, Any] = {}
        for question in ruleset.questions:
            if is_asked(ruleset, question, answers) and (question.required or rng.random() < 0.7):
                answers[question.id] = random_value(question, rng)  # optional questions are sometimes left out
        document = {"product": product or f"product {rng.randrange(10**6)}", "answers": answers}
        if check_document(ruleset, document).ok:
            return document
