"""Batch classification as a streaming pipeline of generators.

    paths --expand_paths--> sources --read_records--> records --classify_record--> rows --writer--> output

Every stage yields one item at a time, so memory stays flat however many records come in (a JSON Lines file
is read line by line, never whole). Rows come out in input order, and a row depends only on its record, so
the output is deterministic. One bad record never stops the batch: it becomes an error row naming its source
(`file.jsonl:3`, `file.json[2]` or `file.json`) and the field at fault.

All per-record work happens in `classify_record`, the one place to optimise.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Union

from atmp_cli.answers import check_document
from atmp_cli.bank import Ruleset
from atmp_cli.engine import classify
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.inputs import parse_json
from atmp_cli.render.json_out import result_dict, result_json
from atmp_cli.result import Result

STDIN = "-"
STDIN_LABEL = "<stdin>"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FOLDER_SUFFIXES = (".json",) + JSONL_SUFFIXES
CSV_COLUMNS = ("source", "product", "code", "combined", "label", "branches", "error")
# Classes in the order summaries list them; anything else the ruleset produces follows, sorted.
CLASS_ORDER = ("GTMP", "sCTMP", "TEP", "not-ATMP", "undetermined")


# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One input: a file (read as JSON Lines or JSON by its suffix) or stdin (always JSON Lines)."""

    label: str
    path: Path | None  # None: stdin

    @property
    def jsonl(self) -> bool:
        return self.path is None or self.path.suffix.lower() in JSONL_SUFFIXES


def expand_paths(paths: Iterable[str], *, recursive: bool = False) -> list[Source]:
    """Files as given, folders expanded to their .json/.jsonl files (sorted), '-' for stdin.

    Every path is checked before the first record is read, so a typo fails at once (usage error) instead of
    after an hour of work. The list holds names only; records are read later, one at a time.
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
            fail(f"{name}: no such file or folder", ExitCode.USAGE)
    return sources


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Record:
    """A parsed document, or the reason it could not be parsed (then `document` is None)."""

    source: str
    document: Any = None
    problem: tuple[str, str] | None = None  # (field, message)


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
            yield Record(source, problem=("(json)", "not UTF-8 text"))
            continue
        yield _parsed(source, line)


def _parsed(source: str, text: str) -> Record:
    document, problem = parse_json(text)
    return Record(source, problem=("(json)", problem)) if problem else Record(source, document)


def read_json(path: Path, label: str) -> Iterator[Record]:
    """A .json file: one object, or an array of them (one record an element).

    A JSON array has to be parsed whole, so a .json file is loaded at once; only JSON Lines streams. Large
    exports belong in .jsonl.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        yield Record(label, problem=("(file)", "not UTF-8 text"))
        return
    record = _parsed(label, text)
    if isinstance(record.document, list):
        for index, document in enumerate(record.document):
            yield Record(f"{label}[{index}]", document)
    else:
        yield record


def read_records(sources: Iterable[Source], stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """Every record of every source, in order; an unreadable file becomes one error record."""
    for source in sources:
        if source.path is None:
            yield from read_jsonl(stdin if stdin is not None else sys.stdin.buffer, source.label)
            continue
        try:
            if source.jsonl:
                with source.path.open("rb") as stream:
                    yield from read_jsonl(stream, source.label)
            else:
                yield from read_json(source.path, source.label)
        except OSError as error:
            yield Record(source.label, problem=("(file)", f"cannot be read: {error.strerror or error}"))


# ---------------------------------------------------------------------------------------------- classification


def error_row(source: str, errors: list[tuple[str, str]]) -> dict[str, Any]:
    """An error row: the first error under "error", all of them under "errors"."""
    listed = [{"field": field, "message": message} for field, message in errors]
    return {"source": source, "error": listed[0], "errors": listed}


class ResultRow(Mapping[str, Any]):
    """A classified record: reads as the row dict ("source" plus the `classify --format json` result), but
    builds that dict only when asked. The jsonl writer encodes the result straight from cached fragments
    (render.json_out.result_json), which is what keeps batch mode close to the speed of reading its input."""

    __slots__ = ("source", "result", "full_text", "_data")

    def __init__(self, source: str, result: Result, full_text: bool) -> None:
        self.source = source
        self.result = result
        self.full_text = full_text
        self._data: dict[str, Any] | None = None

    def _dict(self) -> dict[str, Any]:
        if self._data is None:
            self._data = {"source": self.source, **result_dict(self.result, full_text=self.full_text)}
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def json(self) -> str:
        return result_json(self.result, full_text=self.full_text, extra={"source": self.source})


Row = Union[ResultRow, dict]


def classify_record(ruleset: Ruleset, document: Any, *, source: str, country: str | None, full_text: bool) -> Row:
    """One answers document to one row: the `classify --format json` result plus "source", or an error row."""
    checked = check_document(ruleset, document)
    if checked.errors:
        return error_row(source, [(e.field, e.message) for e in checked.errors])
    result = classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings)
    return ResultRow(source, result, full_text)


