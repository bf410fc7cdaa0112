"""Blank answers files to fill in: `atmp template` (JSON for one product, CSV for a spreadsheet of them).

Every question is there in the order the wizard asks it, unanswered: null in JSON (answers.py takes null for
"not answered"), a blank cell in CSV. So a template is a valid answers file however much of it is filled in;
atmp then says which answers it still needs. The allowed values travel with the file: under "$allowed" in
JSON (a '$' key, which atmp ignores), in a comment row under the header in CSV (rows starting with '#' are
skipped). `atmp schema` describes the same file for editors.
"""

from __future__ import annotations

import io
import json
from typing import Any

from atmp_cli import answers_csv
from atmp_cli.bank import Ruleset

FORMATS = ("json", "csv")


def json_template(ruleset: Ruleset) -> dict[str, Any]:
    """The JSON template, its comment and allowed values worded in the ruleset's language."""
    m = ruleset.messages
    return {
        "$comment": m("template.comment"),
        "product": "",
        "answers": {question.id: None for question in ruleset.questions},
        "$allowed": {question.id: answers_csv.allowed_hint(m, question, ", ") for question in ruleset.questions},
    }


def render_template(ruleset: Ruleset, fmt: str) -> str:
    """The blank answers file as text: JSON (one product) or CSV (a header and a row of allowed values)."""
    if fmt == "csv":
        stream = io.StringIO()
        answers_csv.write_template(stream, ruleset)
        return stream.getvalue()
    return json.dumps(json_template(ruleset), ensure_ascii=False, indent=2) + "\n"
