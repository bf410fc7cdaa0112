"""The documented exit codes: scripts depend on them, so they live in one place."""

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit status of every atmp command."""

    CLASSIFIED = 0  # any class, including not-ATMP
    INVALID_INPUT = 1  # bad answers file, bad record, broken question bank
    USAGE = 2  # wrong options, or a wizard asked for without a terminal
    UNDETERMINED = 3  # the outcome depends on answers marked "unsure"
    INTERRUPTED = 130  # Ctrl-C in the wizard; answers so far are saved
