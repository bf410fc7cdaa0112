"""Where output goes: stdout, or a file replaced atomically (temporary file beside it, then rename)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Mapping

from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Message


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicOutput:
    """A stream to `path` (text, or bytes with `binary`) that only replaces it on `commit()`; `discard()`
    leaves the target untouched.

    Rows stream into a temporary file beside the target (same file system, so the rename is atomic). A target
    that is not a regular file (/dev/null, a pipe) is written directly, since it cannot be renamed over.
    """

    def __init__(self, path: str, *, binary: bool = False) -> None:
        self.target = Path(path)
        self.temp: Path | None = None
        mode: dict[str, Any] = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
        if self.target.exists() and not self.target.is_file():
            try:
                self.stream: IO[Any] = self.target.open(**mode)
            except OSError as error:
                fail(Message.of("output.cannot_write", path=path, reason=error.strerror))
            return
        directory = self.target.parent if str(self.target.parent) else Path(".")
        try:
            handle, temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=directory)
        except OSError as error:
            fail(Message.of("output.cannot_write", path=path, reason=error.strerror))
        self.temp = Path(temp)
        os.chmod(handle, 0o666 & ~_umask())  # mkstemp makes 0600; the result should read like any file the user writes
        self.stream = os.fdopen(handle, **mode)

    def commit(self) -> None:
        try:
            self.stream.close()
            if self.temp is not None:
                os.replace(self.temp, self.target)
        except OSError as error:
            self.discard()
            fail(Message.of("output.cannot_write", path=str(self.target), reason=error.strerror))

    def discard(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)


def write_atomic(path: str, content: str | bytes) -> None:
    """Never leave a half-written file: write beside the target, then rename over it (bytes as they are)."""
    output = AtomicOutput(path, binary=isinstance(content, bytes))
    try:
        output.stream.write(content)
    except OSError as error:
        output.discard()
        fail(Message.of("output.cannot_write", path=path, reason=error.strerror))
    output.commit()


def output_format(fmt: str | None, output: str | None, by_extension: Mapping[str, str], on_stdout: str) -> str:
    """--format if given; else `on_stdout` when the output is stdout; else what the --output file's
    extension says, and a usage error naming the known extensions when it says nothing."""
    if fmt:
        return fmt
    if output in (None, "-"):
        return on_stdout
    found = by_extension.get(Path(output).suffix.lower())
    if found is None:
        known = ", ".join(by_extension)
        fail(Message.of("output.unknown_extension", output=repr(output), known=known), ExitCode.USAGE)
    return found


def write_new(path: str, content: str) -> bool:
    """Like write_atomic, but never over an existing file: False, and nothing written, if `path` exists.

    The whole content is written beside the target first, then hard-linked into place, which fails if
    the name is taken, even by another process at the same moment.
    """
    if os.path.lexists(path):
        return False
    output = AtomicOutput(path)  # the target did not exist: a temporary file beside it
    try:
        output.stream.write(content)
        output.stream.close()
        os.link(str(output.temp), path)
    except FileExistsError:
        return False
    except OSError as error:
        fail(Message.of("output.cannot_write", path=path, reason=error.strerror))
    finally:
        output.discard()
    return True


def emit(content: str, output: str | None) -> None:
    """Print to stdout, or write to `output` ('-' also means stdout)."""
    if output in (None, "-"):
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_atomic(output, content)
