"""Answers documents as spreadsheet rows: the CSV that `atmp batch` reads and `atmp template --format csv` writes.

One product a row. The header row names the columns, in any order and any subset: `product` and question
ids. A multi-select holds its values separated by ';' ("expansion; activation"); a blank cell is not
answered (as a null in JSON). Rows are numbered the way a spreadsheet numbers them, so the header is row 1
and `file.csv:2` is the first product, whatever blank or comment rows come between; rows that are blank or
whose first cell starts with '#' (the template's row of allowed values) are skipped.

A column that is neither `product` nor a question id makes the whole file one error, at the header row
(`file.csv:1`, field `answers.<column>`), and none of its rows is classified: a misspelt column would
otherwise silently drop that answer from every row. Each row becomes the same answers document a JSON file
holds, so answers.check_document checks it and its errors name the column as `answers.<column>`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO, Any, Iterator

from atmp_cli import spreadsheet
from atmp_cli.answers import clean_text, shown
from atmp_cli.bank import Question, Ruleset
from atmp_cli.messages import Catalogue, Message, did_you_mean

PRODUCT = "product"
LIST_SEPARATOR = ";"
Problem = tuple[str, Message]  # (field, what is wrong with it)


@dataclass(frozen=True)
class CsvRecord:
    """One spreadsheet row as an answers document, or the problems that stop it (then `document` is None)."""

    row: int | None  # 1-based, the header is row 1; None: the file as a whole
    document: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()
    product: str | None = None


def column_names(ruleset: Ruleset) -> list[str]:
    """The template's header: product, then every question id in the order the questions are asked."""
    return [PRODUCT] + [q.id for q in ruleset.questions]


def allowed_hint(m: Catalogue, question: Question, separator: str) -> str:
    """What a question accepts, in words: 'one of: yes, no' or 'one or more of: a; b; c'."""
    if question.kind == "single":
        return m("template.one_of", values=", ".join(question.allowed))
    values = separator.join(question.values)
    alone = [o.value for o in question.options if o.exclusive]
    if alone:
        return m("template.one_or_more_alone", values=values, alone=", ".join(alone))
    return m("template.one_or_more", values=values)


def write_template(stream: IO[str], ruleset: Ruleset) -> None:
    """The header row and a comment row of allowed values (its first cell marked as a comment, whatever the
    language): fill in one row a product below them."""
    m = ruleset.messages
    label = m("template.csv_hint_row")
    hints = [f"{spreadsheet.COMMENT} {label}"] + [allowed_hint(m, q, LIST_SEPARATOR + " ") for q in ruleset.questions]
    spreadsheet.write_rows(stream, [column_names(ruleset), hints])


def _header(cells: list[str], ruleset: Ruleset) -> tuple[dict[int, str], list[Problem]]:
    """Column index -> name (blank names left out), and the problems with the names."""
    known = [PRODUCT, *ruleset.by_id]
    columns: dict[int, str] = {}
    problems = []
    for index, raw in enumerate(cells):
        name = raw.strip()
        if not name:
            continue
        if name in columns.values():
            problems.append((f"answers.{shown(name)}", Message.of("csv.repeated_column", number=index + 1, name=repr(name))))
        elif name != PRODUCT and name not in ruleset.by_id:
            problems.append((f"answers.{shown(name)}", Message.of("csv.unknown_column", number=index + 1, product=repr(PRODUCT),
                                                                  hint=did_you_mean(name, known))))
        columns[index] = name
    return columns, problems


def _value(question: Question, cell: str) -> Any:
    if question.kind == "single":
        return cell
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _record(number: int, cells: list[str], columns: dict[int, str], ruleset: Ruleset) -> CsvRecord:
    product = None
    answers: dict[str, Any] = {}
    problems = []
    for index, raw in enumerate(cells):
        cell = raw.strip()
        if not cell:
            continue
        name = columns.get(index)
        if name is None:
            problems.append(("(csv)", Message.of("csv.no_header", number=index + 1)))
        elif name == PRODUCT:
            product = cell
        else:
            answers[name] = _value(ruleset.by_id[name], cell)
    if problems:
        return CsvRecord(number, None, tuple(problems), clean_text(product) if product else None)
    document = {PRODUCT: product, "answers": answers} if product is not None else {"answers": answers}
    return CsvRecord(number, document)


def read(stream: IO[str], ruleset: Ruleset) -> Iterator[CsvRecord]:
    """The rows of an answers CSV, one at a time (open it with spreadsheet.ENCODING and newline="").

    A file that stops being CSV part-way ends in one error record at the row where it did; one that is not
    UTF-8 in one error record for the file.
    """
    columns: dict[int, str] | None = None
    number = 0
    try:
        for cells in spreadsheet.rows(stream):
            number += 1
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith(spreadsheet.COMMENT):
                continue
            if columns is None:
                columns, problems = _header(cells, ruleset)
                if problems:
                    yield CsvRecord(number, None, tuple(problems))
                    return
                continue
            yield _record(number, cells, columns, ruleset)
    except UnicodeDecodeError:  # text is decoded a block at a time: the row at fault is not known
        problem = Message.of("csv.not_utf8_after", row=number) if number else Message.of("csv.not_utf8")
        yield CsvRecord(None, None, (("(file)", problem),))
    except csv.Error as error:
        yield CsvRecord(number + 1, None, (("(csv)", Message.of("csv.invalid", reason=str(error))),))
