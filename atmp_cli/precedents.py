"""Published precedents: how the authorities classified real products, as data, and which ones are nearest.

A regulator's first question is how the CAT or a national authority classified similar products, so every
result carries the precedents whose answers are closest to its own. The corpus lives in
`questions/<ruleset>/precedents/`, one TOML file a product, each with its published outcome, source and its
answers under the answers contract. This module loads and checks it once and measures similarity; it
decides nothing about the product's class and prints nothing.

Similarity is the weighted Jaccard index of the two products' answer facts: each answered question gives one
fact per value (a multi-select one per ticked option, weighted 1/n so that a long list does not outweigh a
single choice), and only the questions that can change a class count (optional questions such as
hospital_exemption, which only decide where a product belongs or how it reaches patients, do not).
Two products with the same answers have similarity 1; ties are broken by id, so the order is stable.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from atmp_cli.bank import BankError, Ruleset, check_fields, did_you_mean
from atmp_cli.messages import Catalogue

PROCEDURES = ("CAT scientific recommendation", "EPAR", "national authority", "court", "guidance")
RELIABILITY = ("primary", "secondary")
_REQUIRED = {
    "id", "product", "description", "indication", "authority", "procedure", "date", "source", "reliability",
    "source_note", "outcome_text", "reasoning", "illustrates", "inferred", "rationale", "outcome", "answers",
}
_OPTIONAL = {"disagreement"}


@dataclass(frozen=True)
class Precedent:
    """One published classification of a real product, with where it was published and how it was encoded."""

    id: str
    product: str
    description: str
    indication: str
    authority: str
    procedure: str
    date: str
    source: str
    reliability: str
    source_note: str
    outcome_text: str
    reasoning: str
    illustrates: tuple[str, ...]
    inferred: tuple[str, ...]
    rationale: str
    code: str
    combined: bool
    answers: dict[str, Any]
    disagreement: str = ""


@dataclass(frozen=True)
class Match:
    """A precedent and how similar its answers are to the product's (0 to 1)."""

    id: str
    similarity: float


Features = dict[tuple[str, Any], float]


def features(ruleset: Ruleset, answers: Mapping[str, Any]) -> Features:
    """The answer facts similarity compares, each with its weight."""
    facts: Features = {}
    for qid, answer in answers.items():
        question = ruleset.by_id.get(qid)
        if question is None or not question.required:
            continue
        values = list(answer) if isinstance(answer, (list, tuple)) else [answer]
        for value in values:
            facts[(qid, value)] = 1 / len(values)
    return facts


def similarity(a: Features, b: Features) -> float:
    """Weighted Jaccard index: the weight the two share over the weight either has (sum of the minima over
    sum of the maxima, the latter being both totals less what they share)."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    shared = 0.0
    for key, weight in a.items():
        other = get(key)
        if other is not None:
            shared += weight if weight < other else other
    either = sum(a.values()) + sum(b.values()) - shared
    return shared / either if either else 0.0


@dataclass(frozen=True, eq=False)
class Corpus:
    """The loaded precedents of one ruleset, with their answer facts computed once."""

    entries: tuple[Precedent, ...]
    by_id: dict[str, Precedent]
    facts: tuple[Features, ...]

    def nearest(self, ruleset: Ruleset, answers: Mapping[str, Any], count: int = 3) -> tuple[Match, ...]:
        """The `count` precedents whose answers are closest, most similar first, ties by id."""
        mine = features(ruleset, answers)
        scored = sorted(((-similarity(mine, facts), entry.id) for entry, facts in zip(self.entries, self.facts)))
        return tuple(Match(pid, round(-score, 3)) for score, pid in scored[:count])

    def nearest_with(self, ruleset: Ruleset, answers: Mapping[str, Any], code: str, combined: bool) -> Match | None:
        """The closest precedent that was classified (code, combined), if any."""
        mine = features(ruleset, answers)
        scored = sorted(
            (-similarity(mine, facts), entry.id)
            for entry, facts in zip(self.entries, self.facts)
            if (entry.code, entry.combined) == (code, combined)
        )
        return Match(scored[0][1], round(-scored[0][0], 3)) if scored else None

    def illustrating(self, question_id: str, limit: int = 6) -> tuple[Precedent, ...]:
        """Precedents tagged as showing how the authorities answered this question: taken in turn from each
        outcome, primary sources first, so that a help text shows both sides of the line."""
        by_outcome: dict[tuple[str, bool], list[Precedent]] = {}
        tagged = (e for e in self.entries if question_id in e.illustrates)
        for entry in sorted(tagged, key=lambda e: (e.reliability != "primary", e.id)):
            by_outcome.setdefault((entry.code, entry.combined), []).append(entry)
        queues = [by_outcome[key] for key in sorted(by_outcome)]
        picked: list[Precedent] = []
        while len(picked) < limit and any(queues):
            for queue in queues:
                if queue and len(picked) < limit:
                    picked.append(queue.pop(0))
        return tuple(picked)

    def search(self, words: Iterable[str] = (), code: str | None = None, authority: str | None = None) -> tuple[Precedent, ...]:
        """Entries whose texts hold every word (case-insensitive), of the class and authority given."""
        needles = [w.lower() for w in words if w]
        found = []
        for entry in self.entries:
            outcome = f"{entry.code}{' combined' if entry.combined else ''}"
            haystack = " ".join([entry.id, entry.product, entry.description, entry.indication, entry.authority,
                                 entry.outcome_text, entry.reasoning, outcome]).lower()
            if code and entry.code.lower() != code.lower():
                continue
            if authority and authority.lower() not in entry.authority.lower():
                continue
            if all(needle in haystack for needle in needles):
                found.append(entry)
        return tuple(found)


@lru_cache(maxsize=8)
def load(ruleset: Ruleset) -> Corpus:
    """Load and check the ruleset's precedents once; a broken entry is a BankError naming file and field."""
    folder = ruleset.root / "precedents"
    codes = {d.code for d in ruleset.definitions} | {"not-ATMP"}
    entries = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, OSError) as error:
            raise BankError(f"{path}: not readable TOML: {error}") from None
        entries.append(_entry(path, raw, codes, ruleset))
    return Corpus(tuple(entries), {e.id: e for e in entries}, tuple(features(ruleset, e.answers) for e in entries))


