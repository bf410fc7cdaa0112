"""Property: whatever the records hold, batch never raises and yields one result or one error row a record."""

from __future__ import annotations

import io
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atmp_cli import bank, batch, batch_writers
from atmp_cli.sampling import random_document

RULESET = bank.load("eu")
IDS = [q.id for q in RULESET.questions]
VALUES = sorted({v for q in RULESET.questions for v in q.allowed})

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars | st.sampled_from(VALUES) | st.lists(st.sampled_from(VALUES), max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
answer_keys = st.sampled_from(IDS) | st.text(max_size=20)


@st.composite
def documents(draw):
    """Valid documents from the bank, then mangled (or not): keys added, dropped, values and types replaced."""
    kind = draw(st.sampled_from(["valid", "mangled", "answers", "anything"]))
    if kind == "anything":
        return draw(json_values)
    if kind == "answers":
        answers = draw(st.dictionaries(answer_keys, json_values, max_size=8))
        return {"product": draw(json_scalars), "answers": answers}
    document = random_document(RULESET, random.Random(draw(st.integers(0, 2**32))))
    if kind == "mangled":
        answers = dict(document["answers"])
        for key in draw(st.lists(st.sampled_from(sorted(answers)), max_size=3)):
            answers.pop(key, None)
        answers.update(draw(st.dictionaries(answer_keys, json_values, max_size=3)))
        document = {**document, "answers": answers}
        if draw(st.booleans()):
            document["product"] = draw(json_values)
    return document


lines = st.lists(documents().map(json.dumps) | st.text(max_size=30).filter(lambda s: s.strip() and "\n" not in s and "\r" not in s), max_size=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_batch_never_raises_and_yields_one_row_a_record(items):
    data = "".join(item + "\n" for item in items).encode("utf-8")
    rows = list(batch.classify_records(RULESET, batch.read_jsonl(io.BytesIO(data), "p.jsonl")))
    # A byte-order mark that opens the file marks its encoding, not content: a first line of only that is blank.
    content = [item.removeprefix("\ufeff") if number == 1 else item for number, item in enumerate(items, 1)]
    numbers = [number for number, line in enumerate(content, 1) if line.encode("utf-8").strip()]
    assert [row["source"] for row in rows] == [f"p.jsonl:{number}" for number in numbers]
    for row in rows:
        assert ("classification" in row) != ("error" in row)
        if "error" in row:
            assert row["error"]["field"] != "(internal)", row
            assert row["errors"][0] == row["error"]
        json.loads(json.dumps(dict(row)))
    out = io.StringIO()
    tally = batch.run(rows, batch_writers.JsonlWriter(out))
    assert tally.records == len(numbers) == len(out.getvalue().splitlines())
