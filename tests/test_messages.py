"""The message catalogue: every key the program uses exists, no key is unused, other languages match English.

The program looks messages up as `m("key", ...)` (a Catalogue called with a literal key) or hands them to
the renderers as `Message.of("key", ...)`; a family of keys chosen at run time is written `m(f"case.{key}")`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atmp_cli import bank, messages
from atmp_cli.answers import check_document
from atmp_cli.cli import app
from atmp_cli.exit_codes import ExitCode

PACKAGE = Path(bank.__file__).resolve().parent
FOLDER = bank.questions_root() / "eu"
USE = re.compile(r"""(?:\bm|\.m|Message\.of)\(\s*(f?)"([^"]+)\"""")


def uses() -> tuple[set[str], set[str]]:
    """(keys used literally, prefixes of key families used with an f-string), from the package's source."""
    literal, families = set(), set()
    for path in PACKAGE.rglob("*.py"):
        for is_f, key in USE.findall(path.read_text(encoding="utf-8")):
            if is_f and "{" in key:
                families.add(key.split("{")[0])
            else:
                literal.add(key)
    return literal, families


def test_every_key_the_program_uses_is_in_the_english_catalogue():
    english = messages.load(FOLDER).messages
    literal, families = uses()
    assert len(literal) > 50
    assert sorted(literal - set(english)) == []
    for prefix in families:
        assert any(key.startswith(prefix) for key in english), prefix


def test_no_key_of_the_catalogue_is_unused():
    english = messages.load(FOLDER).messages
    literal, families = uses()
    unused = [key for key in english if key not in literal and not any(key.startswith(p) for p in families)]
    assert unused == []


def test_the_uses_are_found_where_they_are():
    """The control for the two tests above: the scan sees a use it should see, and a family."""
    literal, families = uses()
    assert "report.verdict" in literal and "case." in families


@pytest.mark.parametrize("language", [p.parent.name for p in sorted((FOLDER / "lang").glob("*/messages.toml"))])
def test_each_language_has_exactly_the_english_keys_and_fields(language):
    english = messages.load(FOLDER).messages
    other = messages.load(FOLDER, language).messages
    assert set(other) == set(english)
    for key, template in other.items():
        assert messages.fields(template) <= messages.fields(english[key]), key


def test_a_missing_stray_or_unknown_field_message_is_a_load_error_naming_file_and_key(tmp_path):
    (tmp_path / "messages.toml").write_text('[report]\nverdict = "Classification: {label}"\nkicker = "k"\n', encoding="utf-8")
    folder = tmp_path / "lang" / "xx"
    folder.mkdir(parents=True)
    path = folder / "messages.toml"
    cases = {
        '[report]\nverdict = "K: {label}"\n': "missing message 'report.kicker'",
        '[report]\nverdict = "K: {label}"\nkicker = "k"\nextra = "e"\n': "unknown message 'report.extra'",
        '[report]\nverdict = "K: {name}"\nkicker = "k"\n': "message 'report.verdict' uses 'name'",
        '[report]\nverdict = 3\nkicker = "k"\n': "message 'report.verdict' must be a string",
    }
    for content, expected in cases.items():
        path.write_text(content, encoding="utf-8")
        messages.load.cache_clear()
        with pytest.raises(messages.CatalogueError, match=re.escape(expected)) as error:
            messages.load(tmp_path, "xx")
        assert str(path) in str(error.value)
    messages.load.cache_clear()


# ---------------------------------------------------------------------------------------------- the run's language


def swedish() -> messages.Catalogue:
    """The Swedish messages as the file holds them, read without the check that every English key is there
    (that check is the test above), so these tests see the Swedish wording of each message they exercise."""
    import tomllib

    path = messages.catalogue_path(FOLDER, "sv")
    with path.open("rb") as handle:
        return messages.Catalogue("sv", messages.flatten(tomllib.load(handle)), path)


def test_answers_file_problems_are_messages_worded_in_the_language_asked(ruleset):
    """A problem with an answers file is a key with values, so the same check words it in each language,
    the near miss and the type of the wrong value included."""
    document = {"answers": {"humanuse": "yes", "contains_cells": 3, "manipulations": "expansion"}, "prodcut": "x"}
    checked = check_document(ruleset, document, require_complete=False)
    english, sv = ruleset.messages, swedish()
    assert [error.text(english) for error in checked.errors] == [
        "answers.humanuse: unknown question id (did you mean 'human_use'?)",
        "answers.contains_cells: expected one of yes, no, got a number",
        """answers.manipulations: expected a list of none, cutting, grinding, shaping, centrifugation, antibiotic_soaking, sterilisation, irradiation, cell_separation, filtering, lyophilisation, freezing, cryopreservation, vitrification, expansion, genetic_modification, activation, differentiation, enzymatic_digestion, other, got a string (use a list, e.g. ["expansion"])""",
    ]
    assert [error.text(sv) for error in checked.errors][:2] == [
        "answers.humanuse: okänt fråge-id (menade du 'human_use'?)",
        "answers.contains_cells: förväntade ett av yes, no, fick ett tal",
    ]
    assert checked.errors[2].text(sv).endswith('fick en sträng (använd en lista, t.ex. ["expansion"])')
    assert [sv.word(w) for w in checked.warnings] == ["okänd nyckel 'prodcut' på översta nivån ignoreras (menade du 'product'?)"]


def _bad_answers(tmp_path: Path) -> Path:
    path = tmp_path / "svar.json"
    path.write_text(json.dumps({"product": "P", "answers": {"human_use": "maybe"}}), encoding="utf-8")
    return path


def test_a_bad_answers_file_is_one_swedish_line_naming_file_and_field(runner, tmp_path):
    """`--lang sv`: the error is in Swedish, on one line, and names the file and the field (which stay as typed)."""
    path = _bad_answers(tmp_path)
    result = runner.invoke(app, ["classify", "--lang", "sv", "--answers", str(path)])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("atmp: ") and line.endswith(f"{path}: answers.human_use: okänt värde 'maybe'; tillåtna: yes, no")
    assert "unknown value" not in line and "allowed" not in line


def test_batch_error_rows_are_worded_in_swedish_with_their_keys_and_fields_as_they_are(runner, tmp_path):
    path = _bad_answers(tmp_path)
    result = runner.invoke(app, ["batch", "--lang", "sv", str(path), "--format", "jsonl"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    row = json.loads(result.stdout)
    assert row["error"] == {"field": "answers.human_use", "message": "okänt värde 'maybe'; tillåtna: yes, no"}
    assert result.stderr.rstrip().endswith("1 av 1 post kunde inte klassificeras (se felraderna)")