def _entry(path: Any, raw: dict[str, Any], codes: set[str], ruleset: Ruleset) -> Precedent:
    where = f"{path}"
    check_fields(raw, where, _REQUIRED, _OPTIONAL)
    if raw["id"] != path.stem:
        raise BankError(f"{where}: id {raw['id']!r} does not match the file name")
    if raw["procedure"] not in PROCEDURES:
        raise BankError(f"{where}: procedure {raw['procedure']!r} is not one of {', '.join(PROCEDURES)}")
    if raw["reliability"] not in RELIABILITY:
        raise BankError(f"{where}: reliability must be primary or secondary, not {raw['reliability']!r}")
    outcome = raw["outcome"]
    if not isinstance(outcome, dict) or outcome.get("code") not in codes or not isinstance(outcome.get("combined"), bool):
        raise BankError(f"{where}: outcome needs a code ({', '.join(sorted(codes))}) and combined (true or false)")
    for field in ("illustrates", "inferred"):
        for qid in raw[field]:
            if qid not in ruleset.by_id:
                raise BankError(f"{where}: {field}: unknown question {qid!r}{did_you_mean(qid, ruleset.by_id)}")
    if not raw["source"].startswith(("http://", "https://")):
        raise BankError(f"{where}: source must be the address of the page the outcome was taken from")
    return Precedent(
        raw["id"], raw["product"], raw["description"], raw["indication"], raw["authority"], raw["procedure"],
        raw["date"], raw["source"], raw["reliability"], raw["source_note"], raw["outcome_text"], raw["reasoning"],
        tuple(raw["illustrates"]), tuple(raw["inferred"]), raw["rationale"], outcome["code"], outcome["combined"],
        dict(raw["answers"]), raw.get("disagreement", ""),
    )


def outcome_words(m: Catalogue, code: str, combined: bool) -> str:
    """An outcome as a short code, worded by `m`: 'TEP', 'TEP, combined'."""
    return m("precedents.combined", code=code) if combined else code


def summary_line(entry: Precedent) -> str:
    """One line for help texts and listings, in the run's language: product, outcome, who decided and when,
    and the source."""
    from atmp_cli import language

    m = language.catalogue()
    outcome = outcome_words(m, entry.code, entry.combined)
    if entry.date:
        return m("precedents.summary", product=entry.product, outcome=outcome, authority=entry.authority, date=entry.date, source=entry.source)
    return m("precedents.summary_undated", product=entry.product, outcome=outcome, authority=entry.authority, source=entry.source)


def entry_dict(entry: Precedent, *, whole: bool = True) -> dict[str, Any]:
    """A precedent as JSON: the listing's fields, or the whole entry with its answers."""
    data: dict[str, Any] = {
        "id": entry.id, "product": entry.product, "outcome": {"code": entry.code, "combined": entry.combined},
        "authority": entry.authority, "procedure": entry.procedure, "date": entry.date, "source": entry.source,
        "reliability": entry.reliability,
    }
    if whole:
        data.update({
            "description": entry.description, "indication": entry.indication, "outcome_text": entry.outcome_text,
            "reasoning": entry.reasoning, "source_note": entry.source_note, "illustrates": list(entry.illustrates),
            "inferred": list(entry.inferred), "rationale": entry.rationale, "disagreement": entry.disagreement,
            "answers": entry.answers,
        })
    return data
