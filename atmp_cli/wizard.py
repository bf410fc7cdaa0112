"""The interactive wizard: draws the walk (`atmp_cli.walk`) with questionary and rich.

All decisions (what to ask next, back, dropping stale answers and their reasons) are in `walk`; this
module only prompts, prints and saves. Every word it prints is the ruleset's (questions, options, help:
already in the run's language) or a message of its catalogue (`ruleset.messages`, the tables `wizard` and
`session`); what the user typed is cleaned and printed as text, never as markup.

A walk can carry the case details and a reason for each answer: offered once, when it begins (both
default to no), and kept in the walk state, so that back, the review and a resumed session keep them. Prompts use `unsafe_ask()` so Ctrl-C raises KeyboardInterrupt, which the caller catches
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
from atmp_cli.messages import Catalogue

# Special values: the bank's values are lower-case words, so these cannot collide.
BACK = "<back>"
HELP = "<help>"
ACCEPT = "<accept>"
CASE = "<case>"

# Keys. Escape alone is only told apart from the start of an arrow key's sequence by waiting: a terminal
# sends a whole sequence in one write, so 0.1 s (Vim's usual ttimeoutlen) is ample and feels immediate.
HELP_KEY = "?"
BACK_KEYS = ("escape", "c-b")
TEXT_BACK_KEYS = ("escape",)  # in a text, Ctrl-B moves the cursor back a character
ESCAPE_WAIT = 0.1
LETTERED = ("yes", "no", UNSURE)  # values with a letter key (wizard.letter.*) in single-selects that allow them
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


def answer_label(m: Catalogue, question: Question, value: Any) -> str:
    """An answer in the words of the question's options."""
    if value == UNSURE:
        return m("wizard.unsure")
    values = value if isinstance(value, (list, tuple)) else [value]
    return m("list.comma").join(question.option(v).label for v in values)


def record(prompt: str, answer: str) -> Text:
    """What stays on screen once a prompt is gone: the prompt and the answer, whole, printed as text."""
    return Text.assemble(("? ", "bold green"), (prompt, "bold"), " ", (answer, "cyan"))


def answered(m: Catalogue, question: Question, value: Any) -> Text:
    return record(question.prompt, answer_label(m, question, value))


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
        m = ruleset.messages
        body.append("\n" + m("wizard.help_precedents") + "\n", style="bold")
        for entry in shown:
            body.append(f"• {precedents.summary_line(entry)}\n")
    return body


# ---------------------------------------------------------------------------------------------- prompts


def shortcuts(m: Catalogue, question: Question) -> dict[str, str]:
    """The letter keys of a single question (y, n and u in English) for the values yes, no and unsure it allows."""
    if question.kind != "single":
        return {}
    return {m(f"wizard.letter.{value}"): value for value in LETTERED if value in question.allowed}


def key_hint(m: Catalogue, keys: Sequence[str]) -> str:
    """The hint beside a prompt: the keys that work on it."""
    return m("wizard.hint", keys=m("list.semicolon").join(keys))


def instruction(m: Catalogue, question: Question, can_go_back: bool) -> str:
    """The hint beside a question: every key that works on it."""
    keys = [m("wizard.key_move") if question.kind == "single" else m("wizard.key_tick")]
    letters = "/".join(shortcuts(m, question))
    if letters:
        keys.append(letters)
    keys.append(m("wizard.key_help"))
    if can_go_back:
        keys.append(m("wizard.key_back"))
    return key_hint(m, keys)


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


def _own_keys(prompt: questionary.Question, keys: KeyBindings) -> None:
    """Merge `keys` into the prompt's own bindings, and erase the prompt once answered: the caller prints
    the answer itself, whole and as text. Escape waits only ESCAPE_WAIT for the rest of a key sequence."""
    application = prompt.application
    application.key_bindings = merge_key_bindings([application.key_bindings, keys])
    application.ttimeoutlen = ESCAPE_WAIT
    application.erase_when_done = True


