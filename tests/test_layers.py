"""Imports run one way: data contract and core below the words, the words below the renderers, everything
below the CLI. A module that reaches up (the contract importing the engine, the engine wording its results,
batch raising the CLI's errors) fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "atmp_cli"

# module -> what it must never import (at the top or inside a function)
FORBIDDEN = {
    "answers": {"engine", "wording", "document", "serialize", "render", "commands", "cli", "errors", "rich", "typer", "questionary"},
    "applicability": {"engine", "wording", "document", "serialize", "render", "commands", "cli", "rich", "typer"},
    "answer_set": {"bank", "engine", "render", "rich", "typer"},
    "bank": {"engine", "wording", "document", "serialize", "render", "commands", "cli", "rich", "typer"},
    "messages": {"bank", "engine", "render", "rich", "typer"},
    "result": {"engine", "wording", "document", "serialize", "render", "commands", "cli", "rich", "typer"},
    "engine": {"wording", "document", "serialize", "render", "commands", "cli", "errors", "rich", "typer", "questionary"},
    "wording": {"engine", "document", "serialize", "render", "commands", "cli", "rich", "typer"},
    "serialize": {"engine", "document", "render", "commands", "cli", "rich", "typer"},
    "document": {"engine", "render", "commands", "cli", "rich", "typer", "questionary"},
    "batch": {"render", "document", "commands", "cli", "errors", "rich", "typer", "questionary"},
    "walk": {"wizard", "render", "commands", "cli", "rich", "typer", "questionary"},
}


def imported(module: str) -> set[str]:
    """Every atmp_cli module (by its last name) and every third-party package the module imports."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "atmp_cli":
                names.add(parts[1] if len(parts) > 1 else "atmp_cli")
                if len(parts) == 1:
                    names.update(alias.name for alias in node.names)
            else:
                names.add(parts[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_imports_run_one_way(module):
    assert sorted(imported(module) & FORBIDDEN[module]) == []


def test_the_scan_sees_imports_inside_functions():
    """The control: the CLI's commands import their implementations inside functions."""
    assert {"commands", "typer"} <= imported("cli")
