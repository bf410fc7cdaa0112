"""The built-in examples: answers files shipped with each ruleset under `questions/<ruleset>/examples/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from atmp_cli.bank import Ruleset
from atmp_cli.messages import Message, did_you_mean


class ExampleError(LookupError):
    """No example of that name; the message lists what there is."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def example_paths(ruleset: Ruleset) -> dict[str, Path]:
    return {path.stem: path for path in sorted((ruleset.root / "examples").glob("*.json"))}


def load_example(ruleset: Ruleset, name: str) -> dict[str, Any]:
    paths = example_paths(ruleset)
    if name not in paths:
        raise ExampleError(Message.of("examples.unknown", name=repr(name), hint=did_you_mean(name, paths), available=", ".join(paths)))
    return json.loads(paths[name].read_text(encoding="utf-8"))
