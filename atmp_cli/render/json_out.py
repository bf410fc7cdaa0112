"""The JSON report: `Result.to_dict()` with an audit block, byte-identical for the same input.

`result_json` writes the same JSON as `json.dumps(result_dict(...))` but assembles it from cached
fragments: across a batch the same path steps, definition checks, notes and citation lists recur, and
re-encoding kilobytes of identical findings for every record would make batch mode many times slower
than reading its input. A test pins the two to the same bytes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Callable, Hashable

from atmp_cli.result import (
    Result,
    branch_dict,
    check_dict,
    citation_dict,
    classification_dict,
    decisive_dict,
    note_dict,
    precedent_dict,
    ruleset_dict,
    step_dict,
)


def audit(result: Result, produced_at: str | None = None) -> dict[str, Any]:
    """What a reviewer needs to reproduce the report; the time only for exported files."""
    r = result.ruleset
    block: dict[str, Any] = {
        "tool_version": result.tool_version,
        "ruleset": r.id,
        "ruleset_version": r.version,
        "legal_texts_as_of": r.legal_texts_as_of,
        "answers_sha256": result.answers_digest,
    }
    if produced_at:
        block["produced_at"] = produced_at
    return block


def result_dict(result: Result, *, produced_at: str | None = None, full_text: bool = True) -> dict[str, Any]:
    data = result.to_dict(full_text=full_text)
    data["audit"] = audit(result, produced_at)
    return data


def render_json(result: Result, *, produced_at: str | None = None) -> str:
    return json.dumps(result_dict(result, produced_at=produced_at), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------- compact lines

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_dumps = _encoder.encode
_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _optional_string(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _list(values: Any, cache: "_FragmentCache") -> str:
    return cache.get(tuple(values), lambda: list(values)) if values else "[]"


class _FragmentCache:
    """Encoded JSON by key, bounded so a long batch of all-different records cannot grow it forever."""

    def __init__(self, limit: int = 8192) -> None:
        self.limit = limit
        self.entries: dict[Hashable, str] = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> str:
        encoded = self.entries.get(key)
        if encoded is None:
            if len(self.entries) >= self.limit:
                self.entries.clear()
            encoded = self.entries[key] = _dumps(make())
        return encoded


_steps = _FragmentCache()
_checks: dict[tuple[int, bool], tuple[Any, str]] = {}
_notes = _FragmentCache()
_citations = _FragmentCache()
_classifications = _FragmentCache()
_belongs = _FragmentCache()


def _checks_json(result: Result, full_text: bool) -> str:
    """The engine hands out one cached tuple per distinct set of checks, so identity is a cheap key
    (hashing the nested checks would cost more than encoding them); the entry keeps the tuple alive and
    is checked with `is`, so a reused id can never return another tuple's JSON."""
    key = (id(result.checks), full_text)
    entry = _checks.get(key)
    if entry is None or entry[0] is not result.checks:
        if len(_checks) >= 4096:
            _checks.clear()
        entry = _checks[key] = (result.checks, _dumps([check_dict(c, full_text) for c in result.checks]))
    return entry[1]


@lru_cache(maxsize=64)
def _head(schema_version: str, tool_version: str, ruleset: Any) -> str:
    return f'{{"schema_version":{_dumps(schema_version)},"tool_version":{_dumps(tool_version)},"ruleset":{_dumps(ruleset_dict(ruleset))}'


_middles: dict[tuple[int, bool], tuple[Any, str]] = {}


def _middle(result: Result, full_text: bool) -> str:
    """Everything between "product" and "warnings": fixed for a given classification. Results of the same
    answers share their path tuple with the engine's memoised result, so its identity is the key (held in
    the entry and checked with `is`, so a reused id cannot return another result's JSON)."""
    key = (id(result.path), full_text)
    entry = _middles.get(key)
    if entry is not None and entry[0] is result.path and entry[1] == (result.country, result.classification):
        return entry[2]
    r = result.ruleset
    # keys hold the ruleset itself (compared by identity): two rulesets loaded in one process never mix
    path = ",".join(_steps.get((r, s.question, s.answer), lambda s=s: step_dict(s)) for s in result.path)
    notes = ",".join(_notes.get((r, n.id, n.country), lambda n=n: note_dict(n)) for n in result.notes)
    citations = _citations.get(
        (r, result.citation_ids, full_text), lambda: [citation_dict(r.texts[cid], full_text) for cid in result.citation_ids]
    )
    c = result.classification
    middle = "".join([
        ',"country":', _optional_string(result.country),
        ',"classification":', _classifications.get((c.code, c.combined, c.borderline, c.label, c.reason), lambda: classification_dict(c)),
        ',"path":[', path, "]",
        ',"checks":', _checks_json(result, full_text),
        ',"branches":', _dumps([branch_dict(b) for b in result.branches]) if result.branches else "[]",
        ',"decisive":', _dumps([decisive_dict(d) for d in result.decisive]) if result.decisive else "[]",
        ',"precedents":', _dumps([precedent_dict(p, r, full_text) for p in result.precedents]) if result.precedents else "[]",
        ',"belongs":', _list(result.belongs, _belongs),
        ',"notes":[', notes, "]",
        ',"citations":', citations,
    ])
    if len(_middles) >= 4096:
        _middles.clear()
    _middles[key] = (result.path, (result.country, result.classification), middle)
    return middle


def result_json(result: Result, *, full_text: bool = False, extra: dict[str, Any] | None = None) -> str:
    """One compact JSON object (no newline): `result_dict(result, full_text=...)` plus `extra` keys."""
    parts = [
        _head(result.schema_version, result.tool_version, result.ruleset),
        ',"product":', _optional_string(result.product),
        _middle(result, full_text),
        ',"warnings":', _dumps(list(result.warnings)) if result.warnings else "[]",
        ',"answers":', _dumps(result.answers),
        ',"audit":', _dumps(audit(result)),
    ]
    for key, value in (extra or {}).items():
        parts += [",", _dumps(key), ":", _dumps(value)]
    parts.append("}")
    return "".join(parts)
