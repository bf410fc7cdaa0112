"""Where output goes: stdout, or a file written atomically (temp file, then rename)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from atmp_cli.errors import fail


def write_atomic(path: str, content: str) -> None:
    """Never leave a half-written file: write beside the target, then rename over it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        fail(f"{path}: cannot write: {error.strerror}")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(content)
        os.replace(temp, target)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        fail(f"{path}: cannot write: {error.strerror}")


def emit(content: str, output: str | None) -> None:
    """Print to stdout, or write to `output` ('-' also means stdout)."""
    if output in (None, "-"):
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_atomic(output, content)
