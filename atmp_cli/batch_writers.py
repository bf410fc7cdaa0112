"""How batch rows are written: JSON Lines, one JSON array, CSV, a terminal table, or only the counts.

The table and the CSV share one list of columns, COLUMNS, so they cannot drift apart: the same columns, in the
same order, with the same cells ("yes"/"no" for a flag, lists joined with "; "). A column is one line there;
the table leaves out the `optional` ones only on a terminal too narrow for all of them (and says so). The CSV's
header and the summary's class and count rows are ids, a contract for scripts; the table, for people, heads
its columns with their labels in the run's language (atmp_cli.language). JSON keeps the full result with its
booleans and lists, as `classify --format json` prints it, plus "source". Every writer streams: a row is
written as it comes, and only the summary waits for the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import IO, Any, Callable, Iterable

from atmp_cli import language, spreadsheet, wording
from atmp_cli.batch import ResultRow, Tally, errors_text, is_error
from atmp_cli.precedents import outcome_words
from atmp_cli.result import Result
from atmp_cli.wording import Wording

FORMATS = ("table", "jsonl", "json", "csv")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def branches_text(result: Result) -> str:
    """Branches in one cell: "genetic_purpose=yes:GTMP; genetic_purpose=no:not-ATMP"."""
    parts = []
    for branch in result.branches:
        assume = ",".join(f"{qid}={value}" for qid, value in branch.assume.items())
        parts.append(f"{assume}:{branch.code}{'+combined' if branch.combined else ''}")
    return "; ".join(parts)


def _blank(row: Any) -> str:
    return ""


@dataclass(frozen=True)
class Column:
    """A column of the table and the CSV: its cell for a classified record (a ResultRow) and for an error row
    (a dict), and how the table draws it: `width` fixes it, else it gets `share` parts of what is left."""

    name: str  # the id: the CSV's header; the table's is the label of the same key (batch.column.<name>)
    cell: Callable[[ResultRow], str] = _blank
    error_cell: Callable[[dict], str] = _blank
    width: int = 0
    share: int = 2
    optional: bool = False  # the table leaves it out on a terminal too narrow for every column


def nearest_text(result: Result) -> str:
    """The most similar published precedent: its id and outcome, e.g. 'cat-2019-03-02 (sCTMP)'."""
    if not result.precedents:
        return ""
    first = result.precedents[0]
    return f"{first.id} ({outcome_words(result.ruleset.messages, first.code, first.combined)})"


def words(row: Any) -> Wording:
    return wording.of(row.result.ruleset)


COLUMNS: tuple[Column, ...] = (
    Column("source", lambda r: r.source, lambda e: e["source"], share=2),
    Column("product", lambda r: r.result.product or "", lambda e: e["product"] or "", share=3),
    Column("code", lambda r: r.result.classification.code, lambda e: "error", width=12),
    Column("combined", lambda r: yes_no(r.result.classification.combined), width=8),
    Column("borderline", lambda r: yes_no(r.result.classification.borderline), width=10),
    Column("label", lambda r: words(r).label(r.result.classification), share=2, optional=True),
    Column("belongs", lambda r: "; ".join(words(r).belongs(r.result.belongs)), share=3, optional=True),
    Column("warnings", lambda r: "; ".join(words(r).warning(w) for w in r.result.warnings), share=2, optional=True),
    Column("hospital_exemption", lambda r: r.result.answers.get("hospital_exemption", ""), width=18, optional=True),
    Column("branches", lambda r: branches_text(r.result), share=2, optional=True),
    Column("nearest_precedent", lambda r: nearest_text(r.result), share=3, optional=True),
    Column("error", error_cell=errors_text, share=3),
)


def cells(row: dict[str, Any], columns: Iterable[Column] = COLUMNS) -> list[str]:
    if is_error(row):
        return [column.error_cell(row) for column in columns]
    return [column.cell(row) for column in columns]


# Characters JSON leaves raw that str.splitlines() (and some editors) treat as line breaks: escape them so
# one result is one line for every reader, not only for those splitting on "\n".
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def row_json(row: dict[str, Any]) -> str:
    """A row as one line of JSON."""
    text = row.json() if isinstance(row, ResultRow) else json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _LINE_BREAKS:  # `in` is a fast scan; str.translate would rebuild every line
        if char in text:
            text = text.replace(char, escaped)
    return text


class JsonlWriter:
    """One JSON object a line."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def row(self, row: dict[str, Any]) -> None:
        self.stream.write(row_json(row))
        self.stream.write("\n")

    def close(self, tally: Tally) -> None:
        pass


