"""The interactive wizard: draws the walk (`atmp_cli.walk`) with questionary and rich.

All decisions (what to ask next, back, dropping stale answers) are in `walk`; this module only prompts,
prints and saves. Prompts use `unsafe_ask()` so Ctrl-C raises KeyboardInterrupt, which the caller catches
once, at the top, to save the answers and exit 130 (`.ask()` would swallow it and return None).

Every prompt takes `**prompt_kwargs` (prompt_toolkit `input=`/`output=`), which is how the tests drive it
with a pipe instead of a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import questionary
from questionary import Choice, Separator
from rich.console import Console
from rich.table import Table
from rich.text import Text

from atmp_cli import walk
from atmp_cli.answers import clean_text
from atmp_cli.render import format_for_path
from atmp_cli.bank import UNSURE, Question, Ruleset

# Special choice values; the bank's values are lower-case words, so these cannot collide.
BACK = "<back>"
HELP = "<help>"
ACCEPT = "<accept>"
BACK_LABEL = "← Back"
HELP_LABEL = "? Show help and legal definition"
UNSURE_LABEL = "Unsure"

Answer = Any  # str (single), list[str] (multi), BACK or HELP


# ---------------------------------------------------------------------------------------------- text


def answer_label(question: Question, value: Any) -> str:
    """An answer in the words of the question's options."""
    if value == UNSURE:
        return UNSURE_LABEL
    values = value if isinstance(value, (list, tuple)) else [value]
    return ", ".join(question.option(v).label for v in values)


def help_text(ruleset: Ruleset, question: Question) -> Text:
    """The question's help, then each legal text it rests on, labelled by how far it is the law's wording.

    Verbatim texts are quoted; texts with a caveat carry it; texts that are only a paraphrase are printed
    as a paraphrase and never inside quotation marks.
    """
    body = Text()
    body.append(question.prompt + "\n", style="bold")
    body.append(question.help + "\n")
    for text_id in question.definitions:
        legal = ruleset.texts[text_id]
        body.append(f"\n{legal.citation}", style="bold")
        body.append(f"  [{legal.id}]\n", style="dim")
        if legal.presentation == "paraphrase":
            body.append("(paraphrase, not the wording of the law)\n", style="italic yellow")
            body.append(legal.paraphrase + "\n")
            continue
        if legal.caveat:
            body.append(f"({legal.caveat})\n", style="italic yellow")
        body.append(f"“{legal.text}”\n")
    return body


# ---------------------------------------------------------------------------------------------- prompts


def _nav_choices(can_go_back: bool) -> list[Any]:
    choices: list[Any] = [Separator()]
    if can_go_back:
        choices.append(Choice(BACK_LABEL, value=BACK))
    choices.append(Choice(HELP_LABEL, value=HELP))
    return choices


def single_prompt(question: Question, default: Any = None, *, can_go_back: bool = True, **prompt_kwargs: Any) -> questionary.Question:
    """A select: the option labels, 'Unsure' where the bank allows it, then Back and Help."""
    choices: list[Any] = [Choice(option.label, value=option.value) for option in question.options]
    if question.unsure:
        choices.append(Choice(UNSURE_LABEL, value=UNSURE))
    choices += _nav_choices(can_go_back)
    return questionary.select(question.prompt, choices=choices, default=default, **prompt_kwargs)


def multi_validator(question: Question) -> Callable[[list[str]], bool | str]:
    """At least one choice; exclusive options alone; Back and Help alone (they are not answers)."""

    def validate(selected: list[str]) -> bool | str:
        if BACK in selected or HELP in selected:
            return True if len(selected) == 1 else f"Choose '{BACK_LABEL}' or '{HELP_LABEL}' on its own"
        if not selected:
            return "Select at least one (space toggles, enter confirms)"
        exclusive = [v for v in selected if question.option(v).exclusive]
        if exclusive and len(selected) > 1:
            return f"'{question.option(exclusive[0]).label}' cannot be combined with other choices"
        return True

    return validate


def multi_prompt(question: Question, default: Sequence[str] | None = None, *, can_go_back: bool = True, **prompt_kwargs: Any) -> questionary.Question:
    """Checkboxes with the stored answer pre-checked; Back and Help are choices to tick on their own."""
    chosen = set(default or ())
    choices: list[Any] = [Choice(o.label, value=o.value, checked=o.value in chosen) for o in question.options]
    choices += _nav_choices(can_go_back)
    return questionary.checkbox(
        question.prompt,
        choices=choices,
        validate=multi_validator(question),
        instruction="(space toggles, enter confirms; tick Back or Help alone to use them)",
        **prompt_kwargs,
    )


