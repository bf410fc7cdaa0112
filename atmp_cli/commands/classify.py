"""`atmp classify`: from an answers file or a built-in example to a report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from atmp_cli import bank
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Message, did_you_mean
from atmp_cli.result import Result

if TYPE_CHECKING:
    from atmp_cli.session import Session


@dataclass(frozen=True)
class ClassifyOptions:
    answers: str | None
    example: str | None
    fmt: str | None
    output: str | None
    country: str | None
    ruleset: str
    resume: bool = False
    session: str | None = None  # --session NAME: resume that one
    save: str | None = None
    product: str | None = None
    full: bool = False  # text on stdout: the whole report, not only the summary

    @property
    def resuming(self) -> bool:
        return self.resume or self.session is not None


def country_code(ruleset: bank.Ruleset, country: str | None) -> str | None:
    """Validate --country against the national notes the ruleset ships."""
    if country is None:
        return None
    code = country.upper()
    if code not in ruleset.national:
        if ruleset.national:
            fail(Message.of("classify.unknown_country", country=repr(country), available=", ".join(sorted(ruleset.national))), ExitCode.USAGE)
        fail(Message.of("classify.no_countries", country=repr(country)), ExitCode.USAGE)
    return code


def load_ruleset(ruleset_id: str) -> bank.Ruleset:
    """The ruleset, in the language this run speaks (atmp_cli.language); an unknown one is a usage error."""
    from atmp_cli import language

    known = bank.available_rulesets()
    if ruleset_id not in known:
        fail(Message.of("classify.unknown_ruleset", ruleset=repr(ruleset_id), hint=did_you_mean(ruleset_id, known), available=", ".join(known)),
             ExitCode.USAGE)
    return bank.load(ruleset_id, language.current())


def exit_code_for(result: Result) -> int:
    return int(ExitCode.UNDETERMINED if result.classification.code == "undetermined" else ExitCode.CLASSIFIED)


def interactive() -> bool:
    """Whether the wizard may prompt: stdin is a terminal and we are not in CI (never hang waiting)."""
    return sys.stdin.isatty() and not os.environ.get("CI")


def run(options: ClassifyOptions) -> int:
    if options.answers and options.example:
        fail(Message.of("classify.answers_and_example"), ExitCode.USAGE)
    if options.resuming and (options.answers or options.example):
        fail(Message.of("classify.resume_and_answers"), ExitCode.USAGE)
    wizard_only = not (options.answers or options.example)
    if wizard_only and not options.resuming and not interactive():
        # Before loading anything else, and long before questionary: exit at once, never wait for input.
        fail(Message.of("classify.no_terminal"), ExitCode.USAGE)

    from atmp_cli.applicability import applicable_answers
    from atmp_cli.engine import classify
    from atmp_cli.examples import ExampleError, load_example
    from atmp_cli.inputs import checked_document, read_json

    ruleset = load_ruleset(options.ruleset)
    country = country_code(ruleset, options.country)
    resumed = None
    name: str | Message
    if options.resuming:
        from atmp_cli.session import session_path

        resumed = pick_session(ruleset.id, options.session)
        name, document = str(session_path(resumed.name)), resumed.answers_document()
    elif options.example:
        try:
            name, document = Message.of("classify.example_source", name=options.example), load_example(ruleset, options.example)
        except ExampleError as error:
            fail(Message.of("at.option", option="--example", problem=error.message), ExitCode.USAGE)
    elif options.answers:
        name, document = read_json(options.answers)
    else:
        name, document = Message.of("classify.wizard_source"), {}
    if isinstance(document, dict) and options.product is not None:
        document = {**document, "product": options.product}
    at_terminal = interactive()
    if wizard_only or (options.answers and at_terminal):
        # The wizard: a new walk or a resumed one at a terminal, or an answers file that leaves questions open.
        partial = checked_document(ruleset, name, document, require_complete=False)
        incomplete = bool(applicable_answers(ruleset, partial.answers).missing)
        if at_terminal and (wizard_only or incomplete):
            _warn(name, partial.warnings)
            return run_wizard(ruleset, options, country, partial.product, partial.answers, resumed,
                              case=partial.case, justifications=partial.justifications)
        if incomplete:  # a session resumed without a terminal; a complete one is classified like a file
            fail(Message.of("classify.session_incomplete", session=resumed.name), ExitCode.USAGE)
    checked = checked_document(ruleset, name, document)
    _warn(name, checked.warnings)
    result = classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings,
                      case=checked.case, justifications=checked.justifications)
    _warn(name, result.warnings[len(checked.warnings):])
    write_report(result, options.fmt, options.output, full=options.full)
    save = options.save or (resumed.saved_to if resumed else None)
    if save:
        from atmp_cli.session import write_answers

        write_answers(save, checked.product, checked.answers, case=checked.case, justifications=checked.justifications)
    if resumed:
        from atmp_cli.session import delete_session

        delete_session(resumed.name)
    return exit_code_for(result)


def pick_session(ruleset_id: str, name: str | None) -> Session:
    """The session to resume: NAME; else the latest, or at a terminal with several, the one the user picks."""
    from atmp_cli import language, session
    from atmp_cli.bank import did_you_mean
    from atmp_cli.messages import Message

    m = language.catalogue()
    sessions, problems = session.list_sessions(ruleset_id)
    for problem in problems:
        print(m("session.warning", problem=problem), file=sys.stderr)
    if name is not None:
        found = session.find(sessions, name)
        if found is None:
            other = session.find(session.list_sessions()[0], name)
            if other:
                fail(Message.of("session.other_ruleset", name=name, ruleset=other.ruleset), ExitCode.USAGE)
            names = [s.name for s in sessions]
            fail(Message.of("session.no_such", name=name, did_you_mean=did_you_mean(name, names)), ExitCode.USAGE)
        return found
    if not sessions:
        fail(Message.of("session.none_to_resume", folder=str(session.sessions_dir())), ExitCode.USAGE)
    if len(sessions) == 1 or not interactive():
        return sessions[0]
    from atmp_cli.wizard import pick_session_prompt

    try:
        chosen = pick_session_prompt(m, [(s.name, describe_session(s)) for s in sessions]).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        fail(Message.of("session.not_picked"), ExitCode.INTERRUPTED)
    return session.find(sessions, chosen)


def describe_session(saved: Session) -> str:
    """A session in a few words, for the list to pick from: product, when it was last saved, answers so far."""
    from atmp_cli import language
    from atmp_cli.answers import clean_text
    from atmp_cli.session import local_time

    m = language.catalogue()
    count = len(saved.answers)
    product = clean_text(saved.product or "") or m("session.no_product")
    saved_at = local_time(saved.saved)
    if count == 1:
        return m("session.described_one", product=product, saved=saved_at, count=count)
    return m("session.described_many", product=product, saved=saved_at, count=count)


def _warn(name: str | Message, warnings: Sequence[Message | str]) -> None:
    """Each warning on a line of stderr, naming the file, in the run's language."""
    from atmp_cli import language

    m = language.catalogue()
    for warning in warnings:
        print(m("classify.warning", source=name, warning=warning), file=sys.stderr)


