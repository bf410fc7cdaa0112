"""The JSON result, the contract scripts depend on: one field list, two ways to write it.

`FIELDS` lists the keys of a result in order, each with the function that gives its value. `to_dict` calls
them all; `to_json_line` writes the same bytes for batch mode from cached fragments, generated from the
same list: a field marked `shared` depends only on the memoised classification (not on the record's
product, case, justifications or warnings), so runs of shared fields are encoded once per classification,
and a field with `each` encodes its items one by one through a cache, since the same path steps, checks and
notes recur across different classifications. A new field is added to the list, and both writers have it;
a test pins the two to the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, NamedTuple

from atmp_cli.bank import LegalText, Ruleset
from atmp_cli.result import Check, Decisive, NoteOut, PrecedentMatch, Result, Step
from atmp_cli import wording
from atmp_cli.wording import Wording


class Context(NamedTuple):
    """What a field's value is computed from (a named tuple: one is made for every record of a batch)."""

    result: Result
    words: Wording
    full_text: bool  # batch lines leave out quoted texts and findings (`--full-text` keeps them)
    produced_at: str | None


# ---------------------------------------------------------------------------------------------- the parts


def ruleset_dict(ruleset: Ruleset) -> dict[str, Any]:
    return {"id": ruleset.id, "version": ruleset.version, "legal_texts_as_of": ruleset.legal_texts_as_of}


def step_dict(words: Wording, step: Step, full_text: bool) -> dict[str, Any]:
    return {"question": step.question, "section": step.section, "answer": step.answer,
            "finding": words.step_finding(step), "citations": step.citations}


def check_dict(words: Wording, check: Check, full_text: bool) -> dict[str, Any]:
    if full_text:
        tests = [{"rule": t.rule, "holds": t.holds, "applicable": t.applicable, "finding": words.test_finding(t),
                  "citations": t.citations} for t in check.tests]
    else:
        tests = [{"rule": t.rule, "holds": t.holds, "applicable": t.applicable} for t in check.tests]
    return {"definition": check.code, "holds": check.holds, "citations": check.citations, "tests": tests}


def note_dict(words: Wording, note: NoteOut, full_text: bool) -> dict[str, Any]:
    return {"id": note.id, "text": words.note_text(note), "citations": note.citations, "country": note.country}


def decisive_dict(d: Decisive) -> dict[str, Any]:
    return {"question": d.question, "answer": d.answer, "classification": {"code": d.code, "combined": d.combined},
            "judgement": d.judgement}


def precedent_dict(ruleset: Ruleset, p: PrecedentMatch, full_text: bool = True) -> dict[str, Any]:
    """A nearest precedent; batch lines (`full_text=False`) keep its id, outcome and similarity only."""
    outcome = {"code": p.code, "combined": p.combined}
    if not full_text:
        return {"id": p.id, "outcome": outcome, "similarity": p.similarity}
    from atmp_cli.precedents import load

    entry = load(ruleset).by_id[p.id]
    return {"id": p.id, "product": entry.product, "outcome": outcome, "authority": entry.authority, "date": entry.date,
            "source": entry.source, "similarity": p.similarity}


def citation_dict(words: Wording, text: LegalText, full_text: bool = True) -> dict[str, Any]:
    """A legal text as cited in results and by `atmp definitions --format json`; `url` is the official text."""
    entry: dict[str, Any] = {"id": text.id, "citation": text.citation, "url": text.url}
    if full_text:
        entry.update(
            {
                "title": text.title,
                "presentation": text.presentation,
                "caveat": words.caveat(text),
                "text": text.text,
                "paraphrase": text.paraphrase,
                "source": text.source,
                "status": text.status,
                "confidence": text.confidence,
            }
        )
    return entry


def audit_dict(result: Result, produced_at: str | None = None) -> dict[str, Any]:
    """What a reviewer needs to reproduce the report; the time only for exported files. The answers' digest
    is a function of the answers alone; the document's also covers the product, case and justifications."""
    r = result.ruleset
    block: dict[str, Any] = {
        "tool_version": result.tool_version,
        "ruleset": r.id,
        "ruleset_version": r.version,
        "legal_texts_as_of": r.legal_texts_as_of,
        "language": r.language,
        "answers_sha256": result.answers_digest,
        "document_sha256": result.whole_document_digest,
    }
    if produced_at:
        block["produced_at"] = produced_at
    return block


# ---------------------------------------------------------------------------------------------- the field list


@dataclass(frozen=True)
class Field:
    """One key of the JSON result. `value` gives it whole; or `items` gives a list whose each item `each`
    turns into a value (so the fast writer can cache items). `shared`: the value depends only on the
    memoised classification and `full_text`, never on the record's own data."""

    key: str
    shared: bool
    value: Callable[[Context], Any] | None = None
    items: Callable[[Context], Iterable[Any]] | None = None
    each: Callable[[Wording, Any, bool], Any] | None = None

    def of(self, ctx: Context) -> Any:
        if self.value is not None:
            return self.value(ctx)
        return [self.each(ctx.words, item, ctx.full_text) for item in self.items(ctx)]  # type: ignore[misc]


def _classification(ctx: Context) -> dict[str, Any]:
    c = ctx.result.classification
    return {"code": c.code, "combined": c.combined, "borderline": c.borderline, "label": ctx.words.label(c),
            "reason": ctx.words.reason(c)}


def _branches(ctx: Context) -> list[dict[str, Any]]:
    words = ctx.words
    return [{"assume": dict(b.assume), "code": b.code, "combined": b.combined, "label": words.branch_label(b),
             "reason": words.branch_reason(b)} for b in ctx.result.branches]


