"""The installed package, as a new user gets it from `pip install .`: entry point, data, start-up."""

from __future__ import annotations

import json
import os
import signal
import subprocess


def run(bindir, *args, cwd, input=None):
    return subprocess.run([str(bindir / "atmp"), *args], cwd=cwd, input=input, capture_output=True, text=True, timeout=60)


def test_installed_entry_point_classifies_outside_the_repo(installed, tmp_path):
    result = run(installed, "classify", "--example", "car-t", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["classification"]["code"] == "GTMP"


def test_installed_package_carries_its_own_questions(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "python"), "-c", "from atmp_cli import bank; print(bank.questions_root())"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert "site-packages" in where and "shared" not in where
    assert run(installed, "definitions", "reg1394-art2-1-c", cwd=tmp_path).returncode == 0


def test_installed_exit_codes_and_errors(installed, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"answers": {"human_use": "maybe"}}', encoding="utf-8")
    result = run(installed, "classify", "--answers", str(bad), cwd=tmp_path)
    assert result.returncode == 1 and "bad.json: answers.human_use: unknown value 'maybe'" in result.stderr
    assert "Traceback" not in result.stderr
    assert run(installed, "classify", "--example", "digested-fat-unsure", "--format", "json", cwd=tmp_path).returncode == 3
    nothing = subprocess.run([str(installed / "atmp"), "classify"], cwd=tmp_path, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=10)
    assert nothing.returncode == 2 and "--answers" in nothing.stderr


def test_stdin_through_installed_entry_point(installed, tmp_path):
    example = run(installed, "classify", "--example", "msc-gvhd", "--format", "json", cwd=tmp_path)
    answers = json.loads(example.stdout)["answers"]
    result = run(installed, "classify", "--answers", "-", "--format", "json", cwd=tmp_path,
                 input=json.dumps({"answers": answers}))
    assert result.returncode == 0 and json.loads(result.stdout)["classification"]["code"] == "sCTMP"


def test_start_up_imports_only_what_the_command_needs(installed, tmp_path):
    probe = (
        "import sys; from atmp_cli.cli import main; sys.argv=['atmp','classify','--example','car-t','--format','json'];\n"
        "import atexit; atexit.register(lambda: print('HEAVY', sorted(m for m in ('questionary','prompt_toolkit','rich.tree','rich.panel') if m in sys.modules), file=sys.stderr))\n"
        "main()"
    )
    result = subprocess.run([str(installed / "python"), "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stderr


def test_output_cut_short_by_the_reader_ends_quietly(installed, tmp_path):
    """`atmp ... | head`: when the reader leaves, atmp dies of SIGPIPE as other Unix tools do (a shell reports
    141, the status --help documents), with nothing on stderr: no traceback, no 'invalid input' error.

    The pipe is shrunk to one page so that the output (over 100 kB) cannot all fit in it before the reader
    leaves: atmp is still writing when the pipe closes, every time."""
    import fcntl  # POSIX, as SIGPIPE is

    reader, writer = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux; other systems' pipes hold 64 kB at most, still less than the output
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)
    with subprocess.Popen([str(installed / "atmp"), "definitions"], cwd=tmp_path, stdout=writer, stderr=subprocess.PIPE) as process:
        os.close(writer)
        with os.fdopen(reader, "rb") as stdout:
            assert stdout.readline()  # the reader takes a line, then goes away
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGPIPE, process.returncode
    assert stderr == b""
