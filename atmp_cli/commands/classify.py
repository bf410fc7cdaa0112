"""`atmp classify`: from an answers file or a built-in example to a report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Sequence

from atmp_cli import bank
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.result import Result


@dataclass(frozen=True)
class ClassifyOptions:
    answers: str | None
    example: str | None
    fmt: str | None
    output: str | None
    country: str | None
    ruleset: str
    resume: bool = False
    save: str | None = None
    product: str | None = None


def country_code(ruleset: bank.Ruleset, country: str | None) -> str | None:
    """Validate --country against the national notes the ruleset ships."""
    if country is None:
        return None
    code = country.upper()
    if code not in ruleset.national:
        known = ", ".join(sorted(ruleset.national)) or "none"
        fail(f"--country: no national notes for {country!r}; available: {known}", ExitCode.USAGE)
    return code


def load_ruleset(ruleset_id: str) -> bank.Ruleset:
    try:
        return bank.load(ruleset_id)
    except bank.BankError as error:
        if str(error).startswith("unknown ruleset"):
            fail(f"--ruleset: {error}", ExitCode.USAGE)
        raise


def exit_code_for(result: Result) -> int:
    return int(ExitCode.UNDETERMINED if result.classification.code == "undetermined" else ExitCode.CLASSIFIED)


NO_TERMINAL = (
    "no answers given and the wizard needs a terminal: run 'atmp classify --answers FILE' "
    "(or '--answers -' to read JSON from stdin), or 'atmp classify --example car-t'"
)


def interactive() -> bool:
    """Whether the wizard may prompt: stdin is a terminal and we are not in CI (never hang waiting)."""
    return sys.stdin.isatty() and not os.environ.get("CI")


def run(options: ClassifyOptions) -> int:
    if options.answers and options.example:
        fail("give either --answers or --example, not both", ExitCode.USAGE)
    if options.resume and (options.answers or options.example):
        fail("--resume continues the saved wizard session; it cannot be combined with --answers or --example", ExitCode.USAGE)
    wizard_only = not (options.answers or options.example)
    if wizard_only and not interactive():
        # Before loading anything else, and long before questionary: exit at once, never wait for input.
        fail(NO_TERMINAL + (" (--resume needs a terminal too)" if options.resume else ""), ExitCode.USAGE)

    from atmp_cli.engine import applicable_answers, classify
    from atmp_cli.examples import ExampleError, load_example
    from atmp_cli.inputs import checked_document, read_json

    ruleset = load_ruleset(options.ruleset)
    country = country_code(ruleset, options.country)
    if options.resume:
        from atmp_cli.session import load_session, session_path

        name, document = str(session_path(ruleset.id)), load_session(ruleset.id)
    elif options.example:
        try:
            name, document = f"example {options.example}", load_example(ruleset, options.example)
        except ExampleError as error:
            fail(f"--example: {error}", ExitCode.USAGE)
    elif options.answers:
        name, document = read_json(options.answers)
    else:
        name, document = "wizard", {}
    if isinstance(document, dict) and options.product is not None:
        document = {**document, "product": options.product}
    if options.answers and interactive():
        partial = checked_document(ruleset, name, document, require_complete=False)
        if applicable_answers(ruleset, partial.answers).missing:
            _warn(name, partial.warnings)
            return run_wizard(ruleset, options, country, partial.product, partial.answers)
    if wizard_only:
        partial = checked_document(ruleset, name, document, require_complete=False)
        _warn(name, partial.warnings)
        return run_wizard(ruleset, options, country, partial.product, partial.answers)
    checked = checked_document(ruleset, name, document)
    _warn(name, checked.warnings)
    result = classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings)
    _warn(name, result.warnings[len(checked.warnings):])
    write_report(result, options.fmt, options.output)
    if options.save:
        from atmp_cli.session import write_answers

        write_answers(options.save, checked.product, checked.answers)
    return exit_code_for(result)


def _warn(name: str, warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(f"atmp: warning: {name}: {warning}", file=sys.stderr)


def run_wizard(ruleset: bank.Ruleset, options: ClassifyOptions, country: str | None, product: str | None, answers: dict[str, Any]) -> int:
    """Walk the user through the missing answers, then classify and report; 130 on Ctrl-C, answers saved.

    The session is saved after every answer and deleted once the user is through; a KeyboardInterrupt
    (Ctrl-C) or EOFError (terminal gone) anywhere in here is caught once, here.
    """
    from rich.console import Console
    from rich.text import Text

    from atmp_cli import session
    from atmp_cli.answers import check_document
    from atmp_cli.engine import classify
    from atmp_cli.wizard import Wizard, offer_exports

    console = Console(highlight=False, stderr=False)
    save = lambda product_name, values: session.save_session(ruleset.id, product_name, values)  # noqa: E731
    wizard = Wizard.begin(ruleset, console, save, product=product, answers=answers)
    if not options.resume and session.session_path(ruleset.id).is_file():
        print(f"atmp: note: replacing the interrupted session in {session.session_path(ruleset.id)} "
              "(to continue it instead, press Ctrl-C now and run 'atmp classify --resume')", file=sys.stderr)
    try:
        product, final = wizard.run()  # saves after every answer
        checked = check_document(ruleset, session.answers_document(product, final))
        if not checked.ok:  # cannot happen: the walk only records bank values; fail loudly rather than guess
            fail("wizard answers are incomplete: " + "; ".join(str(e) for e in checked.errors))
        result = classify(ruleset, checked.answers, product=checked.product, country=country)
        console.print()
        write_report(result, options.fmt, options.output)
        if options.save:
            session.write_answers(options.save, checked.product, checked.answers)
            console.print(Text(f"Answers saved to {options.save}", style="dim"))
        offer_exports(
            lambda path: session.write_answers(path, checked.product, checked.answers),
            lambda path: write_report(result, None, path),
            ask_answers=not options.save,
        )
    except (KeyboardInterrupt, EOFError):
        if not wizard.saved:  # nothing entered yet: leave any earlier session as it was
            print("\natmp: interrupted before any answer; nothing saved", file=sys.stderr)
            return int(ExitCode.INTERRUPTED)
        path = session.save_session(ruleset.id, wizard.product, wizard.state.as_dict())
        print(f"\natmp: interrupted; answers so far saved to {path}; continue with 'atmp classify --resume'", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    session.clear_session(ruleset.id)
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
        from atmp_cli.render.json_out import render_json

        return render_json(result, produced_at=produced_at)
    if fmt == "md":
        from atmp_cli.render.markdown import render_markdown

        return render_markdown(result, produced_at=produced_at)
    if fmt == "html":
        from atmp_cli.render.html import render_html

        return render_html(result, produced_at=produced_at)
    from atmp_cli.render.text import render_text

    return render_text(result, produced_at=produced_at)


def write_report(result: Result, fmt: str | None, output: str | None) -> None:
    """Print the report, or export it to a file (exports carry the time they were produced).

    Output on stdout never carries a time, so the same input gives the same bytes.
    """
    from atmp_cli.output import emit

    fmt = report_format(fmt, output)
    to_stdout = output in (None, "-")
    if fmt == "text" and to_stdout:
        from rich.console import Console

        from atmp_cli.render.text import print_report

        print_report(result, Console(highlight=False, soft_wrap=False))
        return
    emit(render(result, fmt, None if to_stdout else produced_now()), output)
