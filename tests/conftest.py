"""Shared fixtures: the EU ruleset, the shared sources of truth, a CliRunner, and one sample of random walks
down the question tree."""

from __future__ import annotations

import random
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


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the project installed the way README says (not editable).

    Returns the venv's bin/ folder. Shared by every test that runs the installed `atmp` entry point.
    """
    import subprocess
    import venv

    root = tmp_path_factory.mktemp("installed")
    venv.EnvBuilder(with_pip=True).create(root / "env")
    bindir = root / "env" / "bin"
    subprocess.run(
        [str(bindir / "pip"), "install", "-q", "--disable-pip-version-check", str(REPO)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    assert (bindir / "atmp").exists(), "pip install did not create the atmp entry point"
    return bindir
