"""Read answers documents from files or stdin and check them, turning every problem into a CliError.

The file name is part of every message, because in batch work and shell scripts "field X is wrong" is
useless without knowing which file it came from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from atmp_cli.answers import Checked, check_document
from atmp_cli.bank import Ruleset
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode

BOM = "\ufeff"


def parse_json(text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, why it is not usable JSON): every way json.loads can refuse, in one place."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
    except RecursionError:
        return None, "not valid JSON: nested too deeply"
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        return None, f"not valid JSON: {error}"


def read_json(source: str) -> tuple[str, Any]:
    """(display name, parsed JSON) of a path or '-' for stdin."""
    if source == "-":
        name, raw = "<stdin>", sys.stdin.read()
    else:
        path = Path(source)
        name = source
        if not path.exists():
            fail(f"{name}: no such file", ExitCode.USAGE)
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            fail(f"{name}: not UTF-8 text")
        except OSError as error:
            fail(f"{name}: cannot be read: {error.strerror}")
    # A byte-order mark (Notepad and Excel write one) is not part of the JSON: json.loads would refuse it.
    value, problem = parse_json(raw.removeprefix(BOM))
    if problem:
        fail(f"{name}: {problem}")
    return name, value


def checked_document(ruleset: Ruleset, name: str, document: Any, *, require_complete: bool = True) -> Checked:
    """Check a document; on errors, fail with one line per error naming the file and field."""
    checked = check_document(ruleset, document, require_complete=require_complete)
    if not checked.ok:
        fail("\n".join(f"{name}: {error}" for error in checked.errors))
    return checked
