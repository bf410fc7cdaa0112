"""Helpers for the report tests: one example per outcome class, snapshots, and checks shared by formats."""

from __future__ import annotations

import os
import re
from pathlib import Path

from atmp_cli import bank
from atmp_cli.answers import check_document
from atmp_cli.engine import classify
from atmp_cli.examples import load_example
from atmp_cli.result import Result, answers_sha256

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
FIXED_TIME = "2026-01-01T12:00:00Z"
INJECTION = "<script>alert(1)</script> [bold]x[/bold] \x1b[31mred"

# One built-in example for every outcome class.
OUTCOMES = {
    "GTMP": "car-t",
    "sCTMP": "msc-gvhd",
    "TEP": "chondrocytes",
    "combined-TEP": "cells-on-scaffold",
    "not-ATMP": "stem-cell-transplant",
    "undetermined": "digested-fat-unsure",
}


def example_result(name: str, *, product: str | None = None, country: str | None = None, lang: str = "en") -> Result:
    ruleset = bank.load("eu", lang=lang)
    document = load_example(ruleset, name)
    if product is not None:
        document = {**document, "product": product}
    checked = check_document(ruleset, document)
    assert checked.ok, checked.errors
    return classify(ruleset, checked.answers, product=checked.product, country=country, warnings=checked.warnings)


def assert_snapshot(filename: str, content: str) -> None:
    """Compare with tests/snapshots/FILENAME; ATMP_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / filename
    if os.environ.get("ATMP_UPDATE_SNAPSHOTS") == "1":
        path.write_text(content, encoding="utf-8", newline="")
        return
    assert path.is_file(), f"missing snapshot {path}: run the tests with ATMP_UPDATE_SNAPSHOTS=1 and review the diff"
    assert content == path.read_text(encoding="utf-8"), f"{filename} differs from its snapshot (ATMP_UPDATE_SNAPSHOTS=1 rewrites it)"


def audit_values(result: Result, produced_at: str | None = FIXED_TIME) -> list[str]:
    r = result.ruleset
    values = [result.tool_version, r.id, r.version, r.legal_texts_as_of, r.language, answers_sha256(result.answers),
              result.whole_document_digest]
    return values + ([produced_at] if produced_at else [])


def cited_texts(result: Result):
    return [result.ruleset.texts[cid] for cid in result.citation_ids]


def squash(text: str) -> str:
    return " ".join(text.split())


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(output: str) -> list[str]:
    """The SGR parameters in `output` that set a colour (not bold, italic or underline)."""
    found = []
    for params in _SGR.findall(output):
        for p in params.split(";"):
            if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.append(p)
    return found


def strip_sgr(output: str) -> str:
    return _SGR.sub("", output)


def caveat(text) -> str:
    """What a report says next to a legal text (its label, or that it is a paraphrase), in English."""
    from atmp_cli import wording

    return wording.of(bank.load("eu")).caveat(text)


def label(result: Result) -> str:
    """The classification's headline label, as every report words it (in English)."""
    from atmp_cli import wording

    return wording.of(result.ruleset).label(result.classification)
