"""Batch classification as a streaming pipeline of generators.

    paths --expand_paths--> sources --read_records--> records --classify_record--> rows --writer--> output

Every stage yields one item at a time, so memory stays flat however many records come in (JSON Lines and CSV
files are read row by row, never whole). Rows come out in input order, and a row depends only on its record,
so the output is deterministic. One bad record never stops the batch: it becomes an error row naming its
source and the field at fault. Sources count from 1, as editors and spreadsheets do: `file.jsonl:3` is the
third line, `file.csv:2` the second spreadsheet row (the first product; row 1 is the header), `file.json#3`
the third element of an array, `file.json` a file holding one object.

All per-record work happens in `classify_record`, the one place to optimise. The writers (table, CSV, JSON)
are in atmp_cli.batch_writers. Nothing here prints or exits: problems with the paths are BatchError. The
messages of the error rows are worded in the ruleset's language (the run's); their fields stay ids.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Union

from atmp_cli.answers import check_document
from atmp_cli.bank import Ruleset
from atmp_cli.engine import classify
from atmp_cli.exit_codes import ExitCode
from atmp_cli.inputs import STDIN_LABEL, json_value
from atmp_cli.messages import Catalogue, Message
from atmp_cli.serialize import to_dict, to_json_line
from atmp_cli.result import Result

STDIN = "-"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
FOLDER_SUFFIXES = (".json",) + JSONL_SUFFIXES + CSV_SUFFIXES
# Classes in the order summaries list them; anything else the ruleset produces follows, sorted.
CLASS_ORDER = ("GTMP", "sCTMP", "TEP", "not-ATMP", "undetermined")
OUTCOMES = ("not-ATMP", "undetermined")  # classes every ruleset has besides its definitions


class BatchError(Exception):
    """A problem with the batch as a whole (not one record), found before any record is read."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One input: a file (read as JSON Lines, CSV or JSON by its suffix) or stdin (always JSON Lines)."""

    label: str
    path: Path | None  # None: stdin

    @property
    def kind(self) -> str:
        """jsonl, csv or json."""
        if self.path is None:
            return "jsonl"
        suffix = self.path.suffix.lower()
        return "jsonl" if suffix in JSONL_SUFFIXES else "csv" if suffix in CSV_SUFFIXES else "json"


