"""The compact, cached JSON serializer writes exactly what json.dumps writes for the same result."""

from __future__ import annotations

import json
from collections import Counter

from atmp_cli import bank, serialize
from atmp_cli.engine import classify
from atmp_cli.serialize import to_dict, to_json_line
from helpers import load_cases

RECORD_FIELDS = [f.key for f in serialize.FIELDS if not f.shared]  # encoded for every record: its own data


def reference(result, full_text, extra):
    data = to_dict(result, full_text=full_text)
    data.update(extra)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_cached_serializer_matches_json_dumps(ruleset, walks):
    """The distinct answers documents among 1500 of the session's random walks (about 450), with and without
    a country and with and without the full texts, half of them with a case. The same answers again differ
    only outside the cached fragments (product, case, extra keys): the next test checks those repeats."""
    distinct = {json.dumps(document["answers"], sort_keys=True): document for document in walks[:1500]}
    for index, document in enumerate(distinct.values()):
        for country in (None, "SE"):
            result = classify(ruleset, document["answers"], product=f"Product «{index}» \"quoted\"", country=country,
                              case={"reference": f"R{index}"} if index % 2 else None)
            for full_text in (False, True):
                extra = {"source": f"file.jsonl:{index}"}
                assert to_json_line(result, full_text=full_text, extra=extra) == reference(result, full_text, extra)


def test_repeated_records_reuse_fragments_and_stay_correct(monkeypatch):
    """The published cases three times over, as a batch with repeated records: the first round encodes each
    distinct path step once (though steps recur across records); the later rounds look no fragment up and
    encode only each record's own fields (product, warnings, case, justifications, audit), since a repeated
    record's shared runs are reused whole; and every line is byte for byte what json.dumps writes."""
    counted: Counter[str] = Counter()
    real_dumps, real_get = serialize._dumps, serialize._FragmentCache.get

    def encoding(value):
        counted["encoded"] += 1
        return real_dumps(value)

    def looking_up(cache, key, make):
        counted["looked up"] += 1
        return real_get(cache, key, make)

    monkeypatch.setattr(serialize, "_dumps", encoding)
    monkeypatch.setattr(serialize._FragmentCache, "get", looking_up)
    # A ruleset loaded anew (not the cached one): no fragment of it is cached yet, since the caches key on it.
    ruleset = bank._load.__wrapped__("eu", "en")
    documents = [case["input"] for case in load_cases()]
    rounds = []
    for _ in range(3):
        before = counted.copy()
        results = [classify(ruleset, dict(document["answers"]), product=document.get("product")) for document in documents]
        for result in results:
            assert to_json_line(result) == reference(result, False, {})
        rounds.append(counted - before)
    first, second, third = rounds
    assert first["encoded"] and first["looked up"], "the control: round one encodes and caches"
    steps = [step for result in results for step in result.path]
    cached_steps = [key for key in serialize._items.entries if key[0] is ruleset and key[1] == "path"]
    assert len(cached_steps) == len(set(steps)) < len(steps)  # each distinct step encoded once, though steps recur
    assert second["looked up"] == third["looked up"] == 0, "a repeated record must reuse its shared runs whole"
    assert second == third, "a repeated record encodes the same each time"
    assert 0 < second["encoded"] <= len(RECORD_FIELDS) * len(documents), "only a record's own fields (empty ones not even those)"
