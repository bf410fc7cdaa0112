"""`atmp classify`: from an answers file or a built-in example to a report."""

from __future__ import annotations

import sys
from dataclasses import dataclass

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


def run(options: ClassifyOptions) -> int:
    from atmp_cli.engine import classify
    from atmp_cli.examples import ExampleError, load_example
    from atmp_cli.inputs import checked_document, read_json

    ruleset = load_ruleset(options.ruleset)
    country = country_code(ruleset, options.country)
    if options.answers and options.example:
        fail("give either --answers or --example, not both", ExitCode.USAGE)
    if options.example:
        try:
            name, document = f"example {options.example}", load_example(ruleset, options.example)
        except ExampleError as error:
            fail(f"--example: {error}", ExitCode.USAGE)
    elif options.answers:
        name, document = read_json(options.answers)
    else:
        fail(
            "no answers given and the wizard needs a terminal: run 'atmp classify --answers FILE' "
            "(or '--answers -' to read JSON from stdin), or 'atmp classify --example car-t'",
            ExitCode.USAGE,
        )
    checked = checked_document(ruleset, name, document)
    for warning in checked.warnings:
        print(f"atmp: warning: {name}: {warning}", file=sys.stderr)
    result = classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings)
    for warning in result.warnings[len(checked.warnings):]:
        print(f"atmp: warning: {name}: {warning}", file=sys.stderr)
    write_report(result, options.fmt, options.output)
    return exit_code_for(result)


FORMATS_BY_EXTENSION = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".txt": "text"}


def report_format(fmt: str | None, output: str | None) -> str:
    """--format if given, else what --output's extension says, else text."""
    if fmt:
        return fmt
    if output in (None, "-"):
        return "text"
    from pathlib import PurePath

    suffix = PurePath(output).suffix.lower()
    if suffix not in FORMATS_BY_EXTENSION:
        known = ", ".join(FORMATS_BY_EXTENSION)
        fail(f"--output: cannot tell the format from {output!r}; use one of {known}, or give --format", ExitCode.USAGE)
    return FORMATS_BY_EXTENSION[suffix]


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
