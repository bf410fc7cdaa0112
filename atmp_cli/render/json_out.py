"""The JSON report: `Result.to_dict()` with an audit block, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

from atmp_cli.result import Result, answers_sha256


def audit(result: Result, produced_at: str | None = None) -> dict[str, Any]:
    """What a reviewer needs to reproduce the report; the time only for exported files."""
    r = result.ruleset
    block: dict[str, Any] = {
        "tool_version": result.tool_version,
        "ruleset": r.id,
        "ruleset_version": r.version,
        "legal_texts_as_of": r.legal_texts_as_of,
        "answers_sha256": answers_sha256(result.answers),
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
