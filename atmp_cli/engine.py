"""The rules engine: answers in, classification with its reasoning out. Pure: no I/O, no printing.

Two ideas carry it:

* Which questions apply is itself decided by the bank's conditions, in bank order, so the wizard, the
  answers-file check and the classification agree on what was asked (`applicable_answers`).
* "unsure" is not a third truth value. Every combination of concrete answers for the unsure questions is
  evaluated; if all agree the class stands, otherwise the result is `undetermined` with one branch per
  combination of the unsure answers that matter.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from atmp_cli import __version__
from atmp_cli.bank import UNSURE, Question, Ruleset
from atmp_cli.result import (
    SCHEMA_VERSION,
    answers_sha256,
    Branch,
    Check,
    Classification,
    NoteOut,
    Result,
    Step,
    TestOutcome,
)

NOT_ATMP = "not-ATMP"
UNDETERMINED = "undetermined"
UNSURE_FINDING = "Answered unsure: the classification was evaluated with every possible answer."

Answers = Mapping[str, Any]


# ---------------------------------------------------------------------------------------------- applicability


def _resolutions(ruleset: Ruleset, answers: Answers, only: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every way of replacing 'unsure' answers (optionally only those in `only`) by concrete values."""
    unsure = [qid for qid, value in answers.items() if value == UNSURE and (only is None or qid in only)]
    if not unsure:
        return [dict(answers)]
    choices = [ruleset.question(qid).values for qid in unsure]
    return [{**answers, **dict(zip(unsure, combo))} for combo in itertools.product(*choices)]


def evaluate(ruleset: Ruleset, answers: Answers) -> dict[str, Any]:
    """Values of every question and derived rule for concrete answers (no 'unsure' left)."""
    return ruleset.walker(answers).env


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
        return any(condition.evaluate(resolved) for resolved in _resolutions(ruleset, answers_so_far, only=read))
    return any(condition.evaluate(ruleset.walker(resolved).env) for resolved in _resolutions(ruleset, answers_so_far))


@dataclass(frozen=True)
class Applicability:
    """Answers split by whether the bank asks for them."""

    effective: dict[str, Any]  # answers to questions that apply, in bank order
    ignored: tuple[str, ...]  # answered, but not asked given the other answers
    missing: tuple[str, ...]  # asked, but not answered


def applicable_answers(ruleset: Ruleset, answers: Answers) -> Applicability:
    """Walk the bank in order, keeping answers to questions that apply given the answers kept so far."""
    if UNSURE not in answers.values():
        walk = ruleset.walker(answers)
        return Applicability(walk.effective, tuple(walk.ignored), tuple(walk.missing))
    effective: dict[str, Any] = {}
    ignored: list[str] = []
    missing: list[str] = []
    for question in ruleset.questions:
        asked = is_asked(ruleset, question, effective)
        if question.id in answers and answers[question.id] is not None:
            if asked:
                effective[question.id] = answers[question.id]
            else:
                ignored.append(question.id)
        elif asked:
            missing.append(question.id)
    return Applicability(effective, tuple(ignored), tuple(missing))


# ---------------------------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class _Outcome:
    code: str
    combined: bool


def _outcome(ruleset: Ruleset, env: Mapping[str, Any]) -> _Outcome:
    for definition in ruleset.definitions:
        if env[definition.id]:
            return _Outcome(definition.code, bool(env.get("combined")))
    return _Outcome(NOT_ATMP, False)


def _label(ruleset: Ruleset, outcome: _Outcome) -> str:
    label = ruleset.labels[outcome.code]
    return f"{ruleset.labels['combined_prefix']}: {label}" if outcome.combined else label


def _destination(ruleset: Ruleset, env: Mapping[str, Any]):
    return next((d for d in ruleset.destinations if d.when.evaluate(env)), None)


def _reason(ruleset: Ruleset, outcome: _Outcome, env: Mapping[str, Any]) -> str:
    if outcome.code == NOT_ATMP:
        destination = _destination(ruleset, env)
        return destination.reason if destination else "None of the ATMP definitions is met."
    reason = ruleset.definition_by_code(outcome.code).reason
    if outcome.combined:
        reason += " " + ruleset.rules["combined"].met
    return reason


def _agreement(values: list[bool]) -> bool | None:
    """True or False when every resolution agrees, None when it depends on the unsure answers."""
    return values[0] if all(v == values[0] for v in values) else None


def _hashable(answer: Any) -> Any:
    return tuple(answer) if isinstance(answer, list) else answer


@lru_cache(maxsize=4096)
def _step(ruleset: Ruleset, qid: str, answer: Any) -> Step:
    """The path entry for one answer; cached, since the same answers recur across a batch."""
    question = ruleset.question(qid)
    if answer == UNSURE:
        return Step(qid, question.section, answer, UNSURE_FINDING, question.definitions)
    chosen = [question.option(v) for v in (answer if question.kind == "multi" else [answer])]
    finding = " ".join(option.finding for option in chosen)
    citations = tuple(_unique(c for option in chosen for c in option.citations))
    return Step(qid, question.section, answer, finding, citations)  # multi-select answers stay tuples: shared


def _path(ruleset: Ruleset, effective: Mapping[str, Any]) -> list[Step]:
    return [_step(ruleset, qid, _hashable(answer)) for qid, answer in effective.items()]


