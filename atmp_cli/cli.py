"""The `atmp` command line: thin typer commands over the engine.

Only typer is imported at start-up; each command imports what it needs when it runs, so `atmp --version`
and `atmp classify --format json` do not pay for questionary or the report renderers.
"""

from __future__ import annotations

from enum import Enum
from typing import Callable, List, Optional, TypeVar

import typer

from atmp_cli import __version__
from atmp_cli.errors import CliError, report
from atmp_cli.exit_codes import ExitCode

EXIT_CODES_HELP = """\b
Exit codes:
  0    classified (any class, including not-ATMP)
  1    invalid input (the message names the file, record and field)
  2    usage error (also: wizard asked for without a terminal)
  3    undetermined (the outcome depends on answers marked unsure)
  130  interrupted (wizard answers so far are saved; resume with --resume)
  141  the reader of the output went away (e.g. atmp ... | head)
"""

app = typer.Typer(
    name="atmp",
    help="Is this product an advanced therapy medicinal product (ATMP) under EU law, and of which kind? "
    "Walks through origin, processing, intended use and device components, and prints a classification "
    "report quoting the legal text behind each step.",
    epilog=EXIT_CODES_HELP,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class TreeFormat(str, Enum):
    text = "text"
    mermaid = "mermaid"


class BatchFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def _guarded(run: Callable[[], T]) -> T:
    """Run a command body, turning our errors into a one-line message and the documented exit code."""
    from atmp_cli.bank import BankError

    try:
        return run()
    except CliError as error:
        raise typer.Exit(report(error)) from None
    except BankError as error:
        raise typer.Exit(report(CliError(f"question bank: {error}", ExitCode.INVALID_INPUT))) from None


def _version(value: bool) -> None:
    if value:
        print(f"atmp {__version__}")
        raise typer.Exit(ExitCode.CLASSIFIED)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """atmp: ATMP classification under EU law."""


@app.command(epilog=EXIT_CODES_HELP)
def classify(
    answers: Optional[str] = typer.Option(None, "--answers", "-a", metavar="FILE", help="Answers file (JSON); '-' reads stdin. Without it, the wizard asks at a terminal."),
    example: Optional[str] = typer.Option(None, "--example", "-e", metavar="NAME", help="Classify a built-in example (see 'atmp examples')."),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", "-f", help="Report format: text (default), json, md (Markdown) or html. With --output, taken from FILE's extension unless given."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE (.txt, .md, .html or .json; atomically) with the time it was produced in its audit block."),
    country: Optional[str] = typer.Option(None, "--country", metavar="CODE", help="Add national notes, e.g. SE."),
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted wizard session: the latest, or at a terminal with several, the one you pick (see 'atmp sessions'). It remembers --save."),
    session: Optional[str] = typer.Option(None, "--session", metavar="NAME", help="Continue the interrupted wizard session NAME (implies --resume; 'atmp sessions' lists them)."),
    save: Optional[str] = typer.Option(None, "--save", metavar="FILE", help="Also write the answers (an --answers file) to FILE."),
    product: Optional[str] = typer.Option(None, "--product", "-p", metavar="NAME", help="Product name for the report (pre-fills the wizard)."),
) -> None:
    """Classify a product from an answers file, a built-in example, or the interactive wizard.

    With --answers at a terminal, the wizard asks only the questions the file leaves unanswered.
    """
    from atmp_cli.commands.classify import ClassifyOptions, run

    options = ClassifyOptions(
        answers=answers, example=example, fmt=fmt.value if fmt else None, output=output, country=country,
        ruleset=ruleset, resume=resume, session=session, save=save, product=product,
    )
    raise typer.Exit(_guarded(lambda: run(options)))


@app.command()
def examples(
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List the built-in examples and how each classifies."""
    from atmp_cli.commands.reference import list_examples

    _guarded(lambda: list_examples(ruleset, fmt.value))


@app.command()
def questions(
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List the question bank: id, section, prompt, allowed answers, when it is asked."""
    from atmp_cli.commands.reference import list_questions

    _guarded(lambda: list_questions(ruleset, fmt.value))


@app.command()
def definitions(
    ids: Optional[List[str]] = typer.Argument(None, metavar="[ID]...", help="Legal text ids; all when omitted."),
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Print the legal texts atmp cites, verbatim, with citation and source."""
    from atmp_cli.commands.reference import show_definitions

    _guarded(lambda: show_definitions(ruleset, ids or [], fmt.value))


@app.command()
def tree(
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    fmt: TreeFormat = typer.Option(TreeFormat.text, "--format", "-f", help="text, or mermaid (a fenced flowchart for Markdown viewers)."),
) -> None:
    """Print the whole question tree: sections, questions with their conditions and answers, and how the rules and definitions combine."""
    from atmp_cli.commands.tree import show_tree

    _guarded(lambda: show_tree(ruleset, fmt.value))


@app.command()
def explain(
    question_id: str = typer.Argument(..., metavar="QUESTION_ID", help="A question id, as listed by 'atmp questions'."),
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Explain one question: prompt, help, allowed answers, when it is asked, and the legal definitions behind it."""
    from atmp_cli.commands.tree import explain as run_explain

    _guarded(lambda: run_explain(ruleset, question_id, fmt.value))


@app.command()
def sessions(
    delete: Optional[str] = typer.Option(None, "--delete", metavar="NAME", help="Delete the session NAME instead."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List the interrupted wizard sessions (name, product, when saved, answers so far), the latest first.

    Continue one with 'atmp classify --resume' (the latest) or 'atmp classify --session NAME'.
    """
    from atmp_cli.commands.sessions import delete_session, list_sessions

    _guarded(lambda: delete_session(delete) if delete is not None else list_sessions(fmt.value))


@app.command(epilog=EXIT_CODES_HELP)
def batch(
    paths: List[str] = typer.Argument(..., metavar="PATH", help="Answers files: .json (an object or an array of objects), .jsonl (one object a line), folders of them, or '-' for JSON Lines on stdin."),
    fmt: Optional[BatchFormat] = typer.Option(None, "--format", "-f", help="Output format. Default: table on a terminal, jsonl otherwise."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the results to FILE (atomically: all or nothing)."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Also read folders inside the folders given."),
    full_text: bool = typer.Option(False, "--full-text", help="jsonl: include the quoted legal texts in every result (see 'atmp definitions --format json')."),
    summary: bool = typer.Option(False, "--summary", help="Print only the counts by class (in the chosen format)."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first record that cannot be classified; --output is then not written."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    country: Optional[str] = typer.Option(None, "--country", metavar="CODE", help="Add national notes, e.g. SE."),
    ruleset: str = typer.Option("eu", "--ruleset", metavar="ID", help="Ruleset under questions/."),
) -> None:
    """Classify many products: one result or error row a record, in input order, streamed.

    Exit code: 0 all classified, 3 some undetermined and none invalid, 1 any record or file invalid.
    """
    from atmp_cli.commands.batch import BatchOptions, run

    options = BatchOptions(
        paths=tuple(paths), fmt=fmt.value if fmt else None, output=output, recursive=recursive, full_text=full_text,
        summary=summary, fail_fast=fail_fast, quiet=quiet, country=country, ruleset=ruleset,
    )
    raise typer.Exit(_guarded(lambda: run(options)))


def main() -> None:
    """Console entry point."""
    import os
    import signal
    import sys

    # `atmp ... | head`: when the reader leaves, end quietly like other Unix tools (killed by SIGPIPE,
    # status 141) instead of reporting a broken pipe as if the input had been invalid.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Started with stdin or stdout closed (`<&-`, `>&-`): read nothing, write nowhere, but do not crash.
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    try:
        app()
    except SystemExit:
        _flush_or_fail(sys.stdout)
        raise
    except OSError as error:  # e.g. stdout on a full disk (/dev/full) while writing
        raise SystemExit(report(CliError(f"cannot write the output: {error.strerror or error}"))) from None


def _flush_or_fail(stream) -> None:
    """Flush before exit so a write error is reported as such, not as 'Exception ignored' at shutdown."""
    try:
        stream.flush()
    except OSError as error:
        import sys

        try:
            stream.close()
        except OSError:
            pass
        sys.stdout = None
        raise SystemExit(report(CliError(f"cannot write the output: {error.strerror or error}"))) from None
