"""The `atmp` command line: thin typer commands over the engine.

Only typer is imported at start-up; each command imports what it needs when it runs, so `atmp --version`
and `atmp classify --format json` do not pay for questionary or the report renderers.
"""

from __future__ import annotations

from enum import Enum
from functools import partial
from typing import Annotated, Callable, List, Optional, TypeVar

import typer

from atmp_cli import __version__
from atmp_cli.cli_help import PlainHelpCommand, exit_codes_help
from atmp_cli.errors import CliError, report
from atmp_cli.exit_codes import ExitCode

EXIT_CODES_HELP = exit_codes_help()
BATCH_EXIT_CODES_HELP = exit_codes_help(
    0, 1, 2, 3, 141,
    c0="every record classified (any class, including not-ATMP)",
    c1="a record or file is invalid (see its error row)",
    c2="usage error (e.g. a path that does not exist)",
    c3="some records undetermined, none invalid",
)
CLASSIFY_HELP = """Classify a product from an answers file, a built-in example, or the interactive wizard.

With --answers at a terminal, the wizard asks only the questions the file leaves unanswered.

\b
Answers file: {"product": "name", "answers": {"id": "value", "id": ["value"]}}

Start from 'atmp template' (or 'atmp examples NAME'); 'atmp schema' checks a file, 'atmp questions' lists
the ids and values.

For a draft of EMA's ATMP classification request (--format cat-request, or --output FILE.docx for Word),
the file may also hold "case" (reference, organisation, assessor, date, description, indication, notes)
and "justifications" (question id: your reason for that answer).
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
command = partial(app.command, cls=PlainHelpCommand)  # every command: arguments shown as their metavar says


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"
    cat_request = "cat-request"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class TemplateFormat(str, Enum):
    json = "json"
    csv = "csv"


class TreeFormat(str, Enum):
    text = "text"
    mermaid = "mermaid"


class BatchFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"


# Options every command shares, declared once.
RulesetOption = Annotated[str, typer.Option("--ruleset", metavar="ID", help="Ruleset under questions/.")]
LangOption = Annotated[Optional[str], typer.Option(
    "--lang", metavar="CODE", envvar="ATMP_LANG", show_envvar=False,
    help="Language of everything printed: en or sv. Default: $ATMP_LANG, else the locale's language if atmp has it (LANG=sv_SE... gives sv), else en. --help stays in English.")]
CountryOption = Annotated[Optional[str], typer.Option("--country", metavar="CODE", help="Add national notes, e.g. SE.")]
ListFormatOption = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]


def _guarded(run: Callable[[], T], lang: str | None = None, ruleset: str = "eu") -> T:
    """Run a command body in its language, turning our errors into a one-line message and the documented
    exit code."""
    from atmp_cli.bank import BankError

    try:
        choose_language(lang, ruleset)
        return run()
    except CliError as error:
        raise typer.Exit(report(error)) from None
    except BankError as error:
        from atmp_cli.messages import Message

        raise typer.Exit(report(CliError(Message.of("cli.bank_error", error=str(error)), ExitCode.INVALID_INPUT))) from None


def choose_language(option: str | None, ruleset: str) -> None:
    """Speak `--lang` (or ATMP_LANG, or the locale's language) for the rest of this run."""
    from atmp_cli import bank, language, translation

    language.use(language.SOURCE_LANGUAGE, ruleset)  # until chosen (and for the error if it cannot be)
    folder = bank.questions_root() / ruleset
    available = translation.languages(folder) if (folder / "ruleset.toml").is_file() else [language.SOURCE_LANGUAGE]
    try:
        language.use(language.resolve(option, available), ruleset)
    except ValueError as error:
        from atmp_cli.messages import Message

        raise CliError(Message.of("cli.unknown_language", code=repr(str(error)), available=", ".join(available)), ExitCode.USAGE) from None


def _version(value: bool) -> None:
    if value:
        print(f"atmp {__version__}")
        raise typer.Exit(ExitCode.CLASSIFIED)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """atmp: ATMP classification under EU law."""


@command(epilog=EXIT_CODES_HELP, help=CLASSIFY_HELP)
def classify(
    answers: Optional[str] = typer.Option(None, "--answers", "-a", metavar="FILE", help="Answers file (JSON); '-' reads stdin. Without it, the wizard asks at a terminal."),
    example: Optional[str] = typer.Option(None, "--example", "-e", metavar="NAME", help="Classify a built-in example (see 'atmp examples')."),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", "-f", help="Report format: text (default), json, md (Markdown), html, or cat-request (a draft of EMA's ATMP classification request form, in Markdown; Word with --output FILE.docx). With --output, taken from FILE's extension unless given."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE (.txt, .md, .html or .json; atomically) with the time it was produced in its audit block; a .docx FILE gets the draft CAT request in Word."),
    country: CountryOption = None,
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted wizard session: the latest, or at a terminal with several, the one you pick (see 'atmp sessions'). It remembers --save."),
    session: Optional[str] = typer.Option(None, "--session", metavar="NAME", help="Continue the interrupted wizard session NAME (implies --resume; 'atmp sessions' lists them)."),
    save: Optional[str] = typer.Option(None, "--save", metavar="FILE", help="Also write the answers (an --answers file) to FILE."),
    product: Optional[str] = typer.Option(None, "--product", "-p", metavar="NAME", help="Product name for the report (pre-fills the wizard)."),
    full: bool = typer.Option(False, "--full", help="Text on stdout: print the whole report (the appendix too), not only the summary. Files written with --output always hold both."),
) -> None:
    """Classify a product (help: CLASSIFY_HELP, which shows the answers file's shape unwrapped)."""
    from atmp_cli.commands.classify import ClassifyOptions, run

    options = ClassifyOptions(
        answers=answers, example=example, fmt=fmt.value if fmt else None, output=output, country=country,
        ruleset=ruleset, resume=resume, session=session, save=save, product=product, full=full,
    )
    raise typer.Exit(_guarded(lambda: run(options), lang, ruleset))


@command()
def examples(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help="Print this example's answers file (JSON) instead of the list."),
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    fmt: ListFormatOption = ListFormat.text,
) -> None:
    """List the built-in examples and how each classifies, or print one's answers file."""
    from atmp_cli.commands.reference import list_examples, show_example

    _guarded(lambda: show_example(ruleset, name) if name is not None else list_examples(ruleset, fmt.value), lang, ruleset)


