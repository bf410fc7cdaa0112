"""The compact, cached JSON serializer writes exactly what json.dumps writes for the same result."""

from __future__ import annotations

import json
import random

from atmp_cli.engine import classify
from atmp_cli.render.json_out import result_dict, result_json
from helpers import load_cases
from atmp_cli.sampling import random_document


def reference(result, full_text, extra):
    data = result_dict(result, full_text=full_text)
    data.update(extra)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_cached_serializer_matches_json_dumps(ruleset):
    rng = random.Random(97)
    for index in range(1500):
        answers = random_document(ruleset, rng)["answers"]
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
