"""The interactive wizard: draws the walk (`atmp_cli.walk`) with questionary and rich.

All decisions (what to ask next, back, dropping stale answers) are in `walk`; this module only prompts,
prints and saves. Prompts use `unsafe_ask()` so Ctrl-C raises KeyboardInterrupt, which the caller catches
once, at the top, to save the answers and exit 130 (`.ask()` would swallow it and return None).

Every prompt takes `**prompt_kwargs` (prompt_toolkit `input=`/`output=`), which is how the tests drive it
with a pipe instead of a terminal.
"""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import questionary
from prompt_toolkit.filters import to_filter
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout import FormattedTextControl, ScrollOffsets
from questionary import Choice, Separator
from questionary.prompts.common import InquirerControl
from rich.console import Console
from rich.text import Text

from atmp_cli import walk
from atmp_cli.answers import clean_text
from atmp_cli.render import format_for_path
from atmp_cli import precedents
from atmp_cli.bank import UNSURE, Question, Ruleset

# Special values: the bank's values are lower-case words, so these cannot collide.
BACK = "<back>"
HELP = "<help>"
ACCEPT = "<accept>"
BACK_LABEL = "← Back"
UNSURE_LABEL = "Unsure"
FROM_EARLIER = "  (from file or saved session)"

# Keys. Escape alone is only told apart from the start of an arrow key's sequence by waiting: a terminal
# sends a whole sequence in one write, so 0.1 s (Vim's usual ttimeoutlen) is ample and feels immediate.
HELP_KEY = "?"
BACK_KEYS = ("escape", "c-b")
ESCAPE_WAIT = 0.1
SHORTCUTS = {"y": "yes", "n": "no", "u": UNSURE}  # in single-selects whose values include them
HINT_MOVE = "↑↓ move, Enter answers"
HINT_TICK = "↑↓ move, Space ticks, Enter confirms"
HINT_HELP = "? help"
HINT_BACK = "Esc or Ctrl-B back"
HINT_REVIEW = "↑↓ move, Enter picks"
MESSAGE_COLUMN = 2  # questionary draws "? " before the prompt

Answer = Any  # str (single), list[str] (multi), or a Move


@dataclass(frozen=True)
class Move:
    """A prompt left by a key rather than answered: BACK or HELP, with what was on screen at the time.

    `draft` is the highlighted value (single) or the ticked values (multi); `pointer` the highlighted value
    of a multi-select. Help shows the question again as the user left it, not as it was stored.
    """

    kind: str
    draft: Any = None
    pointer: Any = None


# ---------------------------------------------------------------------------------------------- text


def answer_label(question: Question, value: Any) -> str:
    """An answer in the words of the question's options."""
    if value == UNSURE:
        return UNSURE_LABEL
    values = value if isinstance(value, (list, tuple)) else [value]
    return ", ".join(question.option(v).label for v in values)


def answered(question: Question, value: Any) -> Text:
    """The record of an answer left on screen once its prompt is gone: the question and the answer, whole."""
    return Text.assemble(("? ", "bold green"), (question.prompt, "bold"), " ", (answer_label(question, value), "cyan"))


def help_text(ruleset: Ruleset, question: Question) -> Text:
    """The question's help, then each legal text it rests on, labelled by how far it is the law's wording.

    Verbatim texts are quoted; texts with a caveat carry it; texts that are only a paraphrase are printed
    as a paraphrase and never inside quotation marks.
    """
    body = Text()
    body.append(question.prompt + "\n", style="bold")
    body.append(question.help + "\n")
    from atmp_cli import wording
    from atmp_cli.document import legal_block
    from atmp_cli.render.text import legal_text

    for text_id in question.definitions:
        body.append("\n")
        body.append_text(legal_text(legal_block(wording.of(ruleset), ruleset.texts[text_id], with_meta=True)))
        body.append("\n")
    shown = precedents.load(ruleset).illustrating(question.id)
    if shown:
        body.append("\nHow the authorities answered it for published products\n", style="bold")
        for entry in shown:
            body.append(f"• {precedents.summary_line(entry)}\n")
    return body