def menu(kind: str, message: str, choices: Sequence[Any], hint: str, *, help_key: bool, can_go_back: bool,
         letters: dict[str, str] | None = None, **kwargs: Any) -> questionary.Question:
    """A questionary select or checkbox whose text is folded to the terminal and which knows our keys.

    The keys leave the prompt with a Move carrying the highlighted value and the ticks, so nothing the user
    did on screen is lost (questionary has no back or help of its own: its issue #81). Each letter moves
    the cursor to its answer; bound eagerly, a letter wins over questionary's own use of it (j and k move
    the cursor down and up), should a language's letters include one.
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
    _own_keys(prompt, keys)
    for window in prompt.application.layout.find_all_windows():
        if isinstance(window.content, FormattedTextControl):  # a terminal narrowed after folding: wrap, not cut
            window.wrap_lines = to_filter(True)
        if window.content is control:
            # Wrapped lines under the label's column; scrolling keeps the lines of the highlighted entry
            # that follow its first on screen.
            window.get_line_prefix = lambda line, wrapped: " " * indent if wrapped else ""
            window.scroll_offsets = ScrollOffsets(top=0, bottom=3)
    return prompt


def single_prompt(m: Catalogue, question: Question, default: Any = None, *, can_go_back: bool = True,
                  **prompt_kwargs: Any) -> questionary.Question:
    """A select of the option labels, and 'Unsure' where the bank allows it; the cursor starts on `default`."""
    choices: list[Any] = [Choice(option.label, value=option.value) for option in question.options]
    if question.unsure:
        choices.append(Choice(m("wizard.unsure"), value=UNSURE))
    return menu("select", question.prompt, choices, instruction(m, question, can_go_back), help_key=True,
                can_go_back=can_go_back, letters=shortcuts(m, question), default=default, **prompt_kwargs)


def multi_validator(m: Catalogue, question: Question) -> Callable[[list[str]], bool | str]:
    """At least one choice; exclusive options, and 'Unsure', alone."""

    def validate(selected: list[str]) -> bool | str:
        if not selected:
            return m("wizard.select_one")
        if UNSURE in selected and len(selected) > 1:
            return m("wizard.not_combined", label=m("wizard.unsure"))
        exclusive = [v for v in selected if v != UNSURE and question.option(v).exclusive]
        if exclusive and len(selected) > 1:
            return m("wizard.not_combined", label=question.option(exclusive[0]).label)
        return True

    return validate


def multi_prompt(m: Catalogue, question: Question, default: Sequence[str] | None = None, *, pointer: str | None = None,
                 can_go_back: bool = True, **prompt_kwargs: Any) -> questionary.Question:
    """Checkboxes with `default` ticked (the stored answer, or the ticks made before help) and the cursor on `pointer`."""
    chosen = {default} if default == UNSURE else set(default or ())
    choices: list[Any] = [Choice(o.label, value=o.value, checked=o.value in chosen) for o in question.options]
    if question.unsure:
        choices.append(Choice(m("wizard.unsure"), value=UNSURE, checked=UNSURE in chosen))
    return menu("checkbox", question.prompt, choices, instruction(m, question, can_go_back), help_key=True,
                can_go_back=can_go_back, validate=multi_validator(m, question), initial_choice=pointer, **prompt_kwargs)


def ask_question(m: Catalogue, question: Question, default: Any = None, *, pointer: str | None = None,
                 can_go_back: bool = True, **prompt_kwargs: Any) -> Answer:
    """One prompt for one question: its answer (a list for multi, in bank order), or a Move (back, help)."""
    if question.kind == "single":
        return single_prompt(m, question, default, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    selected = multi_prompt(m, question, default, pointer=pointer, can_go_back=can_go_back, **prompt_kwargs).unsafe_ask()
    if isinstance(selected, Move):
        return selected
    if selected == [UNSURE]:
        return UNSURE
    return [value for value in question.values if value in selected]


def text_prompt(m: Catalogue, label: str, default: str = "", *, can_go_back: bool = False,
                **prompt_kwargs: Any) -> questionary.Question:
    """One line of free text under `label`, starting from `default`: Enter with nothing typed skips, with
    `default` keeps it; with `can_go_back`, Escape leaves with a Move(BACK) carrying what was typed."""
    keys = [m("wizard.key_keep") if default else m("wizard.key_skip")]
    if can_go_back:
        keys.append(m("wizard.key_escape_back"))
    prompt = questionary.text(m("wizard.text_prompt", label=label, hint=key_hint(m, keys)), default=default, **prompt_kwargs)
    bindings = KeyBindings()
    if can_go_back:
        for key in TEXT_BACK_KEYS:
            bindings.add(key, eager=True)(lambda event: event.app.exit(result=Move(BACK, event.app.current_buffer.text)))
    _own_keys(prompt, bindings)
    return prompt


def confirm_prompt(m: Catalogue, message: str, default: bool = False, **prompt_kwargs: Any) -> questionary.Question:
    """A yes/no question answered by one key, the catalogue's letters (y and n work too), or Enter for `default`."""
    shown = m("wizard.confirm_yes") if default else m("wizard.confirm_no")
    prompt = questionary.confirm(message, default=default, instruction=shown + " ", **prompt_kwargs)
    bindings = KeyBindings()
    for letter, value in ((m("wizard.letter.yes"), True), (m("wizard.letter.no"), False)):
        for key in {letter.lower(), letter.upper()}:
            bindings.add(key, eager=True)(lambda event, value=value: event.app.exit(result=value))
    _own_keys(prompt, bindings)
    return prompt


