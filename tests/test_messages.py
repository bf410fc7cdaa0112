"""The message catalogue: every key the program uses exists, no key is unused, other languages match English.

The program looks messages up as `m("key", ...)` (a Catalogue called with a literal key) or hands them to
the renderers as `Message.of("key", ...)`; a family of keys chosen at run time is written `m(f"case.{key}")`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atmp_cli import bank, messages

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
