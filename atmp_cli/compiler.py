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
    missing: list[str]  # asked, required, but not answered
    optional: list[str]  # asked, not required, not answered (the wizard asks them; a file may leave them out)
    env: dict[str, Any]  # every question's kept answer (or None) and every rule's value


Walker = Callable[[Mapping[str, Any]], Walk]


@dataclass(frozen=True)
class CompiledQuestion:
    id: str
    when: expressions.Node | None
    required: bool = True  # an unanswered optional question is not reported as missing
    required_when: expressions.Node | None = None  # required only when this holds


def _missing(question: CompiledQuestion, ref: Callable[[str], str], lean: bool) -> str:
    """The statement for an asked question left unanswered: missing if required, else merely open (the
    wizard still asks it; an answers file may leave it out)."""
    record = "missing = True" if lean else f"missing.append({question.id!r})"
    unrecorded = "pass" if lean else f"optional.append({question.id!r})"
    if not question.required:
        return unrecorded
    if question.required_when is None:
        return record
    return f"if {expressions.to_python(question.required_when, ref)}: {record}\n            else: {unrecorded}"


@dataclass(frozen=True)
class Outcome:
    """What the compiled outcome function returns: the class code and combined, nothing else."""

    code: str
    combined: bool


OutcomeFunction = Callable[[Mapping[str, Any]], "Outcome | None"]


def _body(
    questions: Sequence[CompiledQuestion],
    rules: Mapping[str, expressions.Node],
    definitions: Mapping[str, Sequence[str]],
    order: Sequence[str],
    lean: bool,
) -> tuple[list[str], dict[str, str]]:
    """The statements both functions share: each question's kept answer in bank order, each rule as soon as
    what it reads is known. `lean` only notes whether anything required is missing, for the outcome function."""
    local: dict[str, str] = {q.id: f"q{i}" for i, q in enumerate(questions)}
    local.update({name: f"r{i}" for i, name in enumerate(order)})
    reads = {name: set(definitions[name]) if name in definitions else expressions.names(rules[name]) for name in order}
    emitted: set[str] = set()
    lines = ["    get = answers.get", "    missing = False" if lean else "    effective = {}\n    ignored = []\n    missing = []\n    optional = []"]

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
            f"            {_missing(question, local.__getitem__, lean)}",
        ]
        if not lean:
            lines += ["        else:", f"            effective[{qid}] = {var}"]
        lines += [f"    elif {var} is not None:"]
        if not lean:
            lines += [f"        ignored.append({qid})"]
        lines += [f"        {var} = None"]
    for name in order:
        emit_rule(name)
    return lines, local


def _define(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"__builtins__": {"bool": bool, "frozenset": frozenset}, "Walk": Walk, "Outcome": Outcome}
    exec(source, namespace)  # noqa: S102 - generated from validated bank data only
    return namespace[name]


def compile_walker(
    questions: Sequence[CompiledQuestion],
    rules: Mapping[str, expressions.Node],
    definitions: Mapping[str, Sequence[str]],
    order: Sequence[str],
) -> Walker:
    """`rules` maps rule id to its condition, `definitions` maps definition id to its tests (rule ids),
    `order` is the dependency order of rules and definitions."""
    lines, local = _body(questions, rules, definitions, order, lean=False)
    env = ", ".join(f"{name!r}: {var}" for name, var in local.items())
    lines.append(f"    return Walk(effective, ignored, missing, optional, {{{env}}})")
    return _define("def walk(answers):\n" + "\n".join(lines), "walk")


def compile_outcome(
    questions: Sequence[CompiledQuestion],
    rules: Mapping[str, expressions.Node],
    definitions: Sequence[tuple[str, str]],
    tests: Mapping[str, Sequence[str]],
    order: Sequence[str],
    destinations: Sequence[tuple[expressions.Node, bool]],
    not_atmp: str,
    undetermined: str,
) -> OutcomeFunction:
    """The outcome alone for answers without 'unsure', or None when a required answer is missing: the
    first definition (id, code) that holds with the `combined` rule, else not-ATMP, or undetermined when
    the first destination that matches is open. Decisive answers call it dozens of times a record, so it
    builds no dictionaries."""
    lines, local = _body(questions, rules, tests, order, lean=True)
    lines.append("    if missing: return None")
    combined = local["combined"]
    for definition_id, code in definitions:
        lines.append(f"    if {local[definition_id]}: return Outcome({code!r}, bool({combined}))")
    for condition, is_open in destinations:
        result = undetermined if is_open else not_atmp
        lines.append(f"    if {expressions.to_python(condition, local.__getitem__)}: return Outcome({result!r}, False)")
    lines.append(f"    return Outcome({not_atmp!r}, False)")
    return _define("def outcome(answers):\n" + "\n".join(lines), "outcome")