def run_wizard(ruleset: bank.Ruleset, options: ClassifyOptions, country: str | None, product: str | None,
               answers: dict[str, Any], resumed: Session | None = None, *, case: dict[str, str] | None = None,
               justifications: dict[str, str] | None = None) -> int:
    """Walk the user through the missing answers, then classify and report; 130 on Ctrl-C, answers saved.

    The case and the reasons the walk starts with are `case` and `justifications` (an answers file's, checked),
    else the resumed session's; the wizard offers to record more, and they go into the report and the
    answers files written. The walk is saved after every answer as its own session (a new one, or the one
    resumed) and that session is deleted once the user is through; a KeyboardInterrupt (Ctrl-C) or EOFError
    (terminal gone) anywhere in here is caught once, here.
    """
    from rich.console import Console
    from rich.text import Text

    from atmp_cli import session
    from atmp_cli.answers import check_document
    from atmp_cli.engine import classify
    from atmp_cli.messages import Message
    from atmp_cli.wizard import Wizard, offer_exports

    m = ruleset.messages
    console = Console(highlight=False, stderr=False)
    save = options.save or (resumed.saved_to if resumed else None)
    recorder = session.Recorder(ruleset.id, saved_to=str(Path(save).resolve()) if save else None, resumed=resumed)
    if resumed is None:
        kept = session.list_sessions(ruleset.id)[0]
        if kept:
            count = len(kept)
            print(m("session.kept_one", count=count) if count == 1 else m("session.kept_many", count=count), file=sys.stderr)
    else:
        console.print(Text(m("session.continuing", name=resumed.name), style="dim"))
        case = resumed.case if case is None else case
        justifications = resumed.justifications if justifications is None else justifications
    wizard = Wizard.begin(ruleset, console, recorder, product=product, answers=answers, case=case,
                          justifications=justifications, reasons=resumed.reasons if resumed else None,
                          ask_product=resumed is None)
    try:
        checked = check_document(ruleset, wizard.run())  # saves after every answer
        if not checked.ok:  # cannot happen: the walk only records bank values; fail loudly rather than guess
            fail(Message.of("session.incomplete", errors=m("list.semicolon").join(str(e) for e in checked.errors)))
        result = classify(ruleset, checked.answers, product=checked.product, country=country, case=checked.case,
                          justifications=checked.justifications)
        console.print()
        write_report(result, options.fmt, options.output, full=options.full)

        def save_answers(path: str) -> None:
            session.write_answers(path, checked.product, checked.answers, case=checked.case, justifications=checked.justifications)

        if save:
            save_answers(save)
            console.print(Text(m("session.answers_saved", path=save), style="dim"))
        offer_exports(m, console, save_answers, lambda path: write_report(result, None, path), ask_answers=not save)
    except (KeyboardInterrupt, EOFError):
        if recorder.name is None:  # nothing entered yet: no session made
            print("\n" + m("session.interrupted_before"), file=sys.stderr)
            return int(ExitCode.INTERRUPTED)
        path = wizard.persist()
        print("\n" + m("session.interrupted", name=recorder.name, path=str(path)), file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    recorder.finish()
    return exit_code_for(result)


def report_format(fmt: str | None, output: str | None) -> str:
    """--format if given, else what --output's extension says, else text."""
    from atmp_cli.output import output_format
    from atmp_cli.render import FORMATS_BY_EXTENSION

    return output_format(fmt, output, FORMATS_BY_EXTENSION, "text")


def produced_now() -> str:
    """The time an export is produced: UTC, ISO 8601, to the second."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(result: Result, fmt: str, produced_at: str | None = None) -> str:
    """The report as a string in `fmt` (json, md, html or text for a file)."""
    if fmt == "json":
        from atmp_cli.serialize import to_json

        return to_json(result, produced_at=produced_at)
    if fmt == "md":
        from atmp_cli.render.markdown import render_markdown

        return render_markdown(result, produced_at=produced_at)
    if fmt == "html":
        from atmp_cli.render.html import render_html

        return render_html(result, produced_at=produced_at)
    from atmp_cli.render.text import render_text

    return render_text(result, produced_at=produced_at)


def write_report(result: Result, fmt: str | None, output: str | None, *, full: bool = False) -> None:
    """Print the report, or export it to a file (exports carry the time they were produced, and always the
    whole report). Text on stdout is the summary alone unless `full`, ending with the classification.

    Output on stdout never carries a time, so the same input gives the same bytes. The draft CAT request
    (cat-request: Word for a .docx file, else Markdown) is written from the same result, with its case.
    """
    from atmp_cli.output import emit

    fmt = report_format(fmt, output)
    if fmt == "cat-request":
        from atmp_cli.render.cat_request import export_cat_request

        export_cat_request(result, output)
        return
    to_stdout = output in (None, "-")
    if fmt == "text" and to_stdout:
        from rich.console import Console

        from atmp_cli.render.text import print_report

        print_report(result, Console(highlight=False, soft_wrap=False), full=full)
        return
    emit(render(result, fmt, None if to_stdout else produced_now()), output)