def expand_paths(paths: Iterable[str], *, recursive: bool = False) -> list[Source]:
    """Files as given, folders expanded to their .json/.jsonl/.csv files (sorted), '-' for stdin.

    Every path is checked before the first record is read, so a typo fails at once (BatchError, a usage
    error) instead of after an hour of work. The list holds names only; records are read later, one at a time.
    """
    sources: list[Source] = []
    for name in paths:
        if name == STDIN:
            sources.append(Source(STDIN_LABEL, None))
            continue
        path = Path(name)
        if path.is_dir():
            found = path.rglob("*") if recursive else path.iterdir()
            files = sorted(p for p in found if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
            sources.extend(Source(str(p), p) for p in files)
        elif path.exists():
            sources.append(Source(name, path))
        else:
            raise BatchError(Message.of("at.source", source=name, problem=Message.of("batch.no_such_path")))
    return sources


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Record:
    """A parsed document, or the reasons it could not be parsed (then `document` is None)."""

    source: str
    document: Any = None
    problems: tuple[tuple[str, Message | str], ...] = ()  # (field, message)
    product: str | None = None  # where known despite the problems, for the error row


def read_jsonl(stream: IO[bytes], label: str) -> Iterator[Record]:
    """One record a non-blank line, read line by line; a line that is not JSON becomes an error record."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        source = f"{label}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Record(source, problems=(("(json)", Message.of("input.not_utf8")),))
            continue
        yield _parsed(source, line)


def _parsed(source: str, text: str) -> Record:
    document, problem = json_value(text)
    return Record(source, problems=(("(json)", problem),)) if problem else Record(source, document)


def read_json(path: Path, label: str) -> Iterator[Record]:
    """A .json file: one object, or an array of them (one record an element, `file.json#1` the first).

    A JSON array has to be parsed whole, so a .json file is loaded at once; JSON Lines and CSV stream. Large
    exports belong in .jsonl.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        yield Record(label, problems=(("(file)", Message.of("input.not_utf8")),))
        return
    record = _parsed(label, text)
    if isinstance(record.document, list):
        for number, document in enumerate(record.document, 1):
            yield Record(f"{label}#{number}", document)
    else:
        yield record


def read_csv(path: Path, label: str, ruleset: Ruleset) -> Iterator[Record]:
    """A .csv file: one product a row (atmp_cli.answers_csv), `file.csv:2` the first after the header."""
    from atmp_cli import spreadsheet

    with path.open(encoding=spreadsheet.ENCODING, newline="") as stream:
        yield from csv_records(stream, label, ruleset)


def csv_records(stream: IO[str], label: str, ruleset: Ruleset) -> Iterator[Record]:
    from atmp_cli import answers_csv

    for row in answers_csv.read(stream, ruleset):
        source = label if row.row is None else f"{label}:{row.row}"
        yield Record(source, row.document, row.problems, row.product)


def read_records(sources: Iterable[Source], ruleset: Ruleset, stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """Every record of every source, in order; an unreadable file becomes one error record."""
    for source in sources:
        if source.path is None:
            yield from read_jsonl(stdin if stdin is not None else sys.stdin.buffer, source.label)
            continue
        try:
            if source.kind == "jsonl":
                with source.path.open("rb") as stream:
                    yield from read_jsonl(stream, source.label)
            elif source.kind == "csv":
                yield from read_csv(source.path, source.label, ruleset)
            else:
                yield from read_json(source.path, source.label)
        except OSError as error:
            yield Record(source.label, problems=(("(file)", Message.of("input.unreadable", reason=error.strerror or str(error))),))


# ---------------------------------------------------------------------------------------------- classification


def error_row(m: Catalogue, source: str, errors: Iterable[tuple[str, Message | str]], product: str | None = None) -> dict[str, Any]:
    """An error row: the product where the record names one, the first error under "error", all of them
    under "errors", each message worded by `m`."""
    listed = [{"field": field, "message": m.word(message)} for field, message in errors]
    return {"source": source, "product": product, "error": listed[0], "errors": listed}


class ResultRow(Mapping[str, Any]):
    """A classified record: reads as the row dict ("source" plus the `classify --format json` result), but
    builds that dict only when asked. The jsonl writer encodes the result straight from cached fragments
    (serialize.to_json_line), which is what keeps batch mode close to the speed of reading its input."""

    __slots__ = ("source", "result", "full_text", "_data")

    def __init__(self, source: str, result: Result, full_text: bool) -> None:
        self.source = source
        self.result = result
        self.full_text = full_text
        self._data: dict[str, Any] | None = None

    def _dict(self) -> dict[str, Any]:
        if self._data is None:
            self._data = {"source": self.source, **to_dict(self.result, full_text=self.full_text)}
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def json(self) -> str:
        return to_json_line(self.result, full_text=self.full_text, extra={"source": self.source})


Row = Union[ResultRow, dict]


def classify_record(ruleset: Ruleset, document: Any, *, source: str, country: str | None, full_text: bool) -> Row:
    """One answers document to one row: the `classify --format json` result plus "source", or an error row."""
    checked = check_document(ruleset, document)
    if checked.errors:
        return error_row(ruleset.messages, source, [(e.field, e.message) for e in checked.errors], checked.product)
    result = classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings,
                      case=checked.case, justifications=checked.justifications)
    return ResultRow(source, result, full_text)


def classify_records(
    ruleset: Ruleset, records: Iterable[Record], *, country: str | None = None, full_text: bool = False
) -> Iterator[dict[str, Any]]:
    """Rows in record order. Never raises for a record: whatever goes wrong with it becomes its error row."""
    for record in records:
        if record.problems:
            yield error_row(ruleset.messages, record.source, record.problems, record.product)
            continue
        try:
            yield classify_record(ruleset, record.document, source=record.source, country=country, full_text=full_text)
        except Exception as error:  # a bug, not bad input: report it on the record's row and keep going
            yield error_row(ruleset.messages, record.source, [("(internal)", f"{type(error).__name__}: {error}")])


def is_error(row: Row) -> bool:
    return not isinstance(row, ResultRow)


def errors_text(row: dict[str, Any]) -> str:
    """An error row's errors in one line: "answers.human_use: unknown value 'maybe'; ..."."""
    return "; ".join(f"{e['field']}: {e['message']}" for e in row.get("errors", ()))


# ---------------------------------------------------------------------------------------------- tallies


def class_codes(ruleset: Ruleset) -> tuple[str, ...]:
    """Every class the ruleset can give, in the order summaries list them."""
    codes = {d.code for d in ruleset.definitions} | set(OUTCOMES)
    return tuple(code for code in CLASS_ORDER if code in codes) + tuple(sorted(codes - set(CLASS_ORDER)))


class Tally:
    """Counts by class as rows pass (every class in `classes` listed, if only with 0); decides the exit code."""

    def __init__(self, classes: Iterable[str] = ()) -> None:
        self.records = 0
        self.errors = 0
        self.combined = 0
        self.classes: dict[str, int] = dict.fromkeys(classes, 0)

    def add(self, row: dict[str, Any]) -> None:
        self.records += 1
        if is_error(row):
            self.errors += 1
            return
        classification = row.result.classification
        self.classes[classification.code] = self.classes.get(classification.code, 0) + 1
        self.combined += classification.combined

    def ordered_classes(self) -> dict[str, int]:
        known = [code for code in CLASS_ORDER if code in self.classes]
        other = sorted(code for code in self.classes if code not in CLASS_ORDER)
        return {code: self.classes[code] for code in known + other}

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "classes": self.ordered_classes(), "combined": self.combined, "errors": self.errors}

    @property
    def exit_code(self) -> ExitCode:
        if self.errors:
            return ExitCode.INVALID_INPUT
        if self.classes.get("undetermined"):
            return ExitCode.UNDETERMINED
        return ExitCode.CLASSIFIED


# ---------------------------------------------------------------------------------------------- running


class FailFast(Exception):
    """Raised by `run` at the first error row when asked to stop there."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__(row["source"])
        self.row = row


def run(
    rows: Iterable[dict[str, Any]],
    writer: Any,
    *,
    classes: Iterable[str] = (),
    fail_fast: bool = False,
    on_row: Callable[[int], None] | None = None,
) -> Tally:
    """Write every row, counting; with `fail_fast`, write the first error row, close the writer (so a JSON
    array is still well-formed) and raise FailFast. `writer` has row(row) and close(tally)
    (atmp_cli.batch_writers)."""
    tally = Tally(classes)
    for row in rows:
        tally.add(row)
        writer.row(row)
        if on_row is not None:
            on_row(tally.records)
        if fail_fast and is_error(row):
            writer.close(tally)
            raise FailFast(row)
    writer.close(tally)
    return tally