def ask_question(question: Question, default: Any = None, *, can_go_back: bool = True, **prompt_kwargs: Any) -> Answer:
    """One prompt for one question: its answer (list for multi), or BACK, or HELP."""
    if question.kind == "single":
        return single_prompt(question, default, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    selected = multi_prompt(question, default, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    if selected in ([BACK], [HELP]):
        return selected[0]
    return [value for value in question.values if value in selected]


def review_prompt(ruleset: Ruleset, state: walk.WalkState, **prompt_kwargs: Any) -> questionary.Question:
    """Accept, go back, or pick an answer to edit."""
    choices: list[Any] = [Choice("✓ Accept and classify", value=ACCEPT), Choice(BACK_LABEL, value=BACK), Separator()]
    for qid, value in state.answers:
        question = ruleset.question(qid)
        title = f"Edit: {question.prompt}"
        title = title if len(title) <= 70 else title[:69] + "…"
        choices.append(Choice(f"{title} → {answer_label(question, value)}", value=qid))
    return questionary.select("Review your answers: accept, or pick one to change", choices=choices, **prompt_kwargs)


# ---------------------------------------------------------------------------------------------- the session


@dataclass
class Wizard:
    """One interactive session: the walk state, the product name, and where to save after each change."""

    ruleset: Ruleset
    console: Console
    save: Callable[[str | None, dict[str, Any]], Any]
    product: str | None = None
    state: walk.WalkState = field(default_factory=walk.WalkState)
    prompt_kwargs: dict[str, Any] = field(default_factory=dict)
    saved: bool = False  # whether this session has saved anything yet (an earlier session stays until then)

    @classmethod
    def begin(cls, ruleset: Ruleset, console: Console, save: Callable[[str | None, dict[str, Any]], Any], *,
              product: str | None = None, answers: dict[str, Any] | None = None, **prompt_kwargs: Any) -> "Wizard":
        """A wizard resuming from checked partial answers (a saved session or an incomplete file), if any."""
        return cls(ruleset, console, save, product, walk.start(ruleset, answers), prompt_kwargs)

    def persist(self) -> None:
        self.save(self.product, self.state.as_dict())
        self.saved = True

    def run(self) -> tuple[str | None, dict[str, Any]]:
        """Ask for the product (unless known), walk, review; the product and the answers to classify."""
        if self.product is None:
            name = questionary.text("Product name (optional, shown in the report):", **self.prompt_kwargs).unsafe_ask()
            self.product = clean_text(name or "") or None
            self.persist()
        else:
            self.console.print(Text.assemble(("Product: ", "bold"), self.product))
        while True:
            self.walk()
            if self.review():
                return self.product, self.state.as_dict()

    def walk(self) -> None:
        """Ask until no question is left, saving after every answer."""
        while (question := walk.next_question(self.ruleset, self.state)) is not None:
            where = walk.progress(self.ruleset, self.state)
            self.console.print()
            self.console.print(Text(f"{where.section} · question {where.index} of ~{where.total}", style="bold cyan"))
            can_go_back = walk.previous_question(self.ruleset, self.state) is not None
            value = ask_question(question, self.state.get(question.id), can_go_back=can_go_back, **self.prompt_kwargs)
            while value == HELP:
                self.console.print(help_text(self.ruleset, question))
                value = ask_question(question, self.state.get(question.id), can_go_back=can_go_back, **self.prompt_kwargs)
            if value == BACK:
                self.state = walk.back(self.ruleset, self.state)
                continue
            self.state = walk.answer(self.ruleset, self.state, question.id, value)
            self.persist()

    def answers_table(self) -> Table:
        table = Table("section", "question", "answer", title="Your answers", title_justify="left", show_lines=False)
        asked_here = set(self.state.history)
        for qid, value in self.state.answers:
            question = self.ruleset.question(qid)
            answer = Text(answer_label(question, value))
            if qid not in asked_here:
                answer.append("  (from file or saved session)", style="dim")
            table.add_row(Text(self.ruleset.section_title(question.section)), Text(question.prompt), answer)
        return table

    def review(self) -> bool:
        """Show every answer; True to classify, False after a change (the caller walks again)."""
        self.console.print()
        self.console.print(self.answers_table())
        choice = review_prompt(self.ruleset, self.state, **self.prompt_kwargs).unsafe_ask()
        if choice == ACCEPT:
            return True
        if choice == BACK:
            self.state = walk.back(self.ruleset, self.state)
        else:
            self.state = walk.edit(self.ruleset, self.state, choice)
        return False


def offer_exports(save_answers: Callable[[str], Any], save_report: Callable[[str], Any], *, ask_answers: bool = True, **prompt_kwargs: Any) -> None:
    """After the report: offer to write the answers document and the report to files."""
    if ask_answers and questionary.confirm("Save the answers to a file (re-run with --answers)?", default=False, **prompt_kwargs).unsafe_ask():
        path = questionary.text("Answers file:", default="answers.json", **prompt_kwargs).unsafe_ask()
        save_answers(path)
    if questionary.confirm("Save the report to a file?", default=False, **prompt_kwargs).unsafe_ask():
        path = questionary.text(
            "Report file (.html, .md, .json or .txt):", default="report.html",
            validate=lambda p: format_for_path(p) is not None or "use a .html, .md, .json or .txt file name",
            **prompt_kwargs,
        ).unsafe_ask()
        save_report(path)