# ---------------------------------------------------------------------------------------------- prompts


def shortcuts(question: Question) -> dict[str, str]:
    """The letter keys of a single question: y, n and u for the values yes, no and unsure it allows."""
    if question.kind != "single":
        return {}
    return {key: value for key, value in SHORTCUTS.items() if value in question.allowed}


def instruction(question: Question, can_go_back: bool) -> str:
    """The hint line beside the prompt: every key that works on this question."""
    parts = [HINT_MOVE if question.kind == "single" else HINT_TICK]
    letters = "/".join(shortcuts(question))
    if letters:
        parts.append(letters)
    parts.append(HINT_HELP)
    if can_go_back:
        parts.append(HINT_BACK)
    return "(" + "; ".join(parts) + ")"


def _control(prompt: questionary.Question) -> InquirerControl:
    return next(c for c in prompt.application.layout.find_all_controls() if isinstance(c, InquirerControl))


def columns(prompt_kwargs: dict[str, Any]) -> int:
    """The width the prompt is drawn in: its output's (a test's), else the terminal's."""
    output = prompt_kwargs.get("output")
    return output.get_size().columns if output is not None else shutil.get_terminal_size().columns


def fold(text: str, width: int, indent: int) -> str:
    """`text` broken between words to fit `width` columns when it starts at column `indent`, continuation
    lines indented to that column. prompt_toolkit would cut a long line at the edge, or break it mid-word."""
    lines = textwrap.wrap(text, max(width - indent - 1, 20), break_long_words=True, break_on_hyphens=False)
    return ("\n" + " " * indent).join(lines)


def _message(text: str, hint: str, width: int) -> str:
    """The prompt folded under its first column (after '? '); the hint on the last line if it fits there."""
    message = fold(text, width, MESSAGE_COLUMN)
    last = message.rsplit("\n", 1)[-1]
    fits = len(last) + len(hint) + 2 < width - MESSAGE_COLUMN  # ' ' between, one column spare
    return message if fits else message + "\n" + " " * (MESSAGE_COLUMN - 1)  # questionary adds a space


def menu(kind: str, message: str, choices: Sequence[Any], hint: str, *, help_key: bool, can_go_back: bool,
         letters: dict[str, str] | None = None, **kwargs: Any) -> questionary.Question:
    """A questionary select or checkbox whose text is folded to the terminal and which knows our keys.

    The keys leave the prompt with a Move carrying the highlighted value and the ticks, so nothing the user
    did on screen is lost (questionary has no back or help of its own: its issue #81). Bindings are merged
    into the prompt's own; Escape waits only ESCAPE_WAIT for the rest of a possible key sequence.
    """
    ticks = kind == "checkbox"
    indent = 5 if ticks else 3  # the label's column: past the pointer, and past the tick mark of a checkbox
    width = columns(kwargs)
    for choice in choices:
        if not isinstance(choice, Separator):
            choice.title = fold(choice.title, width, indent)
    factory = questionary.checkbox if ticks else questionary.select
    prompt = factory(_message(message, hint, width), choices=choices, instruction=hint, **kwargs)
    control = _control(prompt)
    keys = KeyBindings()

    def leave(move: str) -> Callable[[Any], None]:
        def handler(event: Any) -> None:
            pointed = control.get_pointed_at().value
            event.app.exit(result=Move(move, list(control.selected_options), pointed) if ticks else Move(move, pointed))

        return handler

    if help_key:
        keys.add(HELP_KEY, eager=True)(leave(HELP))
    if can_go_back:
        for key in BACK_KEYS:
            keys.add(key, eager=True)(leave(BACK))
    for key, value in (letters or {}).items():
        index = next(i for i, choice in enumerate(control.choices) if choice.value == value)
        keys.add(key, eager=True)(lambda event, index=index: setattr(control, "pointed_at", index))
    application = prompt.application
    application.key_bindings = merge_key_bindings([application.key_bindings, keys])
    application.ttimeoutlen = ESCAPE_WAIT
    # Gone once answered: the caller prints the answer in full (questionary's own line would cut it).
    application.erase_when_done = True
    for window in application.layout.find_all_windows():
        if isinstance(window.content, FormattedTextControl):  # a terminal narrowed after folding: wrap, not cut
            window.wrap_lines = to_filter(True)
        if window.content is control:
            # Wrapped lines under the label's column; scrolling keeps the lines of the highlighted entry
            # that follow its first on screen.
            window.get_line_prefix = lambda line, wrapped: " " * indent if wrapped else ""
            window.scroll_offsets = ScrollOffsets(top=0, bottom=3)
    return prompt