def confirm(m: Catalogue, console: Console, message: str, default: bool = False, **prompt_kwargs: Any) -> bool:
    """Ask a yes/no question and leave it on screen answered, in the catalogue's words."""
    yes = bool(confirm_prompt(m, message, default, **prompt_kwargs).unsafe_ask())
    console.print(record(message, m("wizard.yes") if yes else m("wizard.no")))
    return yes


def review_entry(ruleset: Ruleset, state: walk.WalkState, qid: str, value: Any) -> str:
    """One answer in the review, whole: section, the question's prompt, the answer, where it came from, and
    the reason given for it."""
    m = ruleset.messages
    question = ruleset.question(qid)
    fields = {"section": ruleset.section_title(question.section), "question": question.prompt,
              "answer": answer_label(m, question, value)}
    entry = m("wizard.review_entry", **fields) if qid in state.history else m("wizard.review_entry_earlier", **fields)
    reason = state.reason(qid)
    return m("wizard.review_reason", entry=entry, reason=reason) if reason else entry


def case_entry(ruleset: Ruleset, state: walk.WalkState) -> str:
    """The case details in the review: which are recorded (picked, they are asked again)."""
    m = ruleset.messages
    if not state.case:
        return m("wizard.review_no_case")
    return m("wizard.review_case", fields=m("list.comma").join(m(f"case.{key}") for key, _ in state.case))


def review_prompt(ruleset: Ruleset, state: walk.WalkState, **prompt_kwargs: Any) -> questionary.Question:
    """Accept, go back, pick an answer to change, or the case details: one entry each, wrapped, in a list
    that scrolls."""
    m = ruleset.messages
    choices: list[Any] = [Choice(m("wizard.accept"), value=ACCEPT), Choice(m("wizard.back"), value=BACK), Separator()]
    choices += [Choice(review_entry(ruleset, state, qid, value), value=qid) for qid, value in state.answers]
    choices += [Separator(), Choice(case_entry(ruleset, state), value=CASE)]
    return menu("select", m("wizard.review"), choices, key_hint(m, [m("wizard.key_pick"), m("wizard.key_back")]),
                help_key=False, can_go_back=True, **prompt_kwargs)


def pick_session_prompt(m: Catalogue, entries: Sequence[tuple[str, str]], **prompt_kwargs: Any) -> questionary.Question:
    """Which interrupted session to continue: (name, description) pairs, the latest first."""
    choices = [Choice(f"{name}  {description}", value=name) for name, description in entries]
    return menu("select", m("session.pick"), choices, key_hint(m, [m("wizard.key_pick")]), help_key=False,
                can_go_back=False, **prompt_kwargs)


# ---------------------------------------------------------------------------------------------- the session

Save = Callable[..., Any]  # (product, answers, *, case, justifications, reasons), as session.Recorder takes them