def _citation(words: Wording, cid: str, full_text: bool) -> dict[str, Any]:
    return citation_dict(words, words.ruleset.texts[cid], full_text)


FIELDS: tuple[Field, ...] = (
    Field("schema_version", True, lambda c: c.result.schema_version),
    Field("tool_version", True, lambda c: c.result.tool_version),
    Field("ruleset", True, lambda c: ruleset_dict(c.result.ruleset)),
    Field("language", True, lambda c: c.result.ruleset.language),
    Field("product", False, lambda c: c.result.product),
    Field("country", True, lambda c: c.result.country),
    Field("classification", True, _classification),
    Field("path", True, items=lambda c: c.result.path, each=step_dict),
    Field("checks", True, items=lambda c: c.result.checks, each=check_dict),
    Field("branches", True, _branches),
    Field("decisive", True, lambda c: [decisive_dict(d) for d in c.result.decisive]),
    Field("precedents", True, lambda c: [precedent_dict(c.result.ruleset, p, c.full_text) for p in c.result.precedents]),
    Field("belongs", True, lambda c: c.words.belongs(c.result.belongs)),
    Field("notes", True, items=lambda c: c.result.notes, each=note_dict),
    Field("citations", True, items=lambda c: c.result.citation_ids, each=_citation),
    Field("warnings", False, lambda c: [c.words.warning(w) for w in c.result.warnings]),
    Field("answers", True, lambda c: c.result.answers),
    Field("case", False, lambda c: dict(c.result.case)),
    Field("justifications", False, lambda c: dict(c.result.justifications)),
    Field("audit", False, lambda c: audit_dict(c.result, c.produced_at)),
)


def context(result: Result, full_text: bool = True, produced_at: str | None = None) -> Context:
    return Context(result, wording.of(result.ruleset), full_text, produced_at)


def to_dict(result: Result, *, full_text: bool = True, produced_at: str | None = None) -> dict[str, Any]:
    """The JSON result as a dict, with the types `json.loads` gives. `full_text=False` (batch lines) keeps each
    citation's id and citation but not the quoted text, and each definition test's rule and outcome but not
    its finding."""
    ctx = context(result, full_text, produced_at)
    return {f.key: native(f.of(ctx)) for f in FIELDS}


def native(value: Any) -> Any:
    """A value as `json.loads` would give it back: tuples as lists, the frozen answers as a plain dict, so a
    caller may change its copy and reads the same types as from the JSON file."""
    if isinstance(value, dict):
        return {key: native(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [native(item) for item in value]
    return value


def to_json(result: Result, *, produced_at: str | None = None) -> str:
    """The JSON report of `atmp classify --format json`: indented, with a final newline."""
    return json.dumps(to_dict(result, produced_at=produced_at), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------- compact lines

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_dumps = _encoder.encode


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


def _runs(fields: tuple[Field, ...]) -> list[tuple[bool, tuple[Field, ...]]]:
    """The field list cut into runs of shared and of per-record fields, in order."""
    runs: list[tuple[bool, list[Field]]] = []
    for f in fields:
        if runs and runs[-1][0] == f.shared:
            runs[-1][1].append(f)
        else:
            runs.append((f.shared, [f]))
    return [(shared, tuple(group)) for shared, group in runs]


_RUNS = _runs(FIELDS)
_items = _FragmentCache()
_shared: dict[tuple[int, bool], tuple[Any, tuple[str, ...]]] = {}


def _encode(f: Field, ctx: Context) -> str:
    if f.each is None:
        value = f.of(ctx)
        if value is None:  # the values most records have (no case, no warnings), without the encoder
            return "null"
        if not value and isinstance(value, (dict, list, tuple)):
            return "{}" if isinstance(value, dict) else "[]"
        return _dumps(value)
    words, full = ctx.words, ctx.full_text
    # keys hold the ruleset itself (compared by identity): two rulesets loaded in one process never mix
    key = (words.ruleset, f.key, full)
    return "[" + ",".join(_items.get(key + (item,), lambda item=item: f.each(words, item, full)) for item in f.items(ctx)) + "]"


_KEYS = {f.key: _dumps(f.key) for f in FIELDS}  # each key encoded once


def _fragment(run: tuple[Field, ...], ctx: Context, first: bool) -> str:
    return "".join(("" if first and i == 0 else ",") + _KEYS[f.key] + ":" + _encode(f, ctx) for i, f in enumerate(run))


def _shared_runs(ctx: Context) -> tuple[str, ...]:
    """Every run of shared fields, encoded once per memoised classification. Its path tuple is shared by every
    record of that classification, so its identity is the key (held in the entry and checked with `is`, so a
    reused id can never return another result's JSON)."""
    result = ctx.result
    key = (id(result.path), ctx.full_text)
    entry = _shared.get(key)
    if entry is not None and entry[0] is result.path:
        return entry[1]
    encoded = tuple(_fragment(run, ctx, index == 0) for index, (shared, run) in enumerate(_RUNS) if shared)
    if len(_shared) >= 8192:
        _shared.clear()
    _shared[key] = (result.path, encoded)
    return encoded


def to_json_line(result: Result, *, full_text: bool = False, extra: dict[str, Any] | None = None) -> str:
    """One compact JSON object (no newline): `to_dict(result, full_text=...)` plus `extra` keys, byte for byte
    what `json.dumps(..., separators=(",", ":"))` writes."""
    ctx = context(result, full_text)
    shared_runs = iter(_shared_runs(ctx))
    parts = ["{"]
    for index, (shared, run) in enumerate(_RUNS):
        parts.append(next(shared_runs) if shared else _fragment(run, ctx, index == 0))
    for key, value in (extra or {}).items():
        parts += [",", _dumps(key), ":", _dumps(value)]
    parts.append("}")
    return "".join(parts)
