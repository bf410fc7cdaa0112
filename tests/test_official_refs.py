"""No user sees our internal files: reports and data name sources by address or publication, never by file."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from atmp_cli.cli import app
from atmp_cli.exit_codes import ExitCode
from conftest import REPO, shared_dir

EXAMPLES = sorted((REPO / "questions" / "eu" / "examples").glob("*.json"))
REPORTED = (ExitCode.CLASSIFIED, ExitCode.UNDETERMINED)  # both write the whole report


# ------------------------------------------------------------------------------- no internal file names shown


def internal_names() -> re.Pattern[str]:
    """Our own files: any Markdown file name, the shared folder, the collection records, the seed and cases."""
    shared = shared_dir()
    names = [p.name for p in (shared / "seed").iterdir()] + [p.name for p in (shared / "cases").iterdir()]
    assert names
    return re.compile(r"[\w./-]+\.md\b|\bshared/|docs/sources|first-pass|" + "|".join(map(re.escape, names)))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_no_report_names_an_internal_file(runner, path, fmt):
    legal_files = [p.name for p in (shared_dir() / "legal").glob("*.md")]
    assert legal_files
    result = runner.invoke(app, ["classify", "--answers", str(path), "--format", fmt, "--country", "SE"])
    assert result.exit_code in REPORTED, result.stderr
    for name in legal_files:
        assert name not in result.stdout
    assert not internal_names().search(result.stdout), internal_names().search(result.stdout)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_no_data_file_names_an_internal_file():
    """Every string of questions/ (legal texts, notes, help, precedents, examples) can reach a user."""
    pattern = internal_names()
    files = sorted((REPO / "questions").rglob("*.toml")) + sorted((REPO / "questions").rglob("*.json"))
    assert len(files) > 10
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.suffix == ".toml" else json.loads(path.read_text(encoding="utf-8"))
        for string in _strings(data):
            assert not pattern.search(string), (str(path.relative_to(REPO)), pattern.search(string).group())
