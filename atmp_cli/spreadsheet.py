"""CSV the way spreadsheets write and read it, for every CSV atmp reads or writes.

Writing: UTF-8 with a byte-order mark, because without one Excel takes a UTF-8 file for the local code page
and garbles every accented product name; and a cell that starts with = + - or @ gets a leading apostrophe,
because spreadsheets would otherwise run it as a formula (CSV injection). Reading: with or without the
byte-order mark, and comma- or semicolon-separated, because Excel saves "CSV" with semicolons wherever the
decimal separator is a comma (Sweden, Germany, France, ...). Imported only by the commands that handle CSV.
"""

from __future__ import annotations

import csv
import itertools
from typing import IO, Iterable, Iterator

BOM = "\ufeff"
ENCODING = "utf-8-sig"  # reads a file with or without the byte-order mark
FORMULA_STARTS = ("=", "+", "-", "@")
COMMENT = "#"  # a row whose first cell starts with it is a note for people, skipped by readers


def spreadsheet_safe(text: str) -> str:
    """A cell that spreadsheets show as text: a leading = + - @ is prefixed with an apostrophe (the usual
    guard; JSON output keeps the text as given)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def writer(stream: IO[str]):
    """A csv.writer that has already written the byte-order mark; rows end in a plain newline."""
    stream.write(BOM)
    return csv.writer(stream, lineterminator="\n")


def write_rows(stream: IO[str], rows: Iterable[Iterable[str]]) -> None:
    """Rows of text, every cell made safe for spreadsheets, after the byte-order mark."""
    out = writer(stream)
    for row in rows:
        out.writerow([spreadsheet_safe(cell) for cell in row])


def is_note(line: str) -> bool:
    """A blank line or a comment: not the header, so it cannot tell the separator."""
    stripped = line.strip().lstrip('"')
    return not stripped or stripped.startswith(COMMENT)


def rows(stream: IO[str]) -> Iterator[list[str]]:
    """The rows of a CSV text stream (opened with ENCODING and newline=""), one at a time.

    The separator is the one the header line uses: ';' if it has semicolons and no commas, else ','. The
    header names question ids, which hold neither, so the guess cannot go wrong on a well-formed file.
    """
    skipped = []
    for line in stream:
        skipped.append(line)
        if not is_note(line):
            break
    header = skipped[-1] if skipped else ""
    delimiter = ";" if ";" in header and "," not in header else ","
    return csv.reader(itertools.chain(skipped, stream), delimiter=delimiter)
