"""Words for what the core decided: the one place that turns codes and ids into text.

Every sentence comes from the ruleset's own texts (labels, findings, reasons, notes, destinations: already
in the chosen language when the ruleset was loaded with one) or from a keyed message of its catalogue
(`ruleset.messages`). The JSON serialiser and the report document both word results through here, so a
label or a reason reads the same in every format and in no format is it re-derived from another sentence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Mapping

from atmp_cli.bank import NOT_ATMP, UNDETERMINED, UNSURE, LegalText, Ruleset
from atmp_cli.messages import Catalogue, Message
from atmp_cli.result import Branch, Classification, NoteOut, Step, TestOutcome


class Wording:
    """Words for one ruleset (its language is the ruleset's and its catalogue's)."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.m: Catalogue = ruleset.messages

    # ------------------------------------------------------------------------------------------ outcomes

    def outcome_label(self, code: str, combined: bool = False) -> str:
        """The name of a class ("Combined ATMP: Tissue engineered product (TEP)" when combined)."""
        labels = self.ruleset.labels
        label = labels.get(code, code)
        return self.m("outcome.combined", prefix=labels["combined_prefix"], label=label) if combined else label

    def short_label(self, code: str, combined: bool = False) -> str:
        """The class in one or two words, for one-line lists."""
        short = self.ruleset.short_labels
        return self.m("outcome.combined", prefix=short["combined_prefix"], label=short.get(code, code)) if combined else short.get(code, code)

    def label(self, classification: Classification) -> str:
        """The headline of a classification: an undetermined result that no unsure answer decides is open."""
        c = classification
        if c.code == UNDETERMINED and not c.depends_on:
            return self.ruleset.labels["open"]
        return self.outcome_label(c.code, c.combined)

    def reason(self, classification: Classification) -> str:
        c = classification
        if c.code == UNDETERMINED and c.depends_on:
            return self.m("reason.depends_on_unsure", questions=self.m("list.comma").join(c.depends_on))
        return self.outcome_reason(c.code, c.combined, c.destination)

    def outcome_reason(self, code: str, combined: bool, destination: str | None) -> str:
        """Why an outcome holds: the definition met, or the destination reached."""
        r = self.ruleset
        if code in (NOT_ATMP, UNDETERMINED):
            return r.destination(destination).reason if destination else self.m("reason.no_definition_met")
        reason = r.definition_by_code(code).reason
        return self.m("reason.combined", reason=reason, combined=r.rules["combined"].met) if combined else reason

    def branch_label(self, branch: Branch) -> str:
        if branch.code == UNDETERMINED:
            return self.ruleset.labels["open"]
        return self.outcome_label(branch.code, branch.combined)

    def branch_reason(self, branch: Branch) -> str:
        return self.outcome_reason(branch.code, branch.combined, branch.destination)

    def branch_condition(self, assume: Mapping[str, Any]) -> str:
        parts = [self.m("branch.assumption", question=qid, answer=answer_text(value)) for qid, value in assume.items()]
        return self.m("list.and").join(parts)

    def belongs(self, destination_ids: Iterable[str]) -> list[str]:
        """Where a product that is not an ATMP likely belongs, each place once."""
        return list(dict.fromkeys(self.ruleset.destination(d).belongs for d in destination_ids))

    # ------------------------------------------------------------------------------------------ answers

    def option_label(self, question_id: str, value: Any) -> str:
        if value == UNSURE:
            return self.m("answer.unsure")
        question = self.ruleset.question(question_id)
        return question.option(value).label if value in question.option_index else str(value)

    def answer_labels(self, question_id: str, answer: Any) -> list[str]:
        values = answer if isinstance(answer, (list, tuple)) else [answer]
        return [self.option_label(question_id, value) for value in values]

    def step_findings(self, step: Step) -> list[tuple[Any, str, str, tuple[str, ...]]]:
        """(value, label, finding, citations) for each value of an answer; 'unsure' has one finding for all."""
        if step.answer == UNSURE:
            return [(UNSURE, self.m("answer.unsure"), self.m("finding.unsure"), step.citations)]
        question = self.ruleset.question(step.question)
        values = step.answer if isinstance(step.answer, tuple) else (step.answer,)
        return [(v, question.option(v).label, question.option(v).finding, question.option(v).citations) for v in values]

    def step_finding(self, step: Step) -> str:
        return " ".join(finding for _, _, finding, _ in self.step_findings(step))

    def change(self, answers: Mapping[str, Any], question_id: str, alternative: Any) -> str:
        """A decisive change in words: 'if intended_use also includes “…”', 'if same_essential_function is “…”'."""
        question = self.ruleset.question(question_id)
        if question.kind == "single":
            return self.m("change.is", question=question_id, answer=self.option_label(question_id, alternative))
        old, new = set(answers.get(question_id) or ()), set(alternative)
        added, removed = new - old, old - new
        if added and (removed or question.exclusive_values & added):
            labels = self.m("list.comma").join(self.option_label(question_id, v) for v in alternative)
            return self.m("change.only", question=question_id, answers=labels)
        if added:
            return self.m("change.includes", question=question_id, answer=self.option_label(question_id, next(iter(added))))
        return self.m("change.excludes", question=question_id, answer=self.option_label(question_id, next(iter(removed))))

    # ------------------------------------------------------------------------------------------ definitions

    def holds(self, holds: bool | None, applicable: bool = True) -> str:
        if not applicable:
            return self.m("holds.not_applicable")
        return self.m("holds.met") if holds else self.m("holds.not_met") if holds is False else self.m("holds.depends")

    def test_finding(self, test: TestOutcome) -> str:
        rule = self.ruleset.rules[test.rule]
        if not test.applicable:
            return rule.not_applicable
        if test.holds is None:
            return self.m("finding.depends_on_unsure", finding=rule.met[:1].lower() + rule.met[1:])
        return rule.met if test.holds else rule.failed

    # ------------------------------------------------------------------------------------------ notes, warnings

    def note_text(self, note: NoteOut) -> str:
        notes = self.ruleset.national.get(note.country, ()) if note.country else self.ruleset.notes
        return next(n.text for n in notes if n.id == note.id)

    def country(self, code: str | None) -> str | None:
        """A country as shown: "Sweden (SE)"."""
        if not code:
            return None
        name = self.ruleset.country_names.get(code)
        return self.m("country.named", name=name, code=code) if name else code

    def warning(self, warning: Message | str) -> str:
        return self.m.word(warning)

    def asked_when(self, question_id: str) -> str:
        question = self.ruleset.question(question_id)
        if question.when is None:
            return self.m("condition.always")
        return question.when_text or question.when.source

    # ------------------------------------------------------------------------------------------ legal texts

    def caveat(self, text: LegalText) -> str:
        """What must stand next to a text so nobody mistakes it for the wording of the law, nor a quotation in
        another language than the report's for a translation (a quotation is never translated)."""
        if text.presentation == "paraphrase":
            return self.m("legal.paraphrase_caveat")
        notes = (text.label, self.m("legal.language_version") if text.language != self.ruleset.language else "")
        return self.m("list.semicolon").join(note for note in notes if note)


@lru_cache(maxsize=None)
def of(ruleset: Ruleset) -> Wording:
    """The wording of a ruleset, made once (a ruleset is compared by identity)."""
    return Wording(ruleset)


def answer_text(value: Any) -> str:
    """An answer as written in a condition: a value, or the values of a multi-select joined by '+'."""
    return "+".join(value) if isinstance(value, (list, tuple)) else str(value)