@dataclass
class Wizard:
    """One interactive session: the walk state (answers, case, reasons), the product name, whether to ask a
    reason after each answer, and where to save after each change."""

    ruleset: Ruleset
    console: Console
    save: Save
    product: str | None = None
    state: walk.WalkState = field(default_factory=walk.WalkState)
    prompt_kwargs: dict[str, Any] = field(default_factory=dict)
    ask_product: bool = True  # not when resuming: the name (or none) was given when the session started
    reasons: bool | None = None  # ask a reason after each answer; None: not asked yet (the opening asks)
    chosen: str | None = None  # the question the user went back to or picked: its reason is asked again

    @classmethod
    def begin(cls, ruleset: Ruleset, console: Console, save: Save, *, product: str | None = None,
              answers: dict[str, Any] | None = None, case: dict[str, str] | None = None,
              justifications: dict[str, str] | None = None, reasons: bool | None = None, ask_product: bool = True,
              **prompt_kwargs: Any) -> "Wizard":
        """A wizard resuming from a checked partial document (a saved session or an incomplete file), if any."""
        state = walk.start(ruleset, answers, case=case, justifications=justifications)
        return cls(ruleset, console, save, product, state, prompt_kwargs, ask_product, reasons)

    @property
    def m(self) -> Catalogue:
        return self.ruleset.messages

    def persist(self) -> Any:
        """Save the session as it stands; what the save returns (the session's path)."""
        return self.save(self.product, self.state.as_dict(), case=dict(self.state.case),
                         justifications=dict(self.state.justifications), reasons=self.reasons)

    def document(self) -> dict[str, Any]:
        """The answers document of the walk: what is classified, and what --save writes."""
        from atmp_cli.session import answers_document

        return answers_document(self.product, self.state.as_dict(), case=dict(self.state.case),
                                justifications=dict(self.state.justifications))

    def run(self) -> dict[str, Any]:
        """Ask for the product (unless known), offer to record the case and reasons (unless that was asked
        when the session began), walk, review; the answers document to classify."""
        self.introduce()
        if self.reasons is None:
            self.opening()
        while True:
            self.walk()
            if self.review():
                return self.document()

    def introduce(self) -> None:
        """The product: asked on a new walk, else shown; and the case details the walk came with."""
        if self.product is None and self.ask_product:
            name = questionary.text(self.m("wizard.product"), **self.prompt_kwargs).unsafe_ask()
            self.product = clean_text(name or "") or None
            self.persist()
        elif self.product is not None:
            self.console.print(Text(self.m("wizard.product_known", product=self.product), style="bold"))
        for key, value in self.state.case:
            self.console.print(Text(self.m("wizard.case_known", label=self.m(f"case.{key}"), value=value)))

    def opening(self) -> None:
        """Offer to record the case details (unless the walk came with them) and a reason after each answer.
        Both default to no (reasons to yes if the walk came with some): who wants neither presses Enter twice."""
        if not self.state.case and self.confirm(self.m("wizard.ask_case")):
            self.ask_case()
        self.reasons = self.confirm(self.m("wizard.ask_reasons"), default=bool(self.state.justifications))
        self.persist()

    def confirm(self, message: str, default: bool = False) -> bool:
        return confirm(self.m, self.console, message, default, **self.prompt_kwargs)

    def ask_text(self, label: str, default: str = "", *, can_go_back: bool = False) -> str | Move:
        """One line of text, cleaned, left on screen under its label if not blank; or a Move back."""
        typed = text_prompt(self.m, label, default, can_go_back=can_go_back, **self.prompt_kwargs).unsafe_ask()
        if isinstance(typed, Move):
            return typed
        text = clean_text(typed or "")
        if text:
            self.console.print(record(self.m("wizard.text_answered", label=label), text))
        return text

    def ask_case(self) -> None:
        """Each case detail in turn, starting from the one recorded (Enter skips or keeps it), saved as it goes."""
        from atmp_cli.answers import CASE_KEYS

        for key in CASE_KEYS:
            recorded = dict(self.state.case)
            typed = self.ask_text(self.m(f"case.{key}"), recorded.get(key, ""))
            self.state = walk.with_case(self.state, {**recorded, key: typed})
            self.persist()

    def ask_reason(self, qid: str) -> None:
        """The reason for the answer just given, starting from the one recorded; Escape goes back to the
        question, keeping what was typed."""
        typed = self.ask_text(self.m("wizard.reason"), self.state.reason(qid) or "", can_go_back=True)
        if isinstance(typed, Move):
            self.state = walk.justify(self.ruleset, self.state, qid, typed.draft)
            self.revisit(qid)
        else:
            self.state = walk.justify(self.ruleset, self.state, qid, typed)
        self.persist()

    def revisit(self, qid: str) -> None:
        self.state = walk.edit(self.ruleset, self.state, qid)
        self.chosen = qid

    def go_back(self) -> None:
        self.state = walk.back(self.ruleset, self.state)
        self.chosen = self.state.cursor

    def walk(self) -> None:
        """Ask until no question is left, saving after every answer.

        An answer that contradicts another (the bank's constraints) is not recorded: the bank's message is
        printed and the question asked again, starting from the refused answer, so that fixing one tick
        does not mean ticking the others again. With reasons on, a new or changed answer, or the answer to
        the question the user went back to, is followed by the prompt for its reason; an answer walked past
        as it was keeps its reason.
        """
        refused: tuple[str, Any] | None = None  # (question id, answer) just refused as a contradiction
        while (question := walk.next_question(self.ruleset, self.state)) is not None:
            where = walk.progress(self.ruleset, self.state)
            self.console.print()
            self.console.print(Text(self.m("wizard.progress", section=where.section, index=where.index, total=where.total),
                                    style="bold cyan"))
            can_go_back = walk.previous_question(self.ruleset, self.state) is not None
            draft = refused[1] if refused is not None and refused[0] == question.id else None
            refused = None
            value = self.ask(question, can_go_back, draft)
            if isinstance(value, Move):  # back (help is handled in ask)
                self.go_back()
                continue
            conflicts = walk.conflicts(self.ruleset, self.state, question.id, value)
            if conflicts:  # answers that contradict each other: say why, and ask again
                for message in conflicts:
                    self.console.print(Text(message, style="bold yellow"))
                refused = (question.id, value)
                continue
            reason_wanted = self.reasons and (question.id == self.chosen or walk.changes(self.state, question.id, value))
            self.state = walk.answer(self.ruleset, self.state, question.id, value)
            self.persist()
            if reason_wanted:
                self.ask_reason(question.id)

    def ask(self, question: Question, can_go_back: bool, draft: Any = None) -> Answer:
        """The question's answer, or a Move back; help is shown in between, returning as the user left it.

        The prompt starts on `draft` if given (an answer just refused), else on the stored answer or the
        bank's safe default."""
        if draft is None:
            draft = walk.default_for(self.ruleset, self.state, question.id)
        pointer = None
        while True:
            value = ask_question(self.m, question, draft, pointer=pointer, can_go_back=can_go_back, **self.prompt_kwargs)
            if not isinstance(value, Move):
                self.console.print(answered(self.m, question, value))
                return value
            if value.kind == BACK:
                return value
            self.console.print(help_text(self.ruleset, question))
            draft, pointer = value.draft, value.pointer

    def review(self) -> bool:
        """Every answer, and the case, in a list to pick from; True to classify, False after a change (the
        caller walks again)."""
        self.console.print()
        choice = review_prompt(self.ruleset, self.state, **self.prompt_kwargs).unsafe_ask()
        if choice == ACCEPT:
            return True
        if choice == CASE:
            self.ask_case()
        elif choice == BACK or isinstance(choice, Move):
            self.go_back()
        else:
            self.revisit(choice)
        return False


def offer_exports(m: Catalogue, console: Console, save_answers: Callable[[str], Any], save_report: Callable[[str], Any], *,
                  ask_answers: bool = True, **prompt_kwargs: Any) -> None:
    """After the report: offer to write the answers document and the report to files."""
    if ask_answers and confirm(m, console, m("wizard.save_answers"), **prompt_kwargs):
        path = questionary.text(m("wizard.answers_file"), default="answers.json", **prompt_kwargs).unsafe_ask()
        save_answers(path)
    if confirm(m, console, m("wizard.save_report"), **prompt_kwargs):
        path = questionary.text(
            m("wizard.report_file"), default="report.html",
            validate=lambda p: format_for_path(p) is not None or m("wizard.report_file_invalid"),
            **prompt_kwargs,
        ).unsafe_ask()
        save_report(path)
