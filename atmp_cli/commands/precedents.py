"""`atmp precedents`: search the published precedents, or show one whole (ready to use as an answers file)."""

from __future__ import annotations

import csv
import io
import json
import sys

from atmp_cli.bank import did_you_mean
from atmp_cli.commands.classify import load_ruleset
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.precedents import Precedent, entry_dict, load, outcome_words

CSV_COLUMNS = ("id", "product", "code", "combined", "authority", "procedure", "date", "reliability", "source")


def run(ruleset_id: str, words: list[str], code: str | None, authority: str | None, fmt: str, save: str | None) -> int:
    """One entry whole when the only word is a precedent id; else every entry matching the words and filters."""
    ruleset = load_ruleset(ruleset_id)
    corpus = load(ruleset)
    if len(words) == 1 and words[0] in corpus.by_id:
        return _show(corpus.by_id[words[0]], fmt, save)
    if save:
        close = did_you_mean(words[0], corpus.by_id) if words else ""
        fail(f"--save needs one precedent id{close}; see 'atmp precedents'", ExitCode.USAGE)
    codes = {d.code for d in ruleset.definitions} | {"not-ATMP"}
    if code and code not in codes:
        fail(f"--class: unknown class {code!r}{did_you_mean(code, codes)}; one of {', '.join(sorted(codes))}", ExitCode.USAGE)
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
        _print_list(found, len(corpus.entries))
    return ExitCode.CLASSIFIED


def _print_list(found: tuple[Precedent, ...], total: int) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for e in found:
        when = f", {e.date}" if e.date else ""
        console.print(Text.assemble((e.id, "bold"), "  ", (outcome_words(e), "bold green")))
        console.print(Text(f"    {e.product}"))
        console.print(Text(f"    {e.authority} ({e.procedure}{when}; {e.reliability} source)", style="dim"))
    console.print(Text(f"{len(found)} of {total} published precedents", style="dim"))


def _show(entry: Precedent, fmt: str, save: str | None) -> int:
    if save:
        from atmp_cli.output import write_atomic

        document = {"product": entry.product, "answers": entry.answers}
        write_atomic(save, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        print(f"answers written to {save} (use it with 'atmp classify --answers {save}')", file=sys.stderr)
    data = entry_dict(entry)
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return ExitCode.CLASSIFIED
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Text.assemble((entry.id, "bold"), "  ", (outcome_words(entry), "bold green")))
    labels = [("Product", "product"), ("As published", "description"), ("Indication", "indication"),
              ("Outcome as published", "outcome_text"), ("Reasoning as published", "reasoning"),
              ("Authority", "authority"), ("Procedure", "procedure"), ("Date", "date"), ("Source", "source"),
              ("Reliability", "reliability"), ("About the source", "source_note"), ("How it was encoded", "rationale"),
              ("Rules disagree", "disagreement")]
    for label, key in labels:
        if data[key]:
            console.print(Text.assemble((f"{label}: ", "bold"), str(data[key])))
    if entry.inferred:
        console.print(Text.assemble(("Inferred, not stated: ", "bold"), ", ".join(entry.inferred)))
    console.print(Text("Answers:", style="bold"))
    console.print(Text(json.dumps(entry.answers, ensure_ascii=False, indent=2)))
    return ExitCode.CLASSIFIED
