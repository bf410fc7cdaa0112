"""The condition language of the question bank."""

from __future__ import annotations

import pytest

from atmp_cli import expressions as ex


def run(source, **env):
    return ex.compile_node(ex.parse(source))(env)


def test_comparisons_and_boolean_operators():
    assert run("a == yes and not b == no", a="yes", b="yes")
    assert not run("a == yes and b == no", a="yes", b="yes")
    assert run("a == yes or (b == no and c)", a="no", b="no", c=True)
    assert run("a in [x, y]", a="y") and not run("a in [x, y]", a="z")
    assert run("m has other", m=["cutting", "other"]) and not run("m has other", m=["cutting"])
    assert run("m has_any [a, b]", m=["b"]) and not run("m has_any [a, b]", m=["c"])


def test_unanswered_question_compares_false_with_everything():
    assert not run("a == yes")
    assert not run("a != yes")
    assert not run("m has x")
    assert run("not a == yes")


def test_quoted_values():
    assert run("a == 'two words'", a="two words")
    assert run('a == "x"', a="x")


def test_names_and_comparisons_are_listed():
    node = ex.parse("r and q == yes or not m has_any [a]")
    assert ex.names(node) == {"r", "q", "m"}
    assert ex.rule_names(node) == ["r"]
    assert [c.name for c in ex.comparisons(node)] == ["q", "m"]


@pytest.mark.parametrize("bad", ["a ==", "(a == b", "a == b)", "and", "a == [b]", "a @ b", "a in b", ""])
def test_malformed_conditions_are_errors(bad):
    with pytest.raises(ex.ExpressionError):
        ex.parse(bad)
