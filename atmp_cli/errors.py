"""How every command reports a problem: one line on stderr, a documented exit code, never a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

from atmp_cli.exit_codes import ExitCode


class CliError(Exception):
    """A problem to report to the user as one line, with the exit code it maps to."""

    def __init__(self, message: str, code: ExitCode = ExitCode.INVALID_INPUT) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: ExitCode = ExitCode.INVALID_INPUT) -> NoReturn:
    raise CliError(message, code)


def report(error: CliError) -> int:
    """Print the error's lines, each prefixed so scripts can grep them, and return the exit code."""
    for line in str(error).splitlines() or [""]:
        print(f"atmp: error: {line}", file=sys.stderr)
    return int(error.code)
