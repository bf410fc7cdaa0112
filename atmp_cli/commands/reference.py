"""Reference commands: `atmp questions`, `atmp definitions`, `atmp examples [NAME]`."""

from __future__ import annotations

import json
from typing import Any

from atmp_cli.commands.classify import load_ruleset
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Message, did_you_mean


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _console():
    from rich.console import Console

    return Console(highlight=False)


def list_questions(ruleset_id: str, fmt: str) -> None:
    from atmp_cli import wording

    ruleset = load_ruleset(ruleset_id)
    words = wording.of(ruleset)
    rows = [
        {
            "id": q.id,
            "section": q.section,
            "kind": q.kind,
            "prompt": q.prompt,
            "allowed": list(q.allowed),
            "asked_when": words.asked_when(q.id),
            "condition": q.when.source if q.when else None,
            "definitions": list(q.definitions),
        }
        for q in ruleset.questions
    ]
    if fmt == "json":
        _print_json(rows)
        return
    from rich.text import Text

    m = ruleset.messages
    console = _console()
    for index, row in enumerate(rows, 1):
        console.print(Text.assemble((f"{index:>2}. {row['id']}", "bold"), f"  [{ruleset.section_title(row['section'])}]"))
        console.print(Text(f"    {row['prompt']}"))
        console.print(Text("    " + m(f"questions.answers_{row['kind']}", values=", ".join(row["allowed"])), style="dim"))
        console.print(Text("    " + m("questions.asked_when", condition=row["asked_when"]), style="dim"))


def show_definitions(ruleset_id: str, ids: list[str], fmt: str) -> None:
    ruleset = load_ruleset(ruleset_id)
    for cid in ids:
        if cid not in ruleset.texts:
            fail(Message.of("definitions.unknown_id", id=repr(cid), hint=did_you_mean(cid, ruleset.texts)), ExitCode.USAGE)
    texts = [ruleset.texts[cid] for cid in ids] if ids else list(ruleset.texts.values())
    from atmp_cli import wording
    from atmp_cli.document import legal_block

    words = wording.of(ruleset)
    if fmt == "json":
        from atmp_cli.serialize import citation_dict

        _print_json([citation_dict(words, text) for text in texts])
        return
    from rich.text import Text

    from atmp_cli.render.text import legal, print_blocks

    shown = [legal(legal_block(words, text, with_meta=True)) for text in texts]
    print_blocks([*shown, Text(ruleset.disclaimer, style="dim")], _console())


def list_examples(ruleset_id: str, fmt: str) -> None:
    from atmp_cli import wording
    from atmp_cli.answers import check_document
    from atmp_cli.engine import classify
    from atmp_cli.examples import example_paths, load_example

    ruleset = load_ruleset(ruleset_id)
    words = wording.of(ruleset)
    rows = []
    for name in example_paths(ruleset):
        document = load_example(ruleset, name)
        checked = check_document(ruleset, document)
        result = classify(ruleset, checked.answers, product=checked.product)
        label = words.label(result.classification)
        rows.append({"name": name, "product": checked.product, "classification": label, "code": result.classification.code,
                     "combined": result.classification.combined})
    if fmt == "json":
        _print_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    m = ruleset.messages
    table = Table(box=None, pad_edge=False)
    for header in (m("examples.example"), m("examples.classification"), m("examples.product")):
        table.add_column(Text(header))
    for row in rows:
        table.add_row(Text(row["name"]), Text(row["classification"]), Text(row["product"] or ""))
    console = _console()
    console.print(table)
    console.print(m("examples.run_one"), markup=False, style="dim")


def show_example(ruleset_id: str, name: str) -> None:
    """One example's answers file, as JSON: a starting point for your own (`classify --answers`)."""
    from atmp_cli.examples import ExampleError, load_example

    ruleset = load_ruleset(ruleset_id)
    try:
        document = load_example(ruleset, name)
    except ExampleError as error:
        fail(error.message, ExitCode.USAGE)
    _print_json(document)