@command()
def template(
    fmt: Optional[TemplateFormat] = typer.Option(None, "--format", "-f", help="json (one product; the default) or csv (one product a row, for spreadsheets). With --output, taken from FILE's extension unless given."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the template to FILE (.json or .csv) instead of stdout."),
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
) -> None:
    """Print a blank answers file: every question in the order asked, unanswered, with its allowed values.

    Fill it in and run 'atmp classify --answers FILE' (JSON) or 'atmp batch FILE' (JSON or CSV); leave
    blank (null) what does not apply.
    """
    from atmp_cli.commands.answers_file import write_template

    _guarded(lambda: write_template(ruleset, fmt.value if fmt else None, output), lang, ruleset)


@command()
def schema(
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the answers file: question ids and their allowed values.

    For editors and validators; which questions must be answered depends on the other answers, which
    atmp checks ('atmp questions' shows when each is asked).
    """
    from atmp_cli.commands.answers_file import print_schema

    _guarded(lambda: print_schema(ruleset), lang, ruleset)


@command()
def questions(
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    fmt: ListFormatOption = ListFormat.text,
) -> None:
    """List the question bank: id, section, prompt, allowed answers, when it is asked."""
    from atmp_cli.commands.reference import list_questions

    _guarded(lambda: list_questions(ruleset, fmt.value), lang, ruleset)


@command()
def definitions(
    ids: Optional[List[str]] = typer.Argument(None, metavar="[ID]...", help="Legal text ids; all when omitted."),
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    fmt: ListFormatOption = ListFormat.text,
) -> None:
    """Print the legal texts atmp cites, verbatim, with citation and source."""
    from atmp_cli.commands.reference import show_definitions

    _guarded(lambda: show_definitions(ruleset, ids or [], fmt.value), lang, ruleset)


@command()
def tree(
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    fmt: TreeFormat = typer.Option(TreeFormat.text, "--format", "-f", help="text, or mermaid (a fenced flowchart for Markdown viewers)."),
) -> None:
    """Print the whole question tree: sections, questions with their conditions and answers, and how the rules and definitions combine."""
    from atmp_cli.commands.tree import show_tree

    _guarded(lambda: show_tree(ruleset, fmt.value), lang, ruleset)


@command()
def explain(
    question_id: str = typer.Argument(..., metavar="QUESTION_ID", help="A question id, as listed by 'atmp questions'."),
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
    fmt: ListFormatOption = ListFormat.text,
) -> None:
    """Explain one question: prompt, help, allowed answers, when it is asked, and the legal definitions behind it."""
    from atmp_cli.commands.tree import explain as run_explain

    _guarded(lambda: run_explain(ruleset, question_id, fmt.value), lang, ruleset)


@command()
def sessions(
    delete: Optional[str] = typer.Option(None, "--delete", metavar="NAME", help="Delete the session NAME instead."),
    fmt: ListFormatOption = ListFormat.text,
    lang: LangOption = None,
) -> None:
    """List the interrupted wizard sessions (name, product, when saved, answers so far), the latest first.

    Continue one with 'atmp classify --resume' (the latest) or 'atmp classify --session NAME'.
    """
    from atmp_cli.commands.sessions import delete_session, list_sessions

    _guarded(lambda: delete_session(delete) if delete is not None else list_sessions(fmt.value), lang)


@command(epilog=BATCH_EXIT_CODES_HELP)
def batch(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Answers files: .json (an object or an array of objects), .jsonl (one object a line), .csv (one product a row, as 'atmp template --format csv' writes), folders of them, or '-' for JSON Lines on stdin."),
    fmt: Optional[BatchFormat] = typer.Option(None, "--format", "-f", help="Output format: table, jsonl, json (one array) or csv. Default: from --output's extension, else table on a terminal and jsonl when piped."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the results to FILE (.jsonl, .json or .csv; atomically: all or nothing)."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Also read folders inside the folders given."),
    full_text: bool = typer.Option(False, "--full-text", help="jsonl and json: include the quoted legal texts in every result (see 'atmp definitions --format json')."),
    summary: bool = typer.Option(False, "--summary", help="Print only the counts by class (in the chosen format)."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first record that cannot be classified; --output is then not written."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    country: CountryOption = None,
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
) -> None:
    """Classify many products: one result or error row a record, in input order, streamed.

    Records are numbered from 1: file.jsonl:1 is the first line, file.csv:2 the first row after the header,
    file.json#1 the first element of an array.
    """
    from atmp_cli.commands.batch import BatchOptions, run

    options = BatchOptions(
        paths=tuple(paths), fmt=fmt.value if fmt else None, output=output, recursive=recursive, full_text=full_text,
        summary=summary, fail_fast=fail_fast, quiet=quiet, country=country, ruleset=ruleset,
    )
    raise typer.Exit(_guarded(lambda: run(options), lang, ruleset))


class PrecedentFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@command()
def precedents(
    words: Optional[List[str]] = typer.Argument(None, metavar="[TEXT]...", help="Words to search for, or one precedent id to show it whole."),
    code: Optional[str] = typer.Option(None, "--class", metavar="CODE", help="Only this outcome: GTMP, sCTMP, TEP or not-ATMP."),
    authority: Optional[str] = typer.Option(None, "--authority", metavar="NAME", help="Only decisions of this authority (e.g. CAT, Paul-Ehrlich)."),
    fmt: PrecedentFormat = typer.Option(PrecedentFormat.text, "--format", "-f", help="Output format."),
    save: Optional[str] = typer.Option(None, "--save", metavar="FILE", help="With one id: write its answers as an answers file."),
    ruleset: RulesetOption = "eu",
    lang: LangOption = None,
) -> None:
    """Search the published precedents (how the CAT, EMA, national authorities and courts classified real
    products), or show one whole with its answers."""
    from atmp_cli.commands.precedents import run

    raise typer.Exit(_guarded(lambda: run(ruleset, list(words or []), code, authority, fmt.value, save), lang, ruleset))


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
        from atmp_cli.messages import Message

        raise SystemExit(report(CliError(Message.of("cli.cannot_write_output", reason=error.strerror or str(error))))) from None


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
        from atmp_cli.messages import Message

        raise SystemExit(report(CliError(Message.of("cli.cannot_write_output", reason=error.strerror or str(error))))) from None
