"""`atmp template` and `atmp schema`: the answers file, blank to fill in and as a JSON Schema to check it."""

from __future__ import annotations

import json

from atmp_cli.commands.classify import load_ruleset
from atmp_cli.output import emit, output_format

TEMPLATE_EXTENSIONS = {".json": "json", ".csv": "csv"}


def write_template(ruleset_id: str, fmt: str | None, output: str | None) -> None:
    """The blank answers file in `fmt`, else as --output's extension says, else JSON; to stdout or `output`."""
    from atmp_cli.template import render_template

    fmt = output_format(fmt, output, TEMPLATE_EXTENSIONS, "json")
    emit(render_template(load_ruleset(ruleset_id), fmt), output)


def print_schema(ruleset_id: str) -> None:
    from atmp_cli.schema import answers_schema

    emit(json.dumps(answers_schema(load_ruleset(ruleset_id)), ensure_ascii=False, indent=2) + "\n", None)
