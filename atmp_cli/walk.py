"""The wizard's walk through the question bank, as pure functions: no I/O, no prompts.

The interactive layer (`atmp_cli.wizard`) only draws what this module decides. Keeping the decisions here
means they can be tested without a terminal, and that the wizard and an answers file cannot disagree:
which questions apply is decided by the engine's `applicable_answers`, the same function the
classification uses, so answers reached interactively or read from a file give the identical result.

The state is immutable; every move returns a new state:

* `answers`: answers to questions that apply, in bank order. Stale answers (to questions that no longer
  apply after an earlier answer changed) are dropped on every change, so they can never leak into a result.
* `history`: ids of the questions answered in this session, in the order answered (answers that came from
  a file or a saved session are not in it; the review marks them as such).
* `cursor`: a question the user went back to (or picked in the review). While it is set the walk steps
  forward through the following questions again, answered or not, showing each answer as the default.
  Without it, only unanswered questions are asked (resume, or an incomplete answers file).
* `case`: the case details (answers.CASE_KEYS, in that order), and `justifications`: the user's reason for
  an answer, by question id, in bank order. Both are the user's text, cleaned, blanks left out; they change
  no classification. A reason goes with its question: it is dropped when the question no longer applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Container, Mapping

from atmp_cli.bank import Question, Ruleset
from atmp_cli.answers import CASE_KEYS, MULTILINE_CASE_KEYS, clean_text, contradictions
from atmp_cli.applicability import applicable_answers, is_asked

Value = Any  # a str for single questions, a tuple of str for multi questions


@dataclass(frozen=True)
class WalkState:
    """Where a wizard session stands. Immutable: the moves below return new states."""

    answers: tuple[tuple[str, Value], ...] = ()
    history: tuple[str, ...] = ()
    cursor: str | None = None
    case: tuple[tuple[str, str], ...] = ()
    justifications: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The answers as an answers document expects them (multi-selects as lists), in bank order."""
        return {qid: list(value) if isinstance(value, tuple) else value for qid, value in self.answers}

    def get(self, qid: str) -> Value | None:
        return dict(self.answers).get(qid)

    def reason(self, qid: str) -> str | None:
        """The reason given for the answer to `qid`, if any."""
        return dict(self.justifications).get(qid)


@dataclass(frozen=True)
class Progress:
    """Position of the current question among those expected to be asked.

    `total` is an estimate: it assumes the safe default for questions not answered yet, and later answers
    can open or close branches, so the wizard shows it as "~total".
    """

    index: int
    total: int
    section: str


def _freeze(value: Any) -> Value:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _effective(ruleset: Ruleset, answers: Mapping[str, Any]) -> tuple[tuple[str, Value], ...]:
    """Only answers to questions that apply given the others, in bank order (the engine decides)."""
    plain = {qid: list(v) if isinstance(v, tuple) else v for qid, v in answers.items()}
    effective = applicable_answers(ruleset, plain).effective
    return tuple((qid, _freeze(value)) for qid, value in effective.items())


def _reasons_applying(ruleset: Ruleset, state: WalkState, reasons: Mapping[str, str]) -> WalkState:
    """`state` with those of `reasons` whose question applies (answered, or still to be asked), in bank order."""
    applying = set(dict(state.answers)) | set(missing(ruleset, state)) if reasons else set()
    return replace(state, justifications=tuple((q.id, reasons[q.id]) for q in ruleset.questions
                                               if q.id in reasons and q.id in applying))


def _cleaned(texts: Mapping[str, str | None], multiline: Container[str]) -> dict[str, str]:
    """User texts cleaned (answers.clean_text), the blank ones left out."""
    cleaned = {key: clean_text(text or "", keep_newlines=key in multiline) for key, text in texts.items()}
    return {key: text for key, text in cleaned.items() if text}


def start(ruleset: Ruleset, answers: Mapping[str, Any] | None = None, *, case: Mapping[str, str] | None = None,
          justifications: Mapping[str, str] | None = None) -> WalkState:
    """A fresh walk, or one resumed from partial answers (a saved session or an incomplete answers file),
    with the case and the reasons it came with.

    Answers that do not apply are dropped, and their reasons; the walk then continues with the first
    unanswered question. Validate the document first (answers.check_document with require_complete=False):
    the walk trusts ids and values.
    """
    state = WalkState(answers=_effective(ruleset, answers or {}))
    state = _reasons_applying(ruleset, state, _cleaned(justifications or {}, ruleset.by_id))  # reasons: paragraphs
    return with_case(state, case or {})


resume = start


def missing(ruleset: Ruleset, state: WalkState) -> tuple[str, ...]:
    """Questions that apply given the answers so far but have no answer yet, in bank order: the optional
    ones too (a file may leave them out, but the wizard asks them)."""
    return applicable_answers(ruleset, state.as_dict()).unanswered


def next_question(ruleset: Ruleset, state: WalkState) -> Question | None:
    """The question to show now: the one gone back to, else the first unanswered one; None when done."""
    gaps = missing(ruleset, state)
    if state.cursor is not None and (state.cursor in dict(state.answers) or state.cursor in gaps):
        return ruleset.question(state.cursor)
    return ruleset.question(gaps[0]) if gaps else None