def single_prompt(question: Question, default: Any = None, *, can_go_back: bool = True, **prompt_kwargs: Any) -> questionary.Question:
    """A select of the option labels, and 'Unsure' where the bank allows it; the cursor starts on `default`."""
    choices: list[Any] = [Choice(option.label, value=option.value) for option in question.options]
    if question.unsure:
        choices.append(Choice(UNSURE_LABEL, value=UNSURE))
    return menu("select", question.prompt, choices, instruction(question, can_go_back), help_key=True,
                can_go_back=can_go_back, letters=shortcuts(question), default=default, **prompt_kwargs)


def multi_validator(question: Question) -> Callable[[list[str]], bool | str]:
    """At least one choice; exclusive options, and 'Unsure', alone."""

    def validate(selected: list[str]) -> bool | str:
        if not selected:
            return "Select at least one (space toggles, enter confirms)"
        if UNSURE in selected and len(selected) > 1:
            return f"'{UNSURE_LABEL}' cannot be combined with other choices"
        exclusive = [v for v in selected if v != UNSURE and question.option(v).exclusive]
        if exclusive and len(selected) > 1:
            return f"'{question.option(exclusive[0]).label}' cannot be combined with other choices"
        return True

    return validate


def multi_prompt(question: Question, default: Sequence[str] | None = None, *, pointer: str | None = None,
                 can_go_back: bool = True, **prompt_kwargs: Any) -> questionary.Question:
    """Checkboxes with `default` ticked (the stored answer, or the ticks made before help) and the cursor on `pointer`."""
    chosen = {default} if default == UNSURE else set(default or ())
    choices: list[Any] = [Choice(o.label, value=o.value, checked=o.value in chosen) for o in question.options]
    if question.unsure:
        choices.append(Choice(UNSURE_LABEL, value=UNSURE, checked=UNSURE in chosen))
    return menu("checkbox", question.prompt, choices, instruction(question, can_go_back), help_key=True,
                can_go_back=can_go_back, validate=multi_validator(question), initial_choice=pointer, **prompt_kwargs)


