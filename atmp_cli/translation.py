"""The ruleset's own texts in another language, as data beside the English they translate.

A catalogue `questions/<ruleset>/lang/<lang>/ruleset.toml` is a flat TOML table: a dotted key for every
user-facing English string of the ruleset's files, the translation as its value. Ids, option values,
conditions and citations are never translated, so the classification cannot change with the language;
only the words shown to people do. The catalogue is applied to the raw tables before the bank is built,
so every object of the bank carries the translated text and the loader validates it as it does English.

Keys (ids as the bank has them; a field is keyed only where the English string is not empty):

    ruleset.title, ruleset.disclaimer, section.<id>.title, labels.<code>, short_labels.<code>
    question.<qid>.prompt | .help | .when_text
    question.<qid>.option.<value>.label | .finding
    rule.<id>.met | .failed | .not_applicable
    definition.<id>.reason
    destination.<id>.reason | .belongs
    note.<id>.text
    constraint.<id>.message              (constraints have ids: the loader requires them)
    legal.<id>.title | .label | .paraphrase
    national.<COUNTRY>.name, national.<COUNTRY>.<note id>.text   (the country code upper-case, as the bank has it)

Which fields are prose shown to users, decided field by field over the real files:

* ruleset.toml: `title`, `disclaimer`, section `title`s and every `labels` entry (the class names a report
  prints) are prose. `id`, `version` and `legal_texts_as_of` are identifiers and dates.
* questions.toml: `prompt`, `help`, `when_text` (the condition in words) and each option's `label` and
  `finding` are prose. Not: `id`, `section`, `kind`, `when`, `unsure`, `required` (a flag or a condition),
  `judgement`, `safe_default`, `definitions`, and an option's `value`, `citations`, `exclusive`,
  `judgement`, `judgement_when`.
* rules.toml: a rule's `met`, `failed` and `not_applicable`, a definition's `reason`, a destination's
  `reason` and `belongs`, a note's `text`, a constraint's `message`. Not: `when`, `applies` (conditions),
  `tests`, `code` (the class code, the key of `labels`), `regime`, `open`, `fields`, `citations`.
* legal/*.toml: `title`, `label` (the caveat printed when a quotation is not the law's own wording) and
  `paraphrase` (English prose about the law, never shown as a quotation). Never `text` (the law's or a
  source's own words, quoted verbatim: a translation would misquote it), `citation` (names the source as
  published), `source` (an address), `status` and `confidence` (provenance records for maintainers), nor
  `language` (the language of `text`). A text's caveat is not a field (`Wording.caveat` in wording.py):
  for a secondary text it is its `label`, for a paraphrase a fixed message of the program, and a quotation
  in another language than the report's adds a message of the program saying so.
* national/*.toml: the country's `name` and each note's `text`. Not: `country`, a note's `id`, `when`,
  `citations`.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from atmp_cli.bank import SOURCE_LANGUAGE, BankError, did_you_mean, read_toml

LANG_FOLDER = "lang"
CATALOGUE = "ruleset.toml"
_LANG = re.compile(r"[a-z]{2,3}")  # a folder name under lang/, never a path

# Arrays of tables in the ruleset's own files: (file, array, key prefix, prose fields of each entry).
_ENTRIES = (
    ("ruleset.toml", "section", "section", ("title",)),
    ("questions.toml", "question", "question", ("prompt", "help", "when_text")),
    ("rules.toml", "rule", "rule", ("met", "failed", "not_applicable")),
    ("rules.toml", "definition", "definition", ("reason",)),
    ("rules.toml", "destination", "destination", ("reason", "belongs")),
    ("rules.toml", "note", "note", ("text",)),
    ("rules.toml", "constraint", "constraint", ("message",)),
)
_OPTION_FIELDS = ("label", "finding")
_LEGAL_FIELDS = ("title", "label", "paraphrase")
Slot = tuple[str, dict[str, Any], str]  # key, the table holding the string, its field


def _fields(key: str, table: Any, fields: tuple[str, ...]) -> Iterator[Slot]:
    """The non-empty strings among `fields` of `table` (anything else is for the loader to report)."""
    if isinstance(table, dict):
        for name in fields:
            if isinstance(table.get(name), str) and table[name].strip():
                yield f"{key}.{name}", table, name


def _entries(table: dict[str, Any], array: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of an array of tables with its id; entries without one are the loader's to report."""
    items = table.get(array)
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            yield item["id"], item


