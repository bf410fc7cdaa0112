"""`atmp tree` (the whole question tree and how the rules combine) and `atmp explain QUESTION_ID`."""

from __future__ import annotations

import json
import re
from atmp_cli import expressions, wording
from atmp_cli.bank import UNSURE, Question, Ruleset
from atmp_cli.commands.classify import load_ruleset
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Message, did_you_mean

# ---------------------------------------------------------------------------------------------- the graph


def direct_names(ruleset: Ruleset, name: str) -> list[str]:
    """The questions, rules and definitions a question's condition, a rule or a definition reads directly."""
    if name in ruleset.by_id:
        question = ruleset.by_id[name]
        found = expressions.names(question.when.node) if question.when else set()
    elif name in ruleset.rules:
        found = expressions.names(ruleset.rules[name].when.node)
    else:
        found = set(next(d.tests for d in ruleset.definitions if d.id == name))
    known = set(ruleset.by_id) | set(ruleset.rules) | {d.id for d in ruleset.definitions}
    return sorted(found & known)


# ---------------------------------------------------------------------------------------------- text


def print_tree_text(ruleset: Ruleset) -> None:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    m = ruleset.messages
    root = Tree(Text(m("tree.title", title=ruleset.title, ruleset=ruleset.id, version=ruleset.version), style="bold"))
    questions = root.add(Text(m("tree.questions"), style="bold"))
    for section in ruleset.sections:
        branch = questions.add(Text(section.title, style="bold cyan"))
        for question in (q for q in ruleset.questions if q.section == section.id):
            node = branch.add(Text.assemble((question.id, "bold"), ": ", question.prompt))
            node.add(Text.assemble((m("tree.asked_when") + " ", "dim"), wording.of(ruleset).asked_when(question.id)))
            if question.when and question.when_text:
                node.add(Text.assemble((m("tree.condition") + " ", "dim"), question.when.source))
            answers = node.add(Text(m(f"tree.answers_{question.kind}"), style="dim"))
            for option in question.options:
                answers.add(Text.assemble((option.value, "bold"), ": ", option.label))
            if question.unsure:
                answers.add(Text.assemble((UNSURE, "bold"), ": ", m("tree.unsure")))
    definitions = root.add(Text(m("tree.definitions"), style="bold"))
    for definition in ruleset.definitions:
        node = definitions.add(Text.assemble((ruleset.labels[definition.code], "bold"), f" [{', '.join(definition.citations)}]"))
        for test in definition.tests:
            node.add(Text.assemble((test, "bold"), ": ", ruleset.rules[test].when.source))
    derived = [r for r in ruleset.rules.values() if not any(r.id in d.tests for d in ruleset.definitions)]
    if derived:
        others = root.add(Text(m("tree.other_rules"), style="bold"))
        for rule in derived:
            others.add(Text.assemble((rule.id, "bold"), ": ", rule.when.source))
    if ruleset.destinations:
        dest = root.add(Text(m("tree.destinations"), style="bold"))
        for destination in ruleset.destinations:
            node = dest.add(Text.assemble((destination.id, "bold"), ": ", m("tree.destination_when", condition=destination.when.source)))
            node.add(Text(destination.belongs))
    Console(highlight=False).print(root)


# ---------------------------------------------------------------------------------------------- mermaid

_ID = re.compile(r"[^A-Za-z0-9_]")
# Inside a quoted label only these could end the label, start an entity or turn into HTML; everything else
# (brackets, parentheses, pipes) is plain text there. Mermaid's own '#quot;' entities do not decode in every
# node shape, so look-alike characters stand in.
_LABEL_CHARS = str.maketrans({'"': "'", "#": "\uff03", "<": "\u2039", ">": "\u203a", "`": "'", "&": "and"})


def mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: nothing in it can end the label or start syntax."""
    return " ".join(text.split()).translate(_LABEL_CHARS)


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(mermaid_text(line) for line in lines if line) + '"'


def _node(prefix: str, name: str) -> str:
    return f"{prefix}_{_ID.sub('_', name)}"


def tree_mermaid(ruleset: Ruleset) -> str:
    """A Mermaid flowchart, fenced so it renders in Markdown viewers that support Mermaid."""
    definition_ids = {d.id for d in ruleset.definitions}

    def node_id(name: str) -> str:
        if name in ruleset.by_id:
            return _node("Q", name)
        return _node("D" if name in definition_ids else "R", name)

    m = ruleset.messages
    start = m("mermaid.start", ruleset=ruleset.id, version=ruleset.version)
    lines = ["```mermaid", "flowchart TD", f"  start([{_label(start)}])"]
    for section in ruleset.sections:
        lines.append(f"  subgraph {_node('S', section.id)}[{_label(section.title)}]")
        for q in (q for q in ruleset.questions if q.section == section.id):
            answers = m(f"mermaid.answers_{q.kind}", values=", ".join(q.allowed))
            lines.append(f"    {node_id(q.id)}[{_label(q.id + ': ' + q.prompt, answers)}]")
        lines.append("  end")
    for q in ruleset.questions:
        deps = direct_names(ruleset, q.id)
        if not deps:
            lines.append(f"  start --> {node_id(q.id)}")
        for dep in deps:
            lines.append(f"  {node_id(dep)} -->|{_label(q.when.source if q.when else '')}| {node_id(q.id)}")
    rules = m("mermaid.rules")
    lines.append(f"  subgraph rules[{_label(rules)}]")
    for rule in ruleset.rules.values():
        lines.append(f"    {node_id(rule.id)}[{_label(rule.id + ': ' + rule.when.source)}]")
    for d in ruleset.definitions:
        tests = m("mermaid.all_of", tests=", ".join(d.tests))
        lines.append(f"    {node_id(d.id)}{{{{{_label(ruleset.labels[d.code], tests)}}}}}")
    lines.append("  end")
    for name in [*ruleset.rules, *(d.id for d in ruleset.definitions)]:
        for dep in direct_names(ruleset, name):
            arrow = "-.->" if dep in ruleset.by_id else "-->"
            lines.append(f"  {node_id(dep)} {arrow} {node_id(name)}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def show_tree(ruleset_id: str, fmt: str) -> None:
    ruleset = load_ruleset(ruleset_id)
    if fmt == "mermaid":
        print(tree_mermaid(ruleset), end="")
    else:
        print_tree_text(ruleset)


# ---------------------------------------------------------------------------------------------- explain


def explain_dict(ruleset: Ruleset, question: Question) -> dict:
    from atmp_cli.precedents import entry_dict, load as load_precedents
    from atmp_cli.serialize import citation_dict

    words = wording.of(ruleset)
    return {
        "id": question.id,
        "section": question.section,
        "kind": question.kind,
        "prompt": question.prompt,
        "help": question.help,
        "asked_when": words.asked_when(question.id),
        "condition": question.when.source if question.when else None,
        "options": [{"value": o.value, "label": o.label, "finding": o.finding, "citations": list(o.citations)} for o in question.options],
        "unsure": question.unsure,
        "definitions": [citation_dict(words, ruleset.texts[cid]) for cid in question.definitions],
        "precedents": [entry_dict(e, whole=False) for e in load_precedents(ruleset).illustrating(question.id)],
    }


def _print_explain(ruleset: Ruleset, question: Question) -> None:
    from rich.console import Console, Group
    from rich.padding import Padding
    from rich.text import Text

    def block(title: str, *body: Text) -> Group:
        gap = 1 if len(body) > 1 else 0
        return Group(Text(title, style="bold underline"), *(Padding(b, (0, 0, gap, 2), expand=False) for b in body))

    m = ruleset.messages
    answers = [Text.assemble((o.value, "bold"), ": ", o.label, ("\n" + o.finding, "dim")) for o in question.options]
    if question.unsure:
        answers.append(Text.assemble((UNSURE, "bold"), ": ", m("explain.unsure")))
    when = Text(wording.of(ruleset).asked_when(question.id))
    if question.when and question.when_text:
        when.append("\n" + m("explain.condition", condition=question.when.source), style="dim")
    section = ruleset.section_title(question.section)
    parts = [
        Text.assemble((question.id, "bold"), "  ", m(f"explain.kind_{question.kind}", section=section)),
        Text(question.prompt, style="bold"),
        block(m("explain.help"), Text(question.help)),
        block(m("explain.answers"), *answers),
        block(m("explain.asked_when"), when),
    ]
    from atmp_cli.document import legal_block
    from atmp_cli.render.text import legal

    definitions = [legal(legal_block(wording.of(ruleset), ruleset.texts[cid], with_meta=True)) for cid in question.definitions]
    if definitions:
        parts.append(block(m("explain.definitions"), *definitions))
    from atmp_cli.precedents import load as load_precedents, summary_line

    shown = [Text(summary_line(entry)) for entry in load_precedents(ruleset).illustrating(question.id)]
    if shown:
        parts.append(block(m("explain.precedents"), *shown))
    console = Console(highlight=False)
    for index, part in enumerate(parts):
        if index > 1:
            console.print()
        console.print(part)


def explain(ruleset_id: str, question_id: str, fmt: str) -> None:
    ruleset = load_ruleset(ruleset_id)
    question = ruleset.by_id.get(question_id)
    if question is None:
        fail(Message.of("explain.unknown_question", id=repr(question_id), hint=did_you_mean(question_id, ruleset.by_id)), ExitCode.USAGE)
    if fmt == "json":
        print(json.dumps(explain_dict(ruleset, question), ensure_ascii=False, indent=2))
    else:
        _print_explain(ruleset, question)

