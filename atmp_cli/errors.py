"""How every command reports a problem: one line on stderr, a documented exit code, never a traceback.

A problem is raised with a `Message` (a key of the catalogue and its values), worded only when it is
reported, in the language of the run; a plain string is reported as it is (e.g. a ruleset file's own
load error, written for the people who maintain the data).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from atmp_cli.exit_codes import ExitCode

if TYPE_CHECKING:  # the catalogue is read only when an error is reported: start-up stays lean
    from atmp_cli.messages import Message


class CliError(Exception):
    """A problem to report to the user as one line, with the exit code it maps to."""

    def __init__(self, message: Message | str, code: ExitCode = ExitCode.INVALID_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        if isinstance(self.message, str):
            return self.message
        from atmp_cli import language

        return language.catalogue().word(self.message)


def fail(message: Message | str, code: ExitCode = ExitCode.INVALID_INPUT) -> NoReturn:
    raise CliError(message, code)


def report(error: CliError) -> int:
    """Print the error's lines, each prefixed so scripts can grep them, and return the exit code."""
    from atmp_cli import language

    m = language.catalogue()
    prefix = m("error.prefix")
    for line in str(error).splitlines() or [""]:
        print(f"{prefix} {line}", file=sys.stderr)
    return int(error.code)
