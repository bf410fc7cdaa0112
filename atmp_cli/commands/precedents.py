"""`atmp precedents`: search the published precedents, or show one whole (ready to use as an answers file)."""

from __future__ import annotations

import csv
import io
import json
import sys

from atmp_cli.commands.classify import load_ruleset
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Catalogue, Message, did_you_mean
from atmp_cli.precedents import Precedent, entry_dict, load, outcome_words

CSV_COLUMNS = ("id", "product", "code", "combined", "authority", "procedure", "date", "reliability", "source")
# The fields shown of a whole entry, in this order, each labelled by the message precedents.field.<key>.
SHOWN_FIELDS = ("product", "description", "indication", "outcome_text", "reasoning", "authority", "procedure", "date",
                "source", "reliability", "source_note", "rationale", "disagreement")


def run(ruleset_id: str, words: list[str], code: str | None, authority: str | None, fmt: str, save: str | None) -> int:
    """One entry whole when the only word is a precedent id; else every entry matching the words and filters."""
    ruleset = load_ruleset(ruleset_id)
    corpus = load(ruleset)
    m = ruleset.messages
    if len(words) == 1 and words[0] in corpus.by_id:
        return _show(m, corpus.by_id[words[0]], fmt, save)
    if save:
        fail(Message.of("precedents.save_needs_id", hint=did_you_mean(words[0], corpus.by_id) if words else ""), ExitCode.USAGE)
    codes = {d.code for d in ruleset.definitions} | {"not-ATMP"}
    if code and code not in codes:
        fail(Message.of("precedents.unknown_class", code=repr(code), hint=did_you_mean(code, codes), codes=", ".join(sorted(codes))),
             ExitCode.USAGE)
    found = corpus.search(words, code, authority)
    if fmt == "json":
        print(json.dumps([entry_dict(e, whole=False) for e in found], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for e in found:
            writer.writerow([e.id, e.product, e.code, "yes" if e.combined else "no", e.authority, e.procedure, e.date, e.reliability, e.source])
        sys.stdout.write(out.getvalue())
    else:
        _print_list(m, found, len(corpus.entries))
    return ExitCode.CLASSIFIED


def _print_list(m: Catalogue, found: tuple[Precedent, ...], total: int) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for e in found:
        procedure, reliability = m(f"precedent.procedure.{e.procedure}"), m(f"precedent.reliability.{e.reliability}")
        if e.date:
            source = m("precedents.listing", authority=e.authority, procedure=procedure, date=e.date, reliability=reliability)
        else:
            source = m("precedents.listing_undated", authority=e.authority, procedure=procedure, reliability=reliability)
        console.print(Text.assemble((e.id, "bold"), "  ", (outcome_words(m, e.code, e.combined), "bold green")))
        console.print(Text(f"    {e.product}"))
        console.print(Text(f"    {source}", style="dim"))
    console.print(Text(m("precedents.found", count=len(found), total=total), style="dim"))


def _show(m: Catalogue, entry: Precedent, fmt: str, save: str | None) -> int:
    if save:
        from atmp_cli.output import write_atomic

        document = {"product": entry.product, "answers": entry.answers}
        write_atomic(save, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        print(m("precedents.saved", path=save), file=sys.stderr)
    data = entry_dict(entry)
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return ExitCode.CLASSIFIED
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Text.assemble((entry.id, "bold"), "  ", (outcome_words(m, entry.code, entry.combined), "bold green")))
    for key in SHOWN_FIELDS:
        if data[key]:
            console.print(Text.assemble((m(f"precedents.field.{key}") + " ", "bold"), str(data[key])))
    if entry.inferred:
        console.print(Text.assemble((m("precedents.inferred") + " ", "bold"), ", ".join(entry.inferred)))
    console.print(Text(m("precedents.answers"), style="bold"))
    console.print(Text(json.dumps(entry.answers, ensure_ascii=False, indent=2)))
    return ExitCode.CLASSIFIED
