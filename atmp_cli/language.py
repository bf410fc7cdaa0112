"""Which language atmp speaks in this run: `--lang`, else `ATMP_LANG`, else the locale, else English.

A run speaks one language, chosen once by the command before it does anything, so that everything it
prints (reports, wizard, errors) comes from the same catalogue. The choice is only of words: codes, ids,
the classification and the answers' digest are the same in every language.
"""

from __future__ import annotations

import os
from typing import Mapping

from atmp_cli.messages import SOURCE_LANGUAGE, Catalogue

_current = SOURCE_LANGUAGE
_ruleset = "eu"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # in the order POSIX gives them precedence


def from_locale(environ: Mapping[str, str]) -> str | None:
    """The language of the user's locale ("sv" for sv_SE.UTF-8), or None for C/POSIX or none set."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("@")[0].lower()
            return None if code in ("c", "posix") else code
    return None


def resolve(option: str | None, available: list[str], environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: the option (typer fills it from ATMP_LANG too) if given, which must be one of
    `available`; else the locale's if atmp has it; else English. A locale atmp lacks is no error."""
    if option:
        code = option.strip().lower()
        if code not in available:
            raise ValueError(code)
        return code
    code = from_locale(os.environ if environ is None else environ)
    return code if code in available else SOURCE_LANGUAGE


def use(code: str, ruleset: str = "eu") -> None:
    """Speak `code` for the rest of this run, with the messages of `ruleset`."""
    global _current, _ruleset
    _current, _ruleset = code, ruleset


def current() -> str:
    return _current


def catalogue() -> Catalogue:
    """The messages of this run's language, for words spoken before or without a ruleset (errors, prompts).

    If that catalogue cannot be loaded (the error being reported may be just that), English; for a ruleset
    that does not exist, the EU ruleset's."""
    from atmp_cli import bank, messages

    root = bank.questions_root()
    folder = root / _ruleset if (root / _ruleset / "messages.toml").is_file() else root / "eu"  # an unknown --ruleset
    try:
        return messages.load(folder, _current)
    except messages.CatalogueError:
        return messages.load(folder, SOURCE_LANGUAGE)
