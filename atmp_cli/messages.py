"""The program's own words, as a keyed catalogue in data (`questions/<ruleset>/messages.toml`).

Headings, labels, warnings, error messages and the sentences the report composes are looked up here by
key, never written in code, so that a language is a new catalogue and not a new code path. A message is
a `str.format` template with named fields (`{question}`); the values are ids, codes or already-worded
texts, never English fragments glued together by the program.

A `Message` is a key with its values: the core hands these out (e.g. an answer that was ignored) and the
renderers word them, so the same result can be worded in any language.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

SOURCE_LANGUAGE = "en"


class CatalogueError(Exception):
    """The catalogue is broken; the message names the file and the key."""


@dataclass(frozen=True)
class Message:
    """A message to be worded later: its key and the values of its fields (as a tuple, to stay hashable)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **values: Any) -> "Message":
        return cls(key, tuple(values.items()))


class Catalogue:
    """The messages of one language, by dotted key ("report.summary")."""

    def __init__(self, language: str, messages: Mapping[str, str], path: Path) -> None:
        self.language = language
        self.messages = dict(messages)
        self.path = path

    def __call__(self, key: str, /, **values: Any) -> str:
        """The message `key`, its fields filled in (a field holding a Message is worded first, in this
        language). A missing key is a bug the catalogue test catches."""
        template = self.messages[key]
        if not values:
            return template
        return template.format_map({name: self.word(value) if isinstance(value, Message) else value for name, value in values.items()})

    def word(self, message: Message | str) -> str:
        """A core message in words; a plain string (already worded, e.g. a user's text) is returned as it is."""
        if isinstance(message, str):
            return message
        return self(message.key, **dict(message.values))


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely misspells, if one is close enough."""
    import difflib  # only when something is misspelt: not at start-up

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> Message | str:
    """For the field that ends a message ("unknown value 'x'{hint}"): " (did you mean 'y'?)" in the run's
    language for a near miss, or nothing."""
    close = close_match(word, choices)
    return Message.of("hint.did_you_mean", word=repr(close)) if close else ""


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables as dotted keys: [report] summary = "..." becomes "report.summary"."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def fields(template: str) -> set[str]:
    """The named fields of a template, e.g. {"question"} for "answer to {question} ignored"."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogue_path(folder: Path, language: str) -> Path:
    """English sits next to the ruleset's own texts; other languages under lang/<code>/."""
    if language == SOURCE_LANGUAGE:
        return folder / "messages.toml"
    return folder / "lang" / language / "messages.toml"


@lru_cache(maxsize=None)
def load(folder: Path, language: str = SOURCE_LANGUAGE) -> Catalogue:
    """The catalogue of `language` for the ruleset in `folder`, checked against the English one: the same keys,
    and each message uses only the fields its English original has."""
    english = _read(catalogue_path(folder, SOURCE_LANGUAGE))
    if language == SOURCE_LANGUAGE:
        return Catalogue(language, english, catalogue_path(folder, language))
    path = catalogue_path(folder, language)
    if not path.is_file():
        raise CatalogueError(f"{path}: no messages for language {language!r}")
    translated = _read(path)
    for key in sorted(set(english) - set(translated)):
        raise CatalogueError(f"{path}: missing message {key!r}")
    for key in sorted(set(translated) - set(english)):
        raise CatalogueError(f"{path}: unknown message {key!r} (not in {catalogue_path(folder, SOURCE_LANGUAGE).name})")
    for key, template in translated.items():
        extra = fields(template) - fields(english[key])
        if extra:
            raise CatalogueError(f"{path}: message {key!r} uses {sorted(extra)[0]!r}, which the English message does not have")
    return Catalogue(language, translated, path)


def _read(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            flat = flatten(tomllib.load(handle))
    except FileNotFoundError:
        raise CatalogueError(f"{path}: not found") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path}: {error}") from None
    for key, value in flat.items():
        if not isinstance(value, str):
            raise CatalogueError(f"{path}: message {key!r} must be a string")
        try:
            fields(value)
        except ValueError as error:
            raise CatalogueError(f"{path}: message {key!r}: {error}") from None
    return flat