def classify_records(
    ruleset: Ruleset, records: Iterable[Record], *, country: str | None = None, full_text: bool = False
) -> Iterator[dict[str, Any]]:
    """Rows in record order. Never raises for a record: whatever goes wrong with it becomes its error row."""
    for record in records:
        if record.problem is not None:
            yield error_row(record.source, [record.problem])
            continue
        try:
            yield classify_record(ruleset, record.document, source=record.source, country=country, full_text=full_text)
        except Exception as error:  # a bug, not bad input: report it on the record's row and keep going
            yield error_row(record.source, [("(internal)", f"{type(error).__name__}: {error}")])


def is_error(row: Row) -> bool:
    return not isinstance(row, ResultRow)


def row_code(row: Row) -> str:
    return "error" if is_error(row) else row.result.classification.code


# ---------------------------------------------------------------------------------------------- tallies


class Tally:
    """Counts by class as rows pass; decides the exit code."""

    def __init__(self) -> None:
        self.records = 0
        self.errors = 0
        self.combined = 0
        self.classes: dict[str, int] = {}

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


# ---------------------------------------------------------------------------------------------- writers


def branches_text(row: dict[str, Any]) -> str:
    """Branches in one cell: "genetic_purpose=yes:GTMP; genetic_purpose=no:not-ATMP"."""
    parts = []
    for branch in row.get("branches", ()):
        assume = ",".join(f"{qid}={value}" for qid, value in branch["assume"].items())
        parts.append(f"{assume}:{branch['code']}{'+combined' if branch['combined'] else ''}")
    return "; ".join(parts)


def errors_text(row: dict[str, Any]) -> str:
    return "; ".join(f"{e['field']}: {e['message']}" for e in row.get("errors", ()))


def csv_cells(row: dict[str, Any]) -> list[str]:
    if is_error(row):
        return [row["source"], "", "error", "", "", "", errors_text(row)]
    c = row["classification"]
    return [row["source"], spreadsheet_safe(row["product"] or ""), c["code"], "true" if c["combined"] else "false", c["label"], branches_text(row), ""]