class JsonArrayWriter:
    """One JSON array with one element a line, streamed: '[' first, ',' between rows, ']' at the end."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.written = 0
        stream.write("[")

    def row(self, row: dict[str, Any]) -> None:
        self.stream.write(",\n" if self.written else "\n")
        self.stream.write(row_json(row))
        self.written += 1

    def close(self, tally: Tally) -> None:
        self.stream.write("\n]\n" if self.written else "]\n")


class CsvWriter:
    """A header row of the COLUMNS' names, then one row a record (UTF-8 with a byte-order mark)."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = spreadsheet.writer(stream)
        self.writer.writerow([column.name for column in COLUMNS])

    def row(self, row: dict[str, Any]) -> None:
        self.writer.writerow([spreadsheet.spreadsheet_safe(cell) for cell in cells(row)])

    def close(self, tally: Tally) -> None:
        pass


class TableWriter:
    """A rich table printed row by row with fixed column widths, so nothing is held back until the end."""

    GAP = 2
    MIN_SHARED = 10  # narrowest a shared column may get before the optional columns are left out

    def __init__(self, stream: IO[str], *, terminal: bool) -> None:
        from rich.console import Console

        self.console = Console(
            file=stream,
            highlight=False,
            soft_wrap=False,
            width=None if terminal else 200,
            color_system="auto" if terminal else None,
            force_terminal=None if terminal else False,
        )
        from rich.cells import cell_len

        m = self.m = language.catalogue()
        labels = {c.name: m(f"batch.column.{c.name}") for c in COLUMNS}
        # A column of fixed width is at least as wide as its label, in whatever language.
        columns = tuple(replace(c, width=max(c.width, cell_len(labels[c.name]))) if c.width else c for c in COLUMNS)
        self.columns, self.widths = self.layout(columns, max(self.console.width, 60))
        self.left_out = [labels[c.name] for c in columns if c not in self.columns]
        self._print([labels[c.name] for c in self.columns], header=True)

    @classmethod
    def layout(cls, columns: tuple[Column, ...], width: int) -> tuple[tuple[Column, ...], tuple[int, ...]]:
        """The columns that fit in `width` (every one, or all but the optional ones) and their widths."""
        for chosen in (columns, tuple(c for c in columns if not c.optional)):
            fixed = sum(c.width for c in chosen) + cls.GAP * (len(chosen) - 1)
            shares = sum(c.share for c in chosen if not c.width)
            unit = (width - fixed) / shares
            if unit * min(c.share for c in chosen if not c.width) >= cls.MIN_SHARED:
                break
        return chosen, tuple(c.width or max(int(unit * c.share), cls.MIN_SHARED) for c in chosen)

    def _print(self, texts: Iterable[str], *, header: bool = False) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, self.GAP, 0, 0))
        for width in self.widths:
            table.add_column(width=width, overflow="fold")
        style = "bold" if header else ""
        table.add_row(*(Text(text, style=style) for text in texts))
        self.console.print(table)

    def row(self, row: dict[str, Any]) -> None:
        self._print(cells(row, self.columns))

    def close(self, tally: Tally) -> None:
        if self.left_out:
            from rich.text import Text

            note = self.m("batch.left_out", columns=", ".join(self.left_out))
            self.console.print(Text(note, style="dim"))


class SummaryWriter:
    """Only the counts by class (every class, if only with 0), combined, errors and records, at the end."""

    def __init__(self, stream: IO[str], fmt: str, *, terminal: bool) -> None:
        self.stream, self.fmt, self.terminal = stream, fmt, terminal

    def row(self, row: dict[str, Any]) -> None:
        pass

    def close(self, tally: Tally) -> None:
        if self.fmt in ("jsonl", "json"):
            self.stream.write(json.dumps({"summary": tally.as_dict()}, ensure_ascii=False) + "\n")
            return
        rows = [(code, str(n)) for code, n in tally.ordered_classes().items()]
        totals = [("combined", str(tally.combined)), ("error", str(tally.errors)), ("records", str(tally.records))]
        if self.fmt == "csv":
            spreadsheet.write_rows(self.stream, [("class", "count"), *rows, *totals])
            return
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        m = language.catalogue()
        table = Table(box=None, pad_edge=False)
        table.add_column(Text(m("batch.summary.class")))
        table.add_column(Text(m("batch.summary.count")))
        for code, n in rows:
            table.add_row(Text(code), n)
        for name, n in totals:
            table.add_row(Text(m(f"batch.summary.{name}")), n, end_section=name == "error")
        Console(file=self.stream, highlight=False, width=None if self.terminal else 80, force_terminal=None if self.terminal else False).print(table)


def make_writer(stream: IO[str], fmt: str, *, summary: bool, terminal: bool) -> Any:
    if summary:
        return SummaryWriter(stream, fmt, terminal=terminal)
    if fmt == "csv":
        return CsvWriter(stream)
    if fmt == "table":
        return TableWriter(stream, terminal=terminal)
    if fmt == "json":
        return JsonArrayWriter(stream)
    return JsonlWriter(stream)
