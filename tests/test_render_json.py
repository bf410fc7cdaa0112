"""The compact, cached JSON serializer writes exactly what json.dumps writes for the same result."""

from __future__ import annotations

import json

from atmp_cli.engine import classify
from atmp_cli.render.json_out import result_dict, result_json
from conftest import load_cases
from test_engine import all_paths


def reference(result, full_text, extra):
    data = result_dict(result, full_text=full_text)
    data.update(extra)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_cached_serializer_matches_json_dumps(ruleset):
    for index, answers in enumerate(all_paths(ruleset)):
        if index % 97:
            continue
        for country in (None, "SE"):
            result = classify(ruleset, answers, product=f"Product «{index}» \"quoted\"", country=country)
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
