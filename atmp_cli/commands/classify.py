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
    fmt: str
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


def write_report(result: Result, fmt: str, output: str | None) -> None:
    from atmp_cli.output import emit

    if fmt == "json":
        from atmp_cli.render.json_out import render_json

        emit(render_json(result), output)
        return
    from rich.console import Console

    from atmp_cli.render.text import print_report

    if output in (None, "-"):
        print_report(result, Console(highlight=False, soft_wrap=False))
        return
    import io

    console = Console(file=io.StringIO(), record=True, width=100, highlight=False, color_system=None)
    print_report(result, console)
    emit(console.export_text(), output)
