"""`atmp batch`: classify many answers documents, one result or error row a record, streamed.

The output format is --format if given, else what --output's extension says (.csv, .jsonl, .json for one
JSON array), else a table on a terminal and JSON Lines when piped.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Catalogue, Message

PROGRESS_AFTER = 500  # records: smaller batches finish before a bar is worth drawing
PROGRESS_EVERY = 100  # records between redraws, to keep the bar off the hot path
FORMATS_BY_EXTENSION = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


@dataclass(frozen=True)
class BatchOptions:
    paths: tuple[str, ...]
    fmt: str | None  # table | jsonl | json | csv; None: see batch_format
    output: str | None
    recursive: bool = False
    full_text: bool = False
    summary: bool = False
    fail_fast: bool = False
    quiet: bool = False
    country: str | None = None
    ruleset: str = "eu"


def batch_format(fmt: str | None, output: str | None) -> str:
    """--format if given; else by --output's extension; else a table on a terminal and JSON Lines piped."""
    from atmp_cli.output import output_format

    return output_format(fmt, output, FORMATS_BY_EXTENSION, "table" if sys.stdout.isatty() else "jsonl")


@contextmanager
def progress_bar(m: Catalogue, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A callback drawing a record counter on stderr once the batch is large, worded by `m`; None when disabled."""
    if not enabled:
        yield None
        return
    state: dict = {}

    def on_row(count: int) -> None:
        if count < PROGRESS_AFTER or count % PROGRESS_EVERY:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(
                TextColumn(m("batch.progress"), markup=False),
                BarColumn(),
                TextColumn(m("batch.progress_records", count="{task.completed}"), markup=False),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("batch", total=None)
        state["bar"].update(state["task"], completed=count)

    try:
        yield on_row
    finally:
        if "bar" in state:
            state["bar"].stop()


def run(options: BatchOptions) -> int:
    from atmp_cli import batch, batch_writers
    from atmp_cli.commands.classify import country_code, load_ruleset
    from atmp_cli.output import AtomicOutput

    if sum(path == batch.STDIN for path in options.paths) > 1:
        fail(Message.of("batch.stdin_twice"), ExitCode.USAGE)
    fmt = batch_format(options.fmt, options.output)
    ruleset = load_ruleset(options.ruleset)
    country = country_code(ruleset, options.country)
    try:
        sources = batch.expand_paths(options.paths, recursive=options.recursive)
    except batch.BatchError as error:
        fail(error.message, ExitCode.USAGE)

    to_file = options.output not in (None, "-")
    target = AtomicOutput(options.output) if to_file else None
    stream = target.stream if target else sys.stdout
    terminal = not to_file and sys.stdout.isatty()
    records = batch.read_records(sources, ruleset)
    rows = batch.classify_records(ruleset, records, country=country, full_text=options.full_text)
    try:
        writer = batch_writers.make_writer(stream, fmt, summary=options.summary, terminal=terminal)
        with progress_bar(ruleset.messages, sys.stderr.isatty() and not options.quiet) as on_row:
            tally = batch.run(rows, writer, classes=batch.class_codes(ruleset), fail_fast=options.fail_fast, on_row=on_row)
    except batch.FailFast as stop:
        if target:
            target.discard()
        else:
            stream.flush()
        fail(Message.of("batch.stopped", source=stop.row["source"], errors=batch.errors_text(stop.row)))
    except BaseException:
        if target:
            target.discard()
        raise
    if target:
        target.commit()
    else:
        stream.flush()
    if tally.errors:
        m = ruleset.messages
        counts = {"errors": tally.errors, "records": tally.records}
        unclassified = m("batch.unclassified_one", **counts) if tally.records == 1 else m("batch.unclassified_many", **counts)
        prefix = m("error.prefix")
        print(f"{prefix} {unclassified}", file=sys.stderr)
    return int(tally.exit_code)