@lru_cache(maxsize=1024)
def _checks_for(ruleset: Ruleset, rule_values: tuple[tuple[bool, ...], ...]) -> tuple[Check, ...]:
    """Checks of every definition from the rule values of each resolution (in ruleset.order)."""
    position = {name: i for i, name in enumerate(ruleset.order)}
    checks = []
    for definition in ruleset.definitions:
        tests = []
        for test in definition.tests:
            rule = ruleset.rules[test]
            holds = _agreement([values[position[test]] for values in rule_values])
            finding = rule.met if holds else rule.failed if holds is False else f"Depends on the unsure answers: {rule.met[0].lower()}{rule.met[1:]}"
            tests.append(TestOutcome(test, holds, finding, rule.citations))
        holds = _agreement([values[position[definition.id]] for values in rule_values])
        checks.append(Check(definition.code, holds, tuple(tests), definition.citations))
    return tuple(checks)


def _checks(ruleset: Ruleset, envs: list[dict[str, Any]]) -> tuple[Check, ...]:
    return _checks_for(ruleset, tuple(tuple(bool(env[name]) for name in ruleset.order) for env in envs))


def _notes(ruleset: Ruleset, envs: list[dict[str, Any]], undetermined: bool, country: str | None) -> list[NoteOut]:
    """Notes whose condition holds in every resolution, then the national ones for `country`."""
    status = [bool(env["atmp"]) for env in envs]
    builtins = {"undetermined": undetermined, "atmp_in_doubt": any(status) and not all(status)}
    sources = [(None, ruleset.notes)]
    if country:
        sources.append((country, ruleset.national.get(country, ())))
    notes = []
    for origin, candidates in sources:
        for note in candidates:
            if all(note.when.evaluate({**env, **builtins}) for env in envs):
                notes.append(NoteOut(note.id, note.text, note.citations, origin))
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
            for value in ruleset.question(qid).values:
                other = combo[:i] + (value,) + combo[i + 1:]
                if other in by_combo and by_combo[other][0] != outcome:
                    relevant.append(qid)
                    break
            else:
                continue
            break
    branches = []
    for combo, (outcome, env) in by_combo.items():
        if any(combo[i] != ruleset.question(q).values[0] for i, q in enumerate(unsure) if q not in relevant):
            continue
        assume = {q: combo[i] for i, q in enumerate(unsure) if q in relevant}
        branches.append(Branch(assume, outcome.code, outcome.combined, _label(ruleset, outcome), _reason(ruleset, outcome, env)))
    return branches


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def classify(
    ruleset: Ruleset,
    answers: Answers,
    *,
    product: str | None = None,
    country: str | None = None,
    warnings: Iterable[str] = (),
) -> Result:
    """Classify validated answers. Unanswered questions count as 'not the case'; validate first.

    The classification is a pure function of the answers and the country, so it is memoised: batches
    repeat the same answer patterns (every CAR-T of a portfolio answers alike), and only the product name
    and the caller's warnings differ from one record to the next.
    """
    return _classify_answers(ruleset, _key(answers), country).for_record(product, tuple(warnings))


def _key(answers: Answers) -> tuple[tuple[str, Any], ...]:
    """Answers as a hashable key for the memoised functions below."""
    return tuple((qid, tuple(value) if isinstance(value, list) else value) for qid, value in answers.items())


def _from_key(key: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {qid: list(value) if isinstance(value, tuple) else value for qid, value in key}


def missing_answers(ruleset: Ruleset, answers: Answers) -> tuple[str, ...]:
    """The questions asked given `answers` that they leave unanswered (memoised, for batch checks)."""
    return _missing(ruleset, _key(answers))


@lru_cache(maxsize=4096)
def _missing(ruleset: Ruleset, key: tuple[tuple[str, Any], ...]) -> tuple[str, ...]:
    return applicable_answers(ruleset, _from_key(key)).missing


@lru_cache(maxsize=4096)
def _classify_answers(ruleset: Ruleset, key: tuple[tuple[str, Any], ...], country: str | None) -> Result:
    applicability = applicable_answers(ruleset, _from_key(key))
    effective = applicability.effective
    resolved = []
    if UNSURE not in effective.values():
        env = evaluate(ruleset, effective)
        resolved.append((effective, _outcome(ruleset, env), env))
    for answers_set in _resolutions(ruleset, effective) if not resolved else ():
        env = ruleset.walker(answers_set).env  # applicability recomputed for this resolution
        resolved.append((answers_set, _outcome(ruleset, env), env))
    outcomes = {outcome for _, outcome, _ in resolved}
    envs = [env for _, _, env in resolved]
    if len(outcomes) == 1:
        outcome = resolved[0][1]
        classification = Classification(outcome.code, outcome.combined, _label(ruleset, outcome), _reason(ruleset, outcome, resolved[0][2]))
        branches: list[Branch] = []
    else:
        branches = _branches(ruleset, effective, resolved)
        matters = _unique(q for branch in branches for q in branch.assume)
        classification = Classification(
            UNDETERMINED,
            False,
            ruleset.labels[UNDETERMINED],
            "The outcome depends on the answers marked unsure to " + ", ".join(matters) + "; see the branches.",
        )
    undetermined = classification.code == UNDETERMINED
    belongs = []
    if classification.code == NOT_ATMP:
        belongs = _unique(d.belongs for d in (_destination(ruleset, env) for env in envs) if d)
        destination_citations = _unique(c for env in envs for d in [_destination(ruleset, env)] if d for c in d.citations)
    else:
        destination_citations = []
    path = _path(ruleset, effective)
    checks = _checks(ruleset, envs)
    notes = _notes(ruleset, envs, undetermined, country)
    all_warnings = [
        f"answer to {qid!r} ignored: it is asked only when {ruleset.question(qid).asked_when}"
        for qid in applicability.ignored
    ]
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
        product=None,
        classification=classification,
        path=tuple(path),
        checks=tuple(checks),
        branches=tuple(branches),
        belongs=tuple(belongs),
        notes=tuple(notes),
        warnings=tuple(all_warnings),
        answers=dict(effective),
        citation_ids=tuple(citation_ids),
        country=country,
        answers_digest=answers_sha256(effective),
    )
