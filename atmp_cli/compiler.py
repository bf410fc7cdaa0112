"""Compile a ruleset's conditions and rules into one Python function, once, at load time.

Batch mode classifies hundreds of thousands of records; interpreting condition trees for each of them
would dominate the run. The bank is data, so it is turned into straight-line Python: for each question in
bank order, whether it is asked (its condition over the answers kept so far), then its answer or None;
each derived rule is computed as soon as what it reads is known, so a question whose condition reads a
rule (e.g. `atmp`) sees exactly the answers before it.

The generated code only compares strings embedded with repr() and combines booleans; names come from
the validated bank and are mapped to local variables, never spliced in as code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from atmp_cli import expressions


@dataclass(frozen=True)
class Walk:
    """What the compiled walk returns for one answers mapping (answers must hold no 'unsure')."""

    effective: dict[str, Any]  # answers to the questions asked, in bank order
    ignored: list[str]  # answered but not asked
    missing: list[str]  # asked but not answered
    env: dict[str, Any]  # every question's kept answer (or None) and every rule's value


Walker = Callable[[Mapping[str, Any]], Walk]


@dataclass(frozen=True)
class CompiledQuestion:
    id: str
    when: expressions.Node | None


def compile_walker(
    questions: Sequence[CompiledQuestion],
    rules: Mapping[str, expressions.Node],
    definitions: Mapping[str, Sequence[str]],
    order: Sequence[str],
) -> Walker:
    """`rules` maps rule id to its condition, `definitions` maps definition id to its tests (rule ids),
    `order` is the dependency order of rules and definitions."""
    local: dict[str, str] = {q.id: f"q{i}" for i, q in enumerate(questions)}
    local.update({name: f"r{i}" for i, name in enumerate(order)})
    reads = {name: set(definitions[name]) if name in definitions else expressions.names(rules[name]) for name in order}
    emitted: set[str] = set()
    lines = ["def walk(answers):", "    get = answers.get", "    effective = {}", "    ignored = []", "    missing = []"]

    def emit_rule(name: str) -> None:
        if name in emitted or name not in reads:
            return
        for dependency in sorted(reads[name]):
            emit_rule(dependency)
        if name in definitions:
            expression = "(" + " and ".join(local[test] for test in definitions[name]) + ")"
        else:
            expression = expressions.to_python(rules[name], local.__getitem__)
        lines.append(f"    {local[name]} = {expression}")
        emitted.add(name)

    for question in questions:
        var, qid = local[question.id], repr(question.id)
        if question.when is None:
            condition = "True"
        else:
            for name in sorted(expressions.names(question.when)):
                emit_rule(name)
            condition = expressions.to_python(question.when, local.__getitem__)
        lines += [
            f"    {var} = get({qid})",
            f"    if {condition}:",
            f"        if {var} is None:",
            f"            missing.append({qid})",
            "        else:",
            f"            effective[{qid}] = {var}",
            f"    elif {var} is not None:",
            f"        ignored.append({qid})",
            f"        {var} = None",
        ]
    for name in order:
        emit_rule(name)
    env = ", ".join(f"{name!r}: {var}" for name, var in local.items())
    lines.append(f"    return Walk(effective, ignored, missing, {{{env}}})")
    namespace: dict[str, Any] = {"__builtins__": {"bool": bool, "frozenset": frozenset}, "Walk": Walk}
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from validated bank data only
    return namespace["walk"]
