"""A small condition language for the question bank.

Conditions live in the data files (`when = "contains_cells == yes and viable_cells == no"`), so lawyers can
read and review them next to the legal texts. They are parsed once at load time into a tree, validated
against the bank (unknown names and values are load errors), and compiled into closures so that batch
classification does not re-interpret strings.

Grammar::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | primary
    primary    := "(" expr ")" | NAME [ op ]
    op         := ("==" | "!=") VALUE | "in" LIST | "has" VALUE | "has_any" LIST
    LIST       := "[" VALUE ("," VALUE)* "]"

A NAME on its own is a derived rule (a boolean); a NAME with an operator is a question. An unanswered
question compares false with every value, so a condition on a question that was not asked is simply false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Union

Env = Mapping[str, object]
Compiled = Callable[[Env], bool]

_TOKEN = re.compile(r"\s*(?:(==|!=|\(|\)|\[|\]|,)|'([^']*)'|\"([^\"]*)\"|([A-Za-z_][A-Za-z0-9_-]*))")
_KEYWORDS = {"and", "or", "not", "in", "has", "has_any"}


class ExpressionError(ValueError):
    """A condition that cannot be parsed; the loader adds the file and entry to the message."""


@dataclass(frozen=True)
class Name:
    """A derived rule used as a boolean."""

    name: str


@dataclass(frozen=True)
class Compare:
    """A question's answer compared with one or more option values."""

    name: str
    op: str  # one of == != in has has_any
    values: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" or "or"
    operands: tuple["Node", ...]


Node = Union[Name, Compare, Not, BoolOp]


def _tokenize(source: str) -> list[tuple[str, str]]:
    """Split into (kind, text) tokens; kinds are 'op', 'value' (quoted), 'word'."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"unexpected character {source[pos:].lstrip()[:1]!r} in {source!r}")
        op, single, double, word = match.groups()
        if op is not None:
            tokens.append(("op", op))
        elif single is not None or double is not None:
            tokens.append(("value", single if single is not None else double))
        else:
            tokens.append(("word", word))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"unexpected end of condition {self.source!r}")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        kind, got = self.take()
        if got != text or kind not in ("op", "word"):
            raise ExpressionError(f"expected {text!r} but found {got!r} in {self.source!r}")

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("op", "word") and token[1] == text

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r} in {self.source!r}")
        return node

    def expr(self) -> Node:
        operands = [self.and_expr()]
        while self.at("or"):
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def and_expr(self) -> Node:
        operands = [self.not_expr()]
        while self.at("and"):
            self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def not_expr(self) -> Node:
        if self.at("not"):
            self.take()
            return Not(self.not_expr())
        return self.primary()

    def primary(self) -> Node:
        if self.at("("):
            self.take()
            node = self.expr()
            self.expect(")")
            return node
        kind, name = self.take()
        if kind != "word" or name in _KEYWORDS:
            raise ExpressionError(f"expected a name but found {name!r} in {self.source!r}")
        for op in ("==", "!=", "has"):
            if self.at(op):
                self.take()
                return Compare(name, op, (self.value(),))
        for op in ("in", "has_any"):
            if self.at(op):
                self.take()
                return Compare(name, op, self.value_list())
        return Name(name)

    def value(self) -> str:
        kind, text = self.take()
        if kind == "value" or (kind == "word" and text not in _KEYWORDS):
            return text
        raise ExpressionError(f"expected a value but found {text!r} in {self.source!r}")

    def value_list(self) -> tuple[str, ...]:
        self.expect("[")
        values = [self.value()]
        while self.at(","):
            self.take()
            values.append(self.value())
        self.expect("]")
        return tuple(values)


def parse(source: str) -> Node:
    """Parse a condition; raises ExpressionError with the offending text."""
    return _Parser(source).parse()


def names(node: Node) -> set[str]:
    """Every name a condition reads: the loader checks them and orders rules by them."""
    if isinstance(node, (Name, Compare)):
        return {node.name}
    if isinstance(node, Not):
        return names(node.operand)
    return set().union(*(names(operand) for operand in node.operands))


def comparisons(node: Node) -> list[Compare]:
    """All question comparisons, so the loader can check each value against the question's options."""
    if isinstance(node, Compare):
        return [node]
    if isinstance(node, Name):
        return []
    if isinstance(node, Not):
        return comparisons(node.operand)
    return [c for operand in node.operands for c in comparisons(operand)]


def rule_names(node: Node) -> list[str]:
    """Names used as booleans (derived rules), as opposed to compared questions."""
    if isinstance(node, Name):
        return [node.name]
    if isinstance(node, Compare):
        return []
    if isinstance(node, Not):
        return rule_names(node.operand)
    return [n for operand in node.operands for n in rule_names(operand)]


def to_python(node: Node, ref: Callable[[str], str]) -> str:
    """Python source for a condition; `ref(name)` gives the expression that reads a name's value.

    Values are embedded with repr() and names come from validated identifiers, so the generated code can
    only compare strings and combine booleans.
    """
    if isinstance(node, Name):
        return f"bool({ref(node.name)})"
    if isinstance(node, Compare):
        value = ref(node.name)
        first = repr(node.values[0])
        if node.op == "==":
            return f"({value} == {first})"
        if node.op == "!=":
            return f"({value} is not None and {value} != {first})"
        if node.op == "in":
            return f"({value} in {node.values!r})"
        if node.op == "has":
            return f"({first} in ({value} or ()))"
        return f"(not {frozenset(node.values)!r}.isdisjoint({value} or ()))"
    if isinstance(node, Not):
        return f"(not {to_python(node.operand, ref)})"
    return "(" + f" {node.op} ".join(to_python(operand, ref) for operand in node.operands) + ")"


def compile_node(node: Node) -> Compiled:
    """A function of an environment (answers and rule values by name) that evaluates the condition."""
    source = to_python(node, lambda name: f"env.get({name!r})")
    return eval(f"lambda env: {source}", {"__builtins__": {"bool": bool, "frozenset": frozenset}})  # noqa: S307
