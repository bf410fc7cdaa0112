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
from atmp_cli.messages import Message

BOM = "\ufeff"
STDIN_LABEL = "<stdin>"


def json_value(text: str) -> tuple[Any, Message | None]:
    """(value, None) or (None, why it is not usable JSON): every way json.loads can refuse, in one place."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, Message.of("input.invalid_json_at", reason=error.msg, line=error.lineno, column=error.colno)
    except RecursionError:
        return None, Message.of("input.json_too_deep")
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        return None, Message.of("input.invalid_json", reason=str(error))


def parse_json(text: str) -> tuple[Any, str | None]:
    """json_value, its problem worded in the run's language."""
    from atmp_cli import language

    value, problem = json_value(text)
    return value, None if problem is None else language.catalogue().word(problem)


def read_json(source: str) -> tuple[str, Any]:
    """(display name, parsed JSON) of a path or '-' for stdin."""
    if source == "-":
        name, raw = STDIN_LABEL, sys.stdin.read()
    else:
        path = Path(source)
        name = source
        if not path.exists():
            fail(Message.of("at.source", source=name, problem=Message.of("input.no_such_file")), ExitCode.USAGE)
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            fail(Message.of("at.source", source=name, problem=Message.of("input.not_utf8")))
        except OSError as error:
            fail(Message.of("at.source", source=name, problem=Message.of("input.unreadable", reason=error.strerror)))
    # A byte-order mark (Notepad and Excel write one) is not part of the JSON: json.loads would refuse it.
    value, problem = json_value(raw.removeprefix(BOM))
    if problem:
        fail(Message.of("at.source", source=name, problem=problem))
    return name, value


def checked_document(ruleset: Ruleset, name: str | Message, document: Any, *, require_complete: bool = True) -> Checked:
    """Check a document; on errors, fail with one line per error naming the file (or what stands for it, such
    as an example) and field, in the ruleset's language: the run's."""
    checked = check_document(ruleset, document, require_complete=require_complete)
    if not checked.ok:
        m = ruleset.messages
        fail("\n".join(f"{m.word(name)}: {error.text(m)}" for error in checked.errors))
    return checked