def default_for(ruleset: Ruleset, state: WalkState, qid: str) -> Value | None:
    """What a question's prompt starts on: the stored answer when it is asked again, else the bank's safe
    default (the answer that assumes nothing risky); None: the first option, and nothing ticked."""
    stored = state.get(qid)
    return stored if stored is not None else ruleset.question(qid).safe_default


def is_complete(ruleset: Ruleset, state: WalkState) -> bool:
    return next_question(ruleset, state) is None


def answer(ruleset: Ruleset, state: WalkState, qid: str, value: Value) -> WalkState:
    """Record an answer, drop answers that no longer apply, and move on.

    If the user was revisiting (cursor set), the walk moves to the next applicable question after this one
    in bank order, answered or not, so a changed answer is followed by every question it may affect, each
    with its answer as the default; the revisit ends after the last question.
    """
    merged = {**dict(state.answers), qid: _freeze(value)}
    answers = _effective(ruleset, merged)
    kept = {q for q, _ in answers}
    history = tuple(h for h in state.history if h != qid and h in kept) + (qid,)
    new = _reasons_applying(ruleset, replace(state, answers=answers, history=history, cursor=None), dict(state.justifications))
    if state.cursor is None:
        return new
    return replace(new, cursor=_revisit_after(ruleset, new, qid))


def changes(state: WalkState, qid: str, value: Value) -> bool:
    """Whether recording `value` would change the answer to `qid` (a first answer is a change)."""
    return state.get(qid) != _freeze(value)


def justify(ruleset: Ruleset, state: WalkState, qid: str, reason: str | None) -> WalkState:
    """Record the reason for the answer to `qid` (cleaned: a paragraph keeps its newlines); a blank one removes it."""
    if qid not in ruleset.by_id:
        raise KeyError(qid)
    kept = _cleaned({**dict(state.justifications), qid: reason}, ruleset.by_id)
    return replace(state, justifications=tuple((q.id, kept[q.id]) for q in ruleset.questions if q.id in kept))


def with_case(state: WalkState, case: Mapping[str, str | None]) -> WalkState:
    """The case details replaced by `case` (keys of answers.CASE_KEYS), cleaned, blanks left out."""
    unknown = set(case) - set(CASE_KEYS)
    if unknown:
        raise KeyError(sorted(unknown)[0])
    kept = _cleaned(case, MULTILINE_CASE_KEYS)
    return replace(state, case=tuple((key, kept[key]) for key in CASE_KEYS if key in kept))


def conflicts(ruleset: Ruleset, state: WalkState, qid: str, value: Value) -> list[str]:
    """The bank's messages for answers that would contradict each other if `value` were recorded."""
    merged = {**state.as_dict(), qid: list(value) if isinstance(value, tuple) else value}
    return [error.message for error in contradictions(ruleset, applicable_answers(ruleset, merged).effective)]


def _revisit_after(ruleset: Ruleset, state: WalkState, qid: str) -> str | None:
    """The next question after `qid` that applies, answered or not; None at the end of the bank."""
    applicable = set(dict(state.answers)) | set(missing(ruleset, state))
    ids = [q.id for q in ruleset.questions]
    return next((following for following in ids[ids.index(qid) + 1:] if following in applicable), None)


def back(ruleset: Ruleset, state: WalkState) -> WalkState:
    """Go to the answered question before the current one (in bank order); unchanged at the start.

    The answer is kept, so the wizard can offer it as the default; changing it drops what no longer applies.
    """
    target = previous_question(ruleset, state)
    return state if target is None else replace(state, cursor=target)


def previous_question(ruleset: Ruleset, state: WalkState) -> str | None:
    """Id of the question `back` would go to, or None if there is none."""
    answered = [qid for qid, _ in state.answers]
    current = next_question(ruleset, state)
    if current is None:
        return answered[-1] if answered else None
    order = {q.id: i for i, q in enumerate(ruleset.questions)}
    before = [qid for qid in answered if order[qid] < order[current.id]]
    return before[-1] if before else None


def edit(ruleset: Ruleset, state: WalkState, qid: str) -> WalkState:
    """Revisit `qid` (picked in the review): the walk re-runs from there with the answers as defaults."""
    if qid not in dict(state.answers):
        raise KeyError(qid)
    return replace(state, cursor=qid)


def projected(ruleset: Ruleset, state: WalkState) -> tuple[str, ...]:
    """Ids of the questions expected to be asked: answered ones, and for the rest a guess.

    The guess takes the safe default (else the first option) for every unanswered question: what pressing
    Enter would give. That is enough for a progress estimate and keeps this cheap and deterministic.
    """
    answered = dict(state.answers)
    filled: dict[str, Any] = {}
    asked = []
    for question in ruleset.questions:
        if not is_asked(ruleset, question, filled):
            continue
        asked.append(question.id)
        if question.id in answered:
            value = answered[question.id]
            filled[question.id] = list(value) if isinstance(value, tuple) else value
        else:
            guess = question.safe_default or question.options[0].value
            filled[question.id] = [guess] if question.kind == "multi" else guess
    return tuple(asked)


def progress(ruleset: Ruleset, state: WalkState) -> Progress | None:
    """Index (1-based) and estimated total of the current question, and its section title; None when done."""
    current = next_question(ruleset, state)
    if current is None:
        return None
    expected = projected(ruleset, state)
    index = expected.index(current.id) + 1 if current.id in expected else len(expected) + 1
    return Progress(index, max(len(expected), index), ruleset.section_title(current.section))
