"""Helpers shared by several test modules (test modules never import one another): where the shared
sources of truth are, the published cases, and one valid answers dict."""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# A complete, valid answers dict (an expanded autologous cell product: a TEP), for tests that need any one.
GOOD = {
    "human_use": "yes", "contains_cells": "yes", "cell_source": ["autologous"], "viable_cells": "yes",
    "nucleic_acid": "none", "manipulations": ["expansion"], "intended_use": ["regenerate_repair_replace"],
    "same_essential_function": "yes", "device_integral": "no", "hospital_exemption": "no",
}


def shared_dir() -> Path:
    """The project's shared/ folder (legal texts, cases): beside the clone, or $ATMP_SHARED_DIR."""
    candidates = [Path(os.environ["ATMP_SHARED_DIR"])] if os.environ.get("ATMP_SHARED_DIR") else []
    candidates += [REPO.parent / "shared", REPO.parent.parent / "shared"]
    for candidate in candidates:
        if (candidate / "cases" / "cases.jsonl").is_file():
            return candidate
    raise RuntimeError("shared/ (legal texts and cases) not found beside the repository; set ATMP_SHARED_DIR")


def load_cases() -> list[dict]:
    """The published classifications in shared/cases, one dict a case (its input document and expected outcome)."""
    with (shared_dir() / "cases" / "cases.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file with `new` (which must be there): to break a copy of the bank."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