def ask_question(question: Question, default: Any = None, *, pointer: str | None = None, can_go_back: bool = True,
                 **prompt_kwargs: Any) -> Answer:
    """One prompt for one question: its answer (a list for multi, in bank order), or a Move (back, help)."""
    if question.kind == "single":
        return single_prompt(question, default, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    selected = multi_prompt(question, default, pointer=pointer, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    if isinstance(selected, Move):
        return selected
    if selected == [UNSURE]:
        return UNSURE
    return [value for value in question.values if value in selected]


def review_entry(ruleset: Ruleset, state: walk.WalkState, qid: str, value: Any) -> str:
    """One answer in the review, whole: section, the question's prompt, the answer, and where it came from."""
    question = ruleset.question(qid)
    entry = f"{ruleset.section_title(question.section)} · {question.prompt} → {answer_label(question, value)}"
    return entry if qid in state.history else entry + FROM_EARLIER


def review_prompt(ruleset: Ruleset, state: walk.WalkState, **prompt_kwargs: Any) -> questionary.Question:
    """Accept, go back, or pick an answer to change: one entry an answer, wrapped, in a list that scrolls."""
    choices: list[Any] = [Choice("✓ Accept and classify", value=ACCEPT), Choice(BACK_LABEL, value=BACK), Separator()]
    choices += [Choice(review_entry(ruleset, state, qid, value), value=qid) for qid, value in state.answers]
    return menu("select", "Review your answers: accept, or pick one to change", choices, f"({HINT_REVIEW}; {HINT_BACK})",
                help_key=False, can_go_back=True, **prompt_kwargs)


def pick_session_prompt(entries: Sequence[tuple[str, str]], **prompt_kwargs: Any) -> questionary.Question:
    """Which interrupted session to continue: (name, description) pairs, the latest first."""
    choices = [Choice(f"{name}  {description}", value=name) for name, description in entries]
    return menu("select", "Continue which interrupted session?", choices, f"({HINT_REVIEW})", help_key=False,
                can_go_back=False, **prompt_kwargs)


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
    ask_product: bool = True  # not when resuming: the name (or none) was given when the session started

    @classmethod
    def begin(cls, ruleset: Ruleset, console: Console, save: Callable[[str | None, dict[str, Any]], Any], *,
              product: str | None = None, answers: dict[str, Any] | None = None, ask_product: bool = True,
              **prompt_kwargs: Any) -> "Wizard":
        """A wizard resuming from checked partial answers (a saved session or an incomplete file), if any."""
        return cls(ruleset, console, save, product, walk.start(ruleset, answers), prompt_kwargs, ask_product)

    def persist(self) -> None:
        self.save(self.product, self.state.as_dict())

    def run(self) -> tuple[str | None, dict[str, Any]]:
        """Ask for the product (unless known), walk, review; the product and the answers to classify."""
        if self.product is None and self.ask_product:
            name = questionary.text("Product name (optional, shown in the report):", **self.prompt_kwargs).unsafe_ask()
            self.product = clean_text(name or "") or None
            self.persist()
        elif self.product is not None:
            self.console.print(Text.assemble(("Product: ", "bold"), self.product))
        while True:
            self.walk()
            if self.review():
                return self.product, self.state.as_dict()

    def walk(self) -> None:
        """Ask until no question is left, saving after every answer.

        An answer that contradicts another (the bank's constraints) is not recorded: the bank's message is
        printed and the question asked again, starting from the refused answer, so that fixing one tick
        does not mean ticking the others again.
        """
        refused: tuple[str, Any] | None = None  # (question id, answer) just refused as a contradiction
        while (question := walk.next_question(self.ruleset, self.state)) is not None:
            where = walk.progress(self.ruleset, self.state)
            self.console.print()
            self.console.print(Text(f"{where.section} · question {where.index} of ~{where.total}", style="bold cyan"))
            can_go_back = walk.previous_question(self.ruleset, self.state) is not None
            draft = refused[1] if refused is not None and refused[0] == question.id else None
            refused = None
            value = self.ask(question, can_go_back, draft)
            if isinstance(value, Move):  # back (help is handled in ask)
                self.state = walk.back(self.ruleset, self.state)
                continue
            conflicts = walk.conflicts(self.ruleset, self.state, question.id, value)
            if conflicts:  # answers that contradict each other: say why, and ask again
                for message in conflicts:
                    self.console.print(Text(message, style="bold yellow"))
                refused = (question.id, value)
                continue
            self.state = walk.answer(self.ruleset, self.state, question.id, value)
            self.persist()

    def ask(self, question: Question, can_go_back: bool, draft: Any = None) -> Answer:
        """The question's answer, or a Move back; help is shown in between, returning as the user left it.

        The prompt starts on `draft` if given (an answer just refused), else on the stored answer or the
        bank's safe default."""
        if draft is None:
            draft = walk.default_for(self.ruleset, self.state, question.id)
        pointer = None
        while True:
            value = ask_question(question, draft, pointer=pointer, can_go_back=can_go_back, **self.prompt_kwargs)
            if not isinstance(value, Move):
                self.console.print(answered(question, value))
                return value
            if value.kind == BACK:
                return value
            self.console.print(help_text(self.ruleset, question))
            draft, pointer = value.draft, value.pointer

    def review(self) -> bool:
        """Every answer in a list to pick from; True to classify, False after a change (the caller walks again)."""
        self.console.print()
        choice = review_prompt(self.ruleset, self.state, **self.prompt_kwargs).unsafe_ask()
        if choice == ACCEPT:
            return True
        if choice == BACK or isinstance(choice, Move):
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
