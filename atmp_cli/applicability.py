"""Which questions apply to given answers: the part of the rules that the answers file's check needs too.

It sits below the engine (the input contract, `answers.py`, uses it to tell a complete answers file from an
incomplete one without importing the engine), and it is decided by the bank's own conditions, in bank order,
so the wizard, the answers-file check and the classification agree on what was asked. With answers marked
"unsure", a question is asked when it applies under at least one resolution of them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

from atmp_cli.answer_set import AnswerSet
from atmp_cli.bank import UNSURE, Question, Ruleset

Answers = Mapping[str, Any]


def resolutions(ruleset: Ruleset, answers: Answers, only: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every way of replacing 'unsure' answers (optionally only those in `only`) by concrete values."""
    unsure = [qid for qid, value in answers.items() if value == UNSURE and (only is None or qid in only)]
    if not unsure:
        return [dict(answers)]
    choices = [concrete(ruleset.question(qid)) for qid in unsure]
    return [{**answers, **dict(zip(unsure, combo))} for combo in itertools.product(*choices)]


def concrete(question: Question) -> tuple[Any, ...]:
    """The answers 'unsure' stands for: each value, or for a multi-select each option on its own."""
    if question.kind == "multi":
        return tuple((value,) for value in question.values if value not in question.exclusive_values)
    return question.values


def is_asked(ruleset: Ruleset, question: Question, answers_so_far: Answers) -> bool:
    """Whether the bank asks `question` given the answers to the questions before it.

    With unsure answers among them, the question is asked if it applies under at least one resolution,
    so that no branch is left without the answer it needs.
    """
    condition = question.when
    if condition is None:
        return True
    unsure = [qid for qid, value in answers_so_far.items() if value == UNSURE]
    if not unsure:
        return condition.evaluate(ruleset.walker(answers_so_far).env if condition.reads_rules else answers_so_far)
    if not condition.reads_rules:
        read = [qid for qid in unsure if qid in condition.reads]
        return any(condition.evaluate(resolved) for resolved in resolutions(ruleset, answers_so_far, only=read))
    return any(condition.evaluate(ruleset.walker(resolved).env) for resolved in resolutions(ruleset, answers_so_far))


@dataclass(frozen=True)
class Applicability:
    """Answers split by whether the bank asks for them."""

    effective: dict[str, Any]  # answers to questions that apply, in bank order
    ignored: tuple[str, ...]  # answered, but not asked given the other answers
    missing: tuple[str, ...]  # asked and required, but not answered
    optional: tuple[str, ...] = ()  # asked but not required, and not answered

    @property
    def unanswered(self) -> tuple[str, ...]:
        """Every question that applies and has no answer yet, required or not (what the wizard still asks)."""
        return tuple(sorted(self.missing + self.optional, key=self._order.get)) if self.optional else self.missing

    _order: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


def applicable_answers(ruleset: Ruleset, answers: Answers) -> Applicability:
    """Walk the bank in order, keeping answers to questions that apply given the answers kept so far."""
    order = ruleset.question_order
    if UNSURE not in answers.values():
        walk = ruleset.walker(answers)
        return Applicability(walk.effective, tuple(walk.ignored), tuple(walk.missing), tuple(walk.optional), order)
    effective: dict[str, Any] = {}
    ignored: list[str] = []
    missing: list[str] = []
    optional: list[str] = []
    for question in ruleset.questions:
        asked = is_asked(ruleset, question, effective)
        if question.id in answers and answers[question.id] is not None:
            if asked:
                effective[question.id] = answers[question.id]
            else:
                ignored.append(question.id)
        elif asked and question.required and (question.required_when is None or question.required_when.evaluate(effective)):
            missing.append(question.id)
        elif asked:
            optional.append(question.id)
    return Applicability(effective, tuple(ignored), tuple(missing), tuple(optional), order)


def missing_answers(ruleset: Ruleset, answers: Answers) -> tuple[str, ...]:
    """The questions asked given `answers` that they leave unanswered (memoised, for batch checks)."""
    return _missing(ruleset, AnswerSet.of(answers))


@lru_cache(maxsize=4096)
def _missing(ruleset: Ruleset, answers: AnswerSet) -> tuple[str, ...]:
    return applicable_answers(ruleset, answers).missing
