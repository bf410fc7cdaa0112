"""The wizard's saved session and answers documents on disk.

A session is saved after every answer (so Ctrl-C or a closed terminal loses nothing) in the user's
application directory, in exactly the format of an answers file, so a saved session is also a valid
`--answers` file once complete. Kept apart from `atmp_cli.wizard` so `--resume` and `--save` can be handled
without importing questionary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from atmp_cli.errors import fail
from atmp_cli.inputs import parse_json
from atmp_cli.exit_codes import ExitCode
from atmp_cli.output import write_atomic


def session_path(ruleset_id: str) -> Path:
    """`<app dir>/session-<ruleset>.json`; the app dir honours XDG_CONFIG_HOME on Linux."""
    import typer

    return Path(typer.get_app_dir("atmp")) / f"session-{ruleset_id}.json"


def answers_document(product: str | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical answers document that --answers, batch mode and --resume read."""
    document: dict[str, Any] = {}
    if product:
        document["product"] = product
    document["answers"] = dict(answers)
    return document


def write_answers(path: str | Path, product: str | None, answers: Mapping[str, Any]) -> None:
    """Write an answers document atomically (never a half-written file)."""
    text = json.dumps(answers_document(product, answers), ensure_ascii=False, indent=2) + "\n"
    write_atomic(str(path), text)


def save_session(ruleset_id: str, product: str | None, answers: Mapping[str, Any]) -> Path:
    path = session_path(ruleset_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{path.parent}: cannot create the session folder: {error.strerror}")
    write_answers(path, product, answers)
    return path


def load_session(ruleset_id: str) -> dict[str, Any]:
    """The saved session document; a usage error (exit 2) if there is none to resume."""
    path = session_path(ruleset_id)
    if not path.is_file():
        fail(f"--resume: no saved wizard session ({path} does not exist); start one with 'atmp classify'", ExitCode.USAGE)
    try:
        document, problem = parse_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        document, problem = None, str(error)
    if problem:
        fail(f"{path}: saved session cannot be read ({problem}); delete it and start again")
    return document


def clear_session(ruleset_id: str) -> None:
    session_path(ruleset_id).unlink(missing_ok=True)
