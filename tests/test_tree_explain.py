"""`atmp tree` and `atmp explain`, and that the CLI's start-up does not import the renderers."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from atmp_cli import wording
from atmp_cli.cli import app
from atmp_cli.commands.tree import mermaid_text, tree_mermaid


def test_tree_text_shows_every_question_condition_option_and_definition(runner, ruleset):
    result = runner.invoke(app, ["tree"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for question in ruleset.questions:
        assert f"{question.id}: {question.prompt}" in out
        assert f"asked when: {wording.of(ruleset).asked_when(question.id)}" in out
        for option in question.options:
            assert f"{option.value}: {option.label}" in out
    for definition in ruleset.definitions:
        assert ruleset.labels[definition.code] in out
        for test in definition.tests:
            assert f"{test}: {ruleset.rules[test].when.source}" in out


def test_tree_mermaid_is_a_fenced_flowchart_with_quoted_labels(runner, ruleset):
    result = runner.invoke(app, ["tree", "--format", "mermaid"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "flowchart TD" and lines[-1] == "```"
    body = "\n".join(lines[2:-1])
    for question in ruleset.questions:
        assert re.search(rf'^    Q_{question.id}\["{re.escape(mermaid_text(question.id + ": " + question.prompt))}<br/>', body, re.M)
    for definition in ruleset.definitions:
        assert f"D_{definition.id}{{{{\"" in body
    # Every label is one quoted string without a quote inside: node[".."], node(["..."]), node{{".."}}, -->|".."|
    label = r'"[^"]*"'
    for line in lines[2:-1]:
        line = line.strip()
        assert re.fullmatch(
            rf"(subgraph \w+\[{label}\]|end|\w+(\[{label}\]|\(\[{label}\]\)|\{{\{{{label}\}}\}})|\w+ (-->|-\.->)( \|{label}\|)? \w+|\w+ -->\|{label}\| \w+)",
            line,
        ), line


def test_tree_mermaid_conditions_label_the_edges(ruleset):
    out = tree_mermaid(ruleset)
    assert '  Q_human_use -->|"human_use == yes"| Q_contains_cells' in out
    assert "  start --> Q_human_use" in out
    assert "  R_recombinant --> D_gtmp" in out


@pytest.mark.parametrize(("raw", "safe"), [('say "hi"', "say 'hi'"), ("a <b> #c `d`", "a \u2039b\u203a \uff03c 'd'"), ("x\n  y", "x y")])
def test_mermaid_text_cannot_break_a_label(raw, safe):
    assert mermaid_text(raw) == safe


def test_explain_shows_prompt_help_answers_condition_and_definitions(runner, ruleset):
    result = runner.invoke(app, ["explain", "non_viable_action"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    question = ruleset.question("non_viable_action")
    out = result.stdout
    assert question.prompt in out
    assert " ".join(question.help.split()[:12]) in " ".join(out.split())
    for option in question.options:
        assert f"{option.value}: {option.label}" in out
    assert "unsure:" in out
    assert wording.of(ruleset).asked_when(question.id) in out
    for cid in question.definitions:
        assert f"{cid} — {ruleset.texts[cid].citation}" in out


def test_explain_json(runner, ruleset):
    result = runner.invoke(app, ["explain", "cell_source", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "cell_source" and data["kind"] == "multi"
    assert data["condition"] == "contains_cells == yes"
    assert [o["value"] for o in data["options"]] == ["autologous", "allogeneic", "xenogeneic"]
    assert [d["id"] for d in data["definitions"]] == list(ruleset.question("cell_source").definitions)
    assert data["definitions"][0]["text"] or data["definitions"][0]["paraphrase"]


def test_explain_unknown_id_is_one_line_with_a_suggestion(runner):
    result = runner.invoke(app, ["explain", "manipulatons"])
    assert result.exit_code == 2
    assert result.stderr == "atmp: error: unknown question id 'manipulatons' (did you mean 'manipulations'?); see 'atmp questions'\n"
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["tree", "--help"], ["explain", "--help"], ["classify", "--help"]])
def test_help_renders(runner, command):
    result = runner.invoke(app, command)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_cli_start_up_does_not_import_rich_or_the_renderers():
    code = "import sys, atmp_cli.cli; print(sorted(m for m in sys.modules if m == 'rich' or m.startswith(('rich.', 'atmp_cli.render', 'atmp_cli.commands'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
