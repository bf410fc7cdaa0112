"""Data shared by the batch tests: the published cases as answers documents, and an undetermined one."""

from __future__ import annotations

from helpers import load_cases

CASES = load_cases()
DOCUMENTS = [case["input"] for case in CASES]
# genetic_purpose is unsure: GTMP if yes, not an ATMP if no.
UNDETERMINED_DOC = {
    "product": "vector, purpose unclear",
    "answers": {
        "human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "unsure",
        "effect_from_sequence": "yes", "infectious_disease_vaccine": "no", "intended_use": ["treat_prevent_diagnose"],
        "hospital_exemption": "no",
    },
}


def csv_cells(document: dict, header: list[str]) -> list[str]:
    """An answers document as a spreadsheet row under `header`: multi-selects joined with ';'."""
    cells = {"product": document.get("product") or ""}
    cells.update({qid: ";".join(v) if isinstance(v, list) else v for qid, v in document.get("answers", {}).items()})
    return [cells.get(column, "") for column in header]


def expected_classes(extra_undetermined: int = 0) -> dict[str, int]:
    """Counts by class of the published cases (plus undetermined ones)."""
    counts: dict[str, int] = {}
    for case in CASES:
        counts[case["expected"]["code"]] = counts.get(case["expected"]["code"], 0) + 1
    if extra_undetermined:
        counts["undetermined"] = extra_undetermined
    return counts