def _slots(raw: dict[str, Any]) -> Iterator[Slot]:
    """Every translatable string of the raw tables, where it lives, under its stable key."""
    meta = raw.get("ruleset.toml", {})
    yield from _fields("ruleset", meta, ("title", "disclaimer"))
    for table in ("labels", "short_labels"):
        names = meta.get(table)
        yield from _fields(table, names, tuple(names) if isinstance(names, dict) else ())
    for filename, array, prefix, fields in _ENTRIES:
        for entry_id, entry in _entries(raw.get(filename, {}), array):
            yield from _fields(f"{prefix}.{entry_id}", entry, fields)
            options = entry.get("option") if array == "question" else None
            for option in options if isinstance(options, list) else []:
                if isinstance(option, dict) and isinstance(option.get("value"), str):
                    yield from _fields(f"question.{entry_id}.option.{option['value']}", option, _OPTION_FIELDS)
    for filename in sorted(raw):
        if filename.startswith("legal/"):
            for entry_id, entry in _entries(raw[filename], "text"):
                yield from _fields(f"legal.{entry_id}", entry, _LEGAL_FIELDS)
        elif filename.startswith("national/") and isinstance(raw[filename].get("country"), str):
            prefix = f"national.{raw[filename]['country'].upper()}"
            yield from _fields(prefix, raw[filename], ("name",))
            for entry_id, entry in _entries(raw[filename], "note"):
                yield from _fields(f"{prefix}.{entry_id}", entry, ("text",))


def _index(raw: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """Key -> (table, field); two strings under one key (a repeated id) would make a translation ambiguous."""
    index: dict[str, tuple[dict[str, Any], str]] = {}
    for key, table, name in _slots(raw):
        if key in index:
            raise BankError(f"two texts of the ruleset share the translation key {key!r}: ids must be unique")
        index[key] = (table, name)
    return index


def translatable(raw: dict[str, Any]) -> dict[str, str]:
    """Every user-facing English string of the raw tables (file name -> parsed TOML), by stable key."""
    return {key: table[name] for key, (table, name) in _index(raw).items()}


def _more(keys: list[str]) -> str:
    return f" (and {len(keys) - 1} more)" if len(keys) > 1 else ""


def apply(raw: dict[str, Any], catalogue: dict[str, Any], file: Path | str) -> dict[str, Any]:
    """A copy of the raw tables with each translatable string replaced by the catalogue's.

    The catalogue must translate exactly the English keys: a key the English lacks (stray: a renamed id,
    a typo) or an English key it lacks (missing: a text added since) is a load error naming `file`.
    """
    for key, text in catalogue.items():
        if not isinstance(text, str) or not text.strip():
            hint = f' (quote the whole dotted key: "{key}.…" = """…""")' if isinstance(text, dict) else ""
            raise BankError(f"{file}: key {key!r} must be a non-empty string{hint}")
    translated = copy.deepcopy(raw)
    index = _index(translated)
    stray = [key for key in catalogue if key not in index]
    if stray:
        raise BankError(f"{file}: key {stray[0]!r} translates no English text{did_you_mean(stray[0], index)}{_more(stray)}")
    missing = [key for key in index if key not in catalogue]
    if missing:
        raise BankError(f"{file}: no translation for key {missing[0]!r}{_more(missing)}")
    for key, (table, name) in index.items():
        table[name] = catalogue[key]
    return translated


def read_raw(folder: Path) -> dict[str, dict[str, Any]]:
    """The files bank's loader reads from a ruleset folder, parsed, by their path inside it."""
    paths = [folder / name for name in ("ruleset.toml", "questions.toml", "rules.toml")]
    paths += sorted((folder / "legal").glob("*.toml")) + sorted((folder / "national").glob("*.toml"))
    return {path.relative_to(folder).as_posix(): read_toml(path) for path in paths}


def languages(folder: Path) -> list[str]:
    """The languages a ruleset's texts can be loaded in: its own and each catalogue's under lang/."""
    found = sorted(p.parent.name for p in (folder / LANG_FOLDER).glob(f"*/{CATALOGUE}"))
    return [SOURCE_LANGUAGE] + [lang for lang in found if lang != SOURCE_LANGUAGE]


def catalogue_path(folder: Path, lang: str) -> Path:
    """Where a language's catalogue is; an unknown language is a load error listing the known ones."""
    path = folder / LANG_FOLDER / lang / CATALOGUE
    if not _LANG.fullmatch(lang) or not path.is_file():
        known = languages(folder)
        raise BankError(f"unknown language {lang!r}{did_you_mean(lang, known)} for ruleset {folder.name!r}; available: {', '.join(known)}")
    return path


def reader(folder: Path, lang: str) -> Callable[[Path], dict[str, Any]]:
    """What bank's loader reads instead of a ruleset's files: their tables with `lang`'s texts."""
    path = catalogue_path(folder, lang)
    tables = apply(read_raw(folder), read_toml(path), path)
    return lambda file: tables[file.relative_to(folder).as_posix()]
