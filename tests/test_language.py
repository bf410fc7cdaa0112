"""Which language a run speaks: --lang, else ATMP_LANG, else the locale, else English."""

from __future__ import annotations

import pytest

from atmp_cli import language
from atmp_cli.cli import app

AVAILABLE = ["en", "sv"]


@pytest.mark.parametrize(
    "option, environ, expected",
    [
        ("sv", {"LANG": "en_GB.UTF-8"}, "sv"),
        ("EN", {"LANG": "sv_SE.UTF-8"}, "en"),  # --lang en wins over a Swedish locale
        (None, {"LANG": "sv_SE.UTF-8"}, "sv"),
        (None, {"LC_ALL": "sv_FI.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),  # LC_ALL before LANG, as POSIX has it
        (None, {"LC_MESSAGES": "sv_SE", "LANG": "de_DE.UTF-8"}, "sv"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),  # a locale atmp lacks is no error
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_the_option_else_the_locale_else_english(option, environ, expected):
    assert language.resolve(option, AVAILABLE, environ) == expected


def test_an_unknown_language_is_a_usage_error_listing_the_known_ones(runner):
    result = runner.invoke(app, ["classify", "--example", "car-t", "--lang", "de"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "atmp: error: --lang: unknown language 'de'; available: en, sv"


def test_atmp_lang_sets_the_language_like_the_option(runner):
    result = runner.invoke(app, ["classify", "--example", "car-t", "--format", "json"], env={"ATMP_LANG": "de"})
    assert result.exit_code == 2 and "--lang: unknown language 'de'" in result.stderr
