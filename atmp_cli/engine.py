"""The rules engine: answers in, classification with its reasoning out. Pure: no I/O, no printing.

Two ideas carry it:

* Which questions apply is itself decided by the bank's conditions, in bank order, so the wizard, the
  answers-file check and the classification agree on what was asked (`applicability.applicable_answers`).
* "unsure" is not a third truth value. Every combination of concrete answers for the unsure questions is
  evaluated; if all agree the class stands, otherwise the result is `undetermined` with one branch per
  combination of the unsure answers that matter.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from functools import lru_cache
from typing import Any, Iterable, Mapping

from atmp_cli import __version__, precedents
from atmp_cli.answer_set import AnswerSet
from atmp_cli.applicability import applicable_answers, concrete, resolutions
from atmp_cli.bank import NOT_ATMP, UNDETERMINED, UNSURE, Question, Ruleset
from atmp_cli.compiler import Outcome as _Outcome
from atmp_cli.messages import Message
from atmp_cli.result import (
    SCHEMA_VERSION,
    canonical_answers_json,
    Branch,
    Check,
    Classification,
    Decisive,
    NoteOut,
    PrecedentMatch,
    Result,
    Step,
    TestOutcome,
)

Answers = Mapping[str, Any]


# ---------------------------------------------------------------------------------------------- classification


def _outcome(ruleset: Ruleset, env: Mapping[str, Any]) -> _Outcome:
    for definition in ruleset.definitions:
        if env[definition.id]:
            return _Outcome(definition.code, bool(env.get("combined")))
    destination = _destination(ruleset, env)
    if destination is not None and destination.open:  # these answers cannot settle it: ask the CAT
        return _Outcome(UNDETERMINED, False)
    return _Outcome(NOT_ATMP, False)


def _destination(ruleset: Ruleset, env: Mapping[str, Any]):
    return next((d for d in ruleset.destinations if d.when.evaluate(env)), None)


def _destination_id(ruleset: Ruleset, outcome: _Outcome, env: Mapping[str, Any]) -> str | None:
    """The destination that words the reason of an outcome that is not an ATMP class (None for a class)."""
    if outcome.code not in (NOT_ATMP, UNDETERMINED):
        return None
    destination = _destination(ruleset, env)
    return destination.id if destination else None


def _agreement(values: list[bool]) -> bool | None:
    """True or False when every resolution agrees, None when it depends on the unsure answers."""
    return values[0] if all(v == values[0] for v in values) else None


@lru_cache(maxsize=4096)
def _step(ruleset: Ruleset, qid: str, answer: Any) -> Step:
    """The path entry for one answer; cached, since the same answers recur across a batch."""
    question = ruleset.question(qid)
    if answer == UNSURE:
        return Step(qid, question.section, answer, question.definitions)
    chosen = [question.option(v) for v in (answer if question.kind == "multi" else [answer])]
    citations = tuple(_unique(c for option in chosen for c in option.citations))
    return Step(qid, question.section, answer, citations)


def _path(ruleset: Ruleset, effective: AnswerSet) -> list[Step]:
    return [_step(ruleset, qid, answer) for qid, answer in effective.items()]


@lru_cache(maxsize=1024)
def _checks_for(ruleset: Ruleset, rule_values: tuple[tuple[bool, ...], ...], inapplicable: frozenset[str]) -> tuple[Check, ...]:
    """Checks of every definition from the rule values of each resolution (in ruleset.order).

    A test in `inapplicable` cannot apply to this product under any resolution (e.g. whether non-viable
    cells act pharmacologically, for a product without cells): it is reported as not applicable rather
    than as a sentence that would be false of the product.
    """
    position = {name: i for i, name in enumerate(ruleset.order)}
    checks = []
    for definition in ruleset.definitions:
        tests = []
        for test in definition.tests:
            rule = ruleset.rules[test]
            holds = _agreement([values[position[test]] for values in rule_values])
            if test in inapplicable:
                tests.append(TestOutcome(test, holds, (), applicable=False))
            else:
                tests.append(TestOutcome(test, holds, rule.citations))
        holds = _agreement([values[position[definition.id]] for values in rule_values])
        checks.append(Check(definition.code, holds, tuple(tests), definition.citations))
    return tuple(checks)


def _checks(ruleset: Ruleset, envs: list[dict[str, Any]]) -> tuple[Check, ...]:
    inapplicable = frozenset(
        rid for rid, rule in ruleset.rules.items() if rule.applies is not None and not any(rule.applies.evaluate(env) for env in envs)
    )
    return _checks_for(ruleset, tuple(tuple(bool(env[name]) for name in ruleset.order) for env in envs), inapplicable)


def _notes(ruleset: Ruleset, envs: list[dict[str, Any]], undetermined: bool, borderline: bool, country: str | None) -> list[NoteOut]:
    """Notes whose condition holds in every resolution, then the national ones for `country`."""
    status = [bool(env["atmp"]) for env in envs]
    other_regime = [not env["atmp"] and (d := _destination(ruleset, env)) is not None and d.regime == "other" for env in envs]
    builtins = {
        "undetermined": undetermined,
        "borderline": borderline,
        "atmp_in_doubt": any(status) and not all(status),
        "atmp_or_other_regime": any(status) and any(other_regime),
    }
    sources = [(None, ruleset.notes)]
    if country:
        sources.append((country, ruleset.national.get(country, ())))
    notes = []
    for origin, candidates in sources:
        for note in candidates:
            if all(note.when.evaluate({**env, **builtins}) for env in envs):
                notes.append(NoteOut(note.id, note.citations, origin))
    return notes


def _branches(ruleset: Ruleset, effective: Mapping[str, Any], resolved: list[tuple[dict[str, Any], _Outcome, dict]]) -> list[Branch]:
    """One branch per combination of the unsure answers that change the outcome.

    An unsure answer matters if flipping it alone changes the outcome somewhere; the others are held at
    their first value (on a grid, outcomes that no single flip changes do not depend on those answers).
    """
    unsure = [qid for qid, value in effective.items() if value == UNSURE]
    by_combo = {tuple(answers[q] for q in unsure): (outcome, env) for answers, outcome, env in resolved}
    relevant = []
    for i, qid in enumerate(unsure):
        for combo, (outcome, _) in by_combo.items():
            for value in concrete(ruleset.question(qid)):
                other = combo[:i] + (value,) + combo[i + 1:]
                if other in by_combo and by_combo[other][0] != outcome:
                    relevant.append(qid)
                    break
            else:
                continue
            break
    branches = []
    for combo, (outcome, env) in by_combo.items():
        if any(combo[i] != concrete(ruleset.question(q))[0] for i, q in enumerate(unsure) if q not in relevant):
            continue
        assume = {q: combo[i] for i, q in enumerate(unsure) if q in relevant}
        branches.append(Branch(assume, outcome.code, outcome.combined, _destination_id(ruleset, outcome, env)))
    return branches


# ---------------------------------------------------------------------------------------------- decisive answers


def outcome_of(ruleset: Ruleset, answers: Answers) -> tuple[str, bool] | None:
    """The outcome alone, (class code, combined), resolving 'unsure' answers as `classify` does; None when the
    answers leave a required question unanswered. The cheap evaluation decisive answers repeat many times."""
    outcome = _outcome_for(ruleset, AnswerSet.of(answers))
    return None if outcome is None else (outcome.code, outcome.combined)


@lru_cache(maxsize=1 << 16)
def _outcome_for(ruleset: Ruleset, answers: AnswerSet) -> _Outcome | None:
    """Memoised by canonical answers: neighbouring records of a batch share most of their alternatives."""
    if UNSURE not in answers.values():
        return ruleset.outcome(answers)
    # A question asked under some resolution of the unsure answers must be answered, as applicable_answers
    # requires: so the answers are complete when no resolution misses a required answer.
    outcomes = set()
    for resolved in resolutions(ruleset, answers):
        outcome = ruleset.outcome(resolved)
        if outcome is None:
            return None
        outcomes.add(outcome)
    return outcomes.pop() if len(outcomes) == 1 else _Outcome(UNDETERMINED, False)


def _alternatives(question: Question, answer: Any, compared: frozenset[str]) -> Iterable[Any]:
    """Every single change of one answer that could matter: each other value of a single choice; for a
    multi-select, one option added or removed (an exclusive option replaces the others, and a list never
    becomes empty). A change between values that no condition of the bank compares with (`compared`) changes
    nothing, so it is not tried."""
    if question.kind == "single":
        yield from (value for value in question.values if value != answer and (value in compared or answer in compared))
        return
    chosen = tuple(answer)
    exclusive = not question.exclusive_values.isdisjoint(chosen)
    for option in question.options:
        if option.value in chosen:
            rest = tuple(v for v in chosen if v != option.value)
            if rest and (option.value in compared or option.exclusive):
                yield rest
        elif option.exclusive or exclusive:
            yield (option.value,)
        elif option.value in compared:
            yield chosen + (option.value,)  # put in bank order only if it turns out decisive


def decisive_answers(ruleset: Ruleset, effective: Mapping[str, Any], outcome: tuple[str, bool]) -> tuple[Decisive, ...]:
    """The single answer changes that change the outcome, in bank and option order.

    Only complete, consistent alternatives count (a change that makes a new required question apply, or
    that contradicts another answer, is left out), so applying any entry to the answers gives exactly the
    classification it states. Answers marked unsure
    are left to the branches.
    """
    found = []
    # Without unsure answers the compiled outcome function is cheaper than any cache in front of it.
    evaluate = ruleset.outcome if UNSURE not in effective.values() else lambda answers: _outcome_for(ruleset, AnswerSet(answers))
    changed = dict(effective)
    for qid, answer in effective.items():
        if answer == UNSURE:
            continue
        question = ruleset.question(qid)
        for alternative in _alternatives(question, answer, ruleset.compared.get(qid, frozenset())):
            changed[qid] = alternative
            if any(constraint.when.evaluate(changed) for constraint in ruleset.constraints):
                continue  # answers that contradict each other are no alternative
            other = evaluate(changed)
            if other is not None and (other.code, other.combined) != outcome:
                if question.kind == "multi":
                    alternative = tuple(v for v in question.values if v in alternative)
                found.append(Decisive(qid, alternative, other.code, other.combined, question.is_judgement(effective, alternative)))
        changed[qid] = answer
    return tuple(found)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def classify(
    ruleset: Ruleset,
    answers: Answers,
    *,
    product: str | None = None,
    country: str | None = None,
    warnings: Iterable[Any] = (),
    case: Mapping[str, str] | None = None,
    justifications: Mapping[str, str] | None = None,
    precedent_count: int = 3,
) -> Result:
    """Classify validated answers. Unanswered questions count as 'not the case'; validate first.

    The classification is a pure function of the answers and the country, so it is memoised: batches
    repeat the same answer patterns (every CAR-T of a portfolio answers alike), and only the record's own
    data (product name, case, justifications, the caller's warnings) differs from one record to the next.
    """
    shared = _classify_answers(ruleset, AnswerSet.of(answers), country, precedent_count)
    return shared.for_record(product, tuple(warnings), case, justifications)


@lru_cache(maxsize=4096)
def _classify_answers(ruleset: Ruleset, answers: AnswerSet, country: str | None, precedent_count: int = 3) -> Result:
    applicability = applicable_answers(ruleset, answers)
    effective = AnswerSet(applicability.effective)
    resolved = []
    if UNSURE not in effective.values():
        env = ruleset.walker(effective).env
        resolved.append((effective, _outcome(ruleset, env), env))
    for answers_set in resolutions(ruleset, effective) if not resolved else ():
        env = ruleset.walker(answers_set).env  # applicability recomputed for this resolution
        resolved.append((answers_set, _outcome(ruleset, env), env))
    outcomes = {outcome for _, outcome, _ in resolved}
    envs = [env for _, _, env in resolved]
    if len(outcomes) == 1:
        outcome = resolved[0][1]
        classification = Classification(outcome.code, outcome.combined, destination=_destination_id(ruleset, outcome, resolved[0][2]))
        branches: list[Branch] = []
    else:
        branches = _branches(ruleset, effective, resolved)
        matters = tuple(_unique(q for branch in branches for q in branch.assume))
        classification = Classification(UNDETERMINED, False, depends_on=matters)
    decisive = decisive_answers(ruleset, effective, (classification.code, classification.combined))
    corpus = precedents.load(ruleset)
    nearest = tuple(
        PrecedentMatch(m.id, corpus.by_id[m.id].code, corpus.by_id[m.id].combined, m.similarity)
        for m in corpus.nearest(ruleset, effective, precedent_count)
    )
    if classification.code != UNDETERMINED and any(d.judgement for d in decisive):
        classification = replace(classification, borderline=True)
    undetermined = classification.code == UNDETERMINED
    belongs = []
    if classification.code == NOT_ATMP or (classification.code == UNDETERMINED and not branches):
        reached = [d for d in (_destination(ruleset, env) for env in envs) if d]
        belongs = _unique(d.id for d in reached)
        destination_citations = _unique(c for d in reached for c in d.citations)
    else:
        destination_citations = []
    path = _path(ruleset, effective)
    answers_json = canonical_answers_json(effective)
    checks = _checks(ruleset, envs)
    notes = _notes(ruleset, envs, undetermined, classification.borderline, country)
    citation_ids = _unique(
        itertools.chain(
            (c for step in path for c in step.citations),
            (c for check in checks for c in check.citations),
            (c for check in checks for test in check.tests for c in test.citations),
            destination_citations,
            (c for note in notes for c in note.citations),
        )
    )
    return Result(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        ruleset=ruleset,
        classification=classification,
        path=tuple(path),
        checks=tuple(checks),
        branches=tuple(branches),
        decisive=decisive,
        precedents=nearest,
        belongs=tuple(belongs),
        notes=tuple(notes),
        answers=effective,
        citation_ids=tuple(citation_ids),
        country=country,
        answers_digest=hashlib.sha256(answers_json.encode("utf-8")).hexdigest(),
        answers_json=answers_json,
        notices=tuple(_ignored(ruleset, qid) for qid in applicability.ignored),
    )


def _ignored(ruleset: Ruleset, question_id: str) -> Message:
    """The warning for an answer to a question the other answers do not ask (it has a condition, then)."""
    question = ruleset.question(question_id)
    condition = question.when_text or (question.when.source if question.when else "")
    return Message.of("warning.answer_ignored", question=question_id, condition=condition)
