"""Shared fixtures: the EU ruleset, the shared sources of truth, a CliRunner, one sample of random walks down
the question tree, and the project installed into a fresh virtual environment, with a runner of its `atmp`.

The installation takes 10-15 s (mostly pip), so it starts in the background as soon as collection shows
that a test needs it, and the tests that need it run last: by then it is ready. The runner forks each
command from one warm interpreter (tests/forkserver.py) instead of starting one a command.
"""

from __future__ import annotations

import json
import locale
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import venv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atmp_cli import bank
from helpers import REPO, shared_dir

WALKS = 3000
WALK_SEED = 20261201


@pytest.fixture(scope="session")
def ruleset() -> bank.Ruleset:
    return bank.load("eu")


@pytest.fixture(scope="session")
def walks(ruleset) -> tuple[dict, ...]:
    """A few thousand random walks down the tree (complete, valid answers documents), the same ones every
    run, drawn once a session. The engine and report tests check their properties over it or a slice of
    it, and the engine's memo computes each classification once for all of them. Read-only: copy to change."""
    from atmp_cli.sampling import random_document

    rng = random.Random(WALK_SEED)
    return tuple(random_document(ruleset, rng) for _ in range(WALKS))


@pytest.fixture(scope="session")
def legal_corpus() -> str:
    """Every collected source copy: shared/legal, the founding document, and the project's own collection
    records in docs/sources/ (each names where its texts were copied from)."""
    paths = sorted((shared_dir() / "legal").glob("*.md")) + sorted((shared_dir() / "seed").glob("*.txt"))
    paths += sorted((REPO / "docs" / "sources").glob("*.md"))
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


# ---------------------------------------------------------------------------------------------- installed


class Installation:
    """This checkout installed the way README says (`pip install .`, not editable) into a fresh virtual
    environment, built in a background thread; `wait()` gives the environment's bin/ folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="atmp-installed-"))
        self.bindir = self.root / "env" / "bin"
        self.failure: str | None = None
        self.process: subprocess.Popen | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._build, name="atmp-install", daemon=True)
        self.thread.start()

    def _build(self) -> None:
        # Without ensurepip, the test environment's own pip installs into it (pip --python); without compiling
        # every module of every dependency, each is compiled when first imported. Seconds saved either way.
        command = [sys.executable, "-m", "pip", "--python", str(self.bindir / "python"), "install", "-q",
                   "--disable-pip-version-check", "--no-compile", str(REPO)]
        try:
            venv.EnvBuilder(with_pip=False).create(self.root / "env")
            if self.stopped:
                return
            # its own process group: pip runs itself again under the new interpreter, and close() stops both
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                            start_new_session=True)
            output, _ = self.process.communicate()
        except OSError as error:
            self.failure = f"could not install {REPO} into {self.root}: {error}"
            return
        if self.process.returncode != 0:
            self.failure = f"pip install of {REPO} failed ({self.process.returncode}):\n{output}"

    def wait(self) -> Path:
        self.thread.join(timeout=900)
        if self.failure:
            pytest.fail(self.failure, pytrace=False)
        assert (self.bindir / "atmp").exists(), "pip install did not create the atmp entry point"
        return self.bindir

    def close(self) -> None:
        """Stop a build still running (a run ended early) and remove the environment."""
        self.stopped = True
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.thread.join(timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


INSTALLATION = pytest.StashKey[Installation]()


def _needs_installation(item: pytest.Item) -> bool:
    return "installed" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)  # after -m, -k and the other plugins have deselected what will not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests of the installed package last, each group in its own order; their installation starts now."""
    later = [item for item in items if _needs_installation(item)]
    if not later or config.option.collectonly:
        return
    items[:] = [item for item in items if not _needs_installation(item)] + later
    config.stash[INSTALLATION] = Installation()


def pytest_unconfigure(config: pytest.Config) -> None:
    installation = config.stash.get(INSTALLATION, None)
    if installation is not None:
        installation.close()


@pytest.fixture(scope="session")
def installed(request) -> Path:
    """The installed environment's bin/ folder, shared by every test that runs the installed `atmp`."""
    if INSTALLATION not in request.config.stash:  # requested by a test collection did not see needing it
        request.config.stash[INSTALLATION] = Installation()
    return request.config.stash[INSTALLATION].wait()


class InstalledAtmp:
    """Runs the installed `atmp` as subprocess.run(..., capture_output=True, text=True) would, each command in a
    process forked from one interpreter that the session starts once (tests/forkserver.py says why and how)."""

    def __init__(self, bindir: Path, scratch: Path) -> None:
        self.path = bindir / "atmp"
        self.scratch = scratch
        self.log = scratch / "forkserver.log"
        requests, self._requests = os.pipe()
        self._replies, replies = os.pipe()
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(
                [str(bindir / "python"), "-P", str(Path(__file__).with_name("forkserver.py")), str(requests), str(replies)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, pass_fds=(requests, replies),
            )
        os.close(requests)
        os.close(replies)
        self._pending = b""

    def __call__(self, *args: str, cwd: Path | str | None = None, stdin: str | bytes | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess:
        streams = {name: self.scratch / name for name in ("stdin", "stdout", "stderr")}
        streams["stdin"].write_bytes(stdin.encode("utf-8") if isinstance(stdin, str) else stdin or b"")
        streams["stdout"].write_bytes(b"")
        streams["stderr"].write_bytes(b"")
        command = {"args": [str(self.path), *args], "cwd": str(cwd or os.getcwd()), "env": dict(os.environ),
                   **{name: str(path) for name, path in streams.items()}}
        try:
            os.write(self._requests, json.dumps(command).encode("utf-8") + b"\n")
        except BrokenPipeError:
            raise RuntimeError(self._stopped()) from None
        pid = int(self._reply(timeout))
        try:
            status = int(self._reply(timeout))
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self._reply(timeout)
            raise
        stdout, stderr = (_as_text(streams[name].read_bytes()) for name in ("stdout", "stderr"))
        return subprocess.CompletedProcess(command["args"], status, stdout, stderr)

    def _reply(self, timeout: float) -> bytes:
        """The server's next line, waited for at most `timeout` seconds."""
        while b"\n" not in self._pending:
            ready, _, _ = select.select([self._replies], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(str(self.path), timeout)
            chunk = os.read(self._replies, 4096)
            if not chunk:
                raise RuntimeError(self._stopped())
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line

    def _stopped(self) -> str:
        return "the fork server stopped:\n" + self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        os.close(self._requests)  # the server's loop ends with its input
        self.server.wait(timeout=30)
        os.close(self._replies)


def _as_text(raw: bytes) -> str:
    """A captured stream as subprocess.run(text=True) gives it: the locale's encoding, universal newlines."""
    return raw.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="session")
def atmp(installed, tmp_path_factory) -> InstalledAtmp:
    """The installed `atmp`, called like subprocess.run: atmp("batch", path, stdin=..., cwd=...)."""
    runner = InstalledAtmp(installed, tmp_path_factory.mktemp("atmp-runs"))
    yield runner
    runner.close()


@pytest.fixture()
def broken(tmp_path, monkeypatch):
    """A copy of the questions/ folder to break or edit; the loader is pointed at it, uncached, so the ruleset
    the session has loaded stays the one cached (other tests' memoised results are keyed on it)."""
    root = tmp_path / "questions"
    shutil.copytree(bank.questions_root(), root)
    monkeypatch.setattr(bank, "questions_root", lambda: root)
    monkeypatch.setattr(bank, "load", lambda ruleset_id="eu", lang="en": bank._load.__wrapped__(ruleset_id, lang))
    return root / "eu"
