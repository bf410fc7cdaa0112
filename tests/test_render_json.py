"""The compact, cached JSON serializer writes exactly what json.dumps writes for the same result."""

from __future__ import annotations

import json

from atmp_cli.engine import classify
from atmp_cli.render.json_out import result_dict, result_json
from helpers import load_cases


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


def test_repeated_records_reuse_fragments_and_stay_correct(ruleset):
    cases = [c["input"] for c in load_cases()]
    for _ in range(3):
        for document in cases:
            answers = {k: v for k, v in document["answers"].items()}
            result = classify(ruleset, answers, product=document.get("product"))
            assert json.loads(result_json(result)) == json.loads(reference(result, False, {}))
