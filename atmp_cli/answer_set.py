"""The canonical answers: one frozen, hashable mapping from question id to answer.

A multi-select answer is a tuple of option values. Being a `dict` subclass, an `AnswerSet` is read like the
answers file's object, encodes with `json` exactly as that object would (tuples become arrays), and being
immutable and hashable it is its own cache key: the engine memoises on it without converting lists to
tuples and back, which is what six places of the code used to do.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NoReturn


class AnswerSet(dict):
    """Immutable answers in the order given (the engine keeps them in bank order)."""

    __slots__ = ("_hash",)

    def __init__(self, answers: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        items = answers.items() if isinstance(answers, Mapping) else answers
        super().__init__({qid: tuple(value) if value.__class__ is list else value for qid, value in items})
        self._hash = hash(tuple(self.items()))

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> "AnswerSet":
        """`answers` as an AnswerSet, without copying one that already is."""
        return answers if isinstance(answers, AnswerSet) else cls(answers)

    def with_answer(self, question: str, value: Any) -> "AnswerSet":
        """A copy with one answer changed (or added at the end)."""
        return AnswerSet({**self, question: value})

    def __hash__(self) -> int:  # type: ignore[override]
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (AnswerSet, (dict(self),))

    def _frozen(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("AnswerSet is immutable; use with_answer()")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _frozen  # type: ignore[assignment]
