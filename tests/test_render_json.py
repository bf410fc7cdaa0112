"""The compact, cached JSON serializer writes exactly what json.dumps writes for the same result."""

from __future__ import annotations

import json
from collections import Counter

from atmp_cli import bank
from atmp_cli.engine import classify
from atmp_cli.render import json_out
from atmp_cli.render.json_out import result_dict, result_json
from helpers import load_cases

# What json_out builds a cached fragment from (each a function of atmp_cli.result, called through json_out).
BUILDERS = ("step_dict", "note_dict", "citation_dict", "check_dict", "classification_dict")


def reference(result, full_text, extra):
    data = result_dict(result, full_text=full_text)
    data.update(extra)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_cached_serializer_matches_json_dumps(ruleset, walks):
    """The distinct answers documents among 1500 of the session's random walks (about 450), with and without
    a country and with and without the full texts. The same answers again differ only outside the cached
    fragments (product, extra keys): the next test checks those repeats."""
    distinct = {json.dumps(document["answers"], sort_keys=True): document for document in walks[:1500]}
    for index, document in enumerate(distinct.values()):
        for country in (None, "SE"):
            result = classify(ruleset, document["answers"], product=f"Product «{index}» \"quoted\"", country=country)
            for full_text in (False, True):
                extra = {"source": f"file.jsonl:{index}"}
                assert result_json(result, full_text=full_text, extra=extra) == reference(result, full_text, extra)


def test_repeated_records_reuse_fragments_and_stay_correct(monkeypatch):
    """The published cases three times over, as a batch with repeated records: the first round encodes each
    distinct fragment once (a path step shared by several records is encoded once); the later rounds encode
    nothing anew and do not even look fragments up (a repeated record's whole middle is reused); and every
    line is byte for byte what json.dumps writes."""
    built: Counter[str] = Counter()
    for name in BUILDERS:
        def counting(*args, _build=getattr(json_out, name), _name=name, **kwargs):
            built[_name] += 1
            return _build(*args, **kwargs)

        monkeypatch.setattr(json_out, name, counting)

    def looking_up(cache, key, make, _get=json_out._FragmentCache.get):
        built["fragment looked up"] += 1
        return _get(cache, key, make)

    monkeypatch.setattr(json_out._FragmentCache, "get", looking_up)
    # A ruleset loaded anew (not the cached one): no fragment of it is cached yet, since the caches key on it.
    ruleset = bank.load.__wrapped__("eu")
    documents = [case["input"] for case in load_cases()]
    rounds = []
    for _ in range(3):
        before = built.copy()
        results = [classify(ruleset, dict(document["answers"]), product=document.get("product")) for document in documents]
        for result in results:
            assert result_json(result) == reference(result, False, {})
        rounds.append(built - before)
    first, second, third = rounds
    assert first["step_dict"] and first["citation_dict"] and first["check_dict"], "the control: round one encodes"
    assert first["fragment looked up"] > first["step_dict"]  # and finds steps already encoded for earlier records
    steps = [(step.question, step.answer) for result in results for step in result.path]
    assert first["step_dict"] == len(set(steps)) < len(steps)  # each distinct step once, though steps recur
    assert second == third == Counter(), "a repeated record must reuse its cached middle and fragments"