def spreadsheet_safe(text: str) -> str:
    """User text for a CSV cell: a leading = + - @ would make spreadsheets run it as a formula, so it is
    prefixed with an apostrophe (the usual guard; the JSON Lines output keeps the text as given)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# Characters JSON leaves raw that str.splitlines() (and some editors) treat as line breaks: escape them so
# one result is one line for every reader, not only for those splitting on "\n".
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


class JsonlWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def row(self, row: Row) -> None:
        text = row.json() if isinstance(row, ResultRow) else json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        for char, escaped in _LINE_BREAKS:  # `in` is a fast scan; str.translate would rebuild every line
            if char in text:
                text = text.replace(char, escaped)
        self.stream.write(text)
        self.stream.write("\n")

    def close(self, tally: Tally) -> None:
        pass


class CsvWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)

    def row(self, row: dict[str, Any]) -> None:
        self.writer.writerow(csv_cells(row))

    def close(self, tally: Tally) -> None:
        pass


class TableWriter:
    """A rich table printed row by row with fixed column widths, so nothing is held back until the end."""

    HEADERS = ("source", "product", "class", "combined", "undetermined branches", "errors")

    def __init__(self, stream: IO[str], *, terminal: bool) -> None:
        from rich.console import Console

        self.console = Console(
            file=stream,
            highlight=False,
            soft_wrap=False,
            width=None if terminal else 160,
            color_system="auto" if terminal else None,
            force_terminal=None if terminal else False,
        )
        width = max(self.console.width, 60)
        fixed = 14 + 9  # class, combined
        flexible = width - fixed - 3 * 5  # padding between the six columns
        self.widths = (
            max(flexible * 2 // 10, 10),
            max(flexible * 3 // 10, 10),
            14,
            9,
            max(flexible * 2 // 10, 10),
            max(flexible * 3 // 10, 10),
        )
        self._print(self.HEADERS, header=True)

    def _print(self, cells: Iterable[str], *, header: bool = False) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 3, 0, 0))
        for width in self.widths:
            table.add_column(width=width, overflow="fold")
        style = "bold" if header else ""
        table.add_row(*(Text(cell, style=style) for cell in cells))
        self.console.print(table)

    def row(self, row: dict[str, Any]) -> None:
        if is_error(row):
            self._print((row["source"], "", "error", "", "", errors_text(row)))
            return
        c = row["classification"]
        self._print((row["source"], row["product"] or "", c["code"], "yes" if c["combined"] else "", branches_text(row), ""))

    def close(self, tally: Tally) -> None:
        pass


class SummaryWriter:
    """Only the counts by class, written when the batch ends."""

    def __init__(self, stream: IO[str], fmt: str, *, terminal: bool) -> None:
        self.stream, self.fmt, self.terminal = stream, fmt, terminal

    def row(self, row: dict[str, Any]) -> None:
        pass

    def close(self, tally: Tally) -> None:
        counts = dict(tally.ordered_classes())
        if self.fmt == "jsonl":
            self.stream.write(json.dumps({"summary": tally.as_dict()}, ensure_ascii=False) + "\n")
            return
        rows = [(code, str(n)) for code, n in counts.items()]
        rows += [("combined", str(tally.combined)), ("error", str(tally.errors)), ("records", str(tally.records))]
        if self.fmt == "csv":
            writer = csv.writer(self.stream, lineterminator="\n")
            writer.writerow(("class", "count"))
            writer.writerows(rows)
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("class", "count", box=None, pad_edge=False)
        for code, n in rows:
            table.add_row(code, n, end_section=code == "error")
        Console(file=self.stream, highlight=False, width=None if self.terminal else 80, force_terminal=None if self.terminal else False).print(table)


Writer = Any  # JsonlWriter | CsvWriter | TableWriter | SummaryWriter


def make_writer(stream: IO[str], fmt: str, *, summary: bool, terminal: bool) -> Writer:
    if summary:
        return SummaryWriter(stream, fmt, terminal=terminal)
    if fmt == "csv":
        return CsvWriter(stream)
    if fmt == "table":
        return TableWriter(stream, terminal=terminal)
    return JsonlWriter(stream)


# ---------------------------------------------------------------------------------------------- running


class FailFast(Exception):
    """Raised by `run` at the first error row when asked to stop there."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__(row["source"])
        self.row = row


def run(
    rows: Iterable[dict[str, Any]],
    writer: Writer,
    *,
    fail_fast: bool = False,
    on_row: Callable[[int], None] | None = None,
) -> Tally:
    """Write every row, counting; with `fail_fast`, write the first error row then raise FailFast."""
    tally = Tally()
    for row in rows:
        tally.add(row)
        writer.row(row)
        if on_row is not None:
            on_row(tally.records)
        if fail_fast and is_error(row):
            raise FailFast(row)
    writer.close(tally)
    return tally
