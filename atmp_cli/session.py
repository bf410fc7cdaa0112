"""Wizard sessions and answers documents on disk.

Every walk is kept under its own name in `<app dir>/sessions/` (the app dir honours XDG_CONFIG_HOME on
Linux): the product and the time it started, filesystem-safe, e.g. `car-t-19-20261125-143012.json`. It is
written atomically after every answer (so Ctrl-C or a closed terminal loses nothing), a new walk never
takes an existing name, and it is deleted when its walk is through. The file holds an answers document
(`product`, `answers`, and the `case` and `justifications` recorded so far) plus a `session` object with
what a resume needs: the ruleset, when the walk started and was last saved, the answers file `--save`
asked for, and whether the user asked for a reason after each answer (`reasons`, once asked).

Kept apart from `atmp_cli.wizard` so `--resume`, `--save` and `atmp sessions` need no questionary. The
functions above the disk section are pure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

from atmp_cli import language
from atmp_cli.errors import fail
from atmp_cli.inputs import parse_json
from atmp_cli.messages import Message
from atmp_cli.output import write_atomic, write_new

SESSION_KEY = "session"  # the document's key for what only a session has
TEXTS_KEYS = ("case", "justifications")  # the document's objects of the user's texts
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")  # what make_name produces; anything else names no session
UNNAMED = "unnamed"  # the name's stem when the product has none
STEM_LENGTH = 40
TIME_IN_NAME = "%Y%m%d-%H%M%S"  # local time
LEGACY = "session-*.json"  # where atmp 0.1.0 kept one session per ruleset, in the app dir itself

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """UTC, ISO 8601, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def local_time(text: str) -> str:
    """A stored time in local time, to the minute, for lists."""
    return parse_iso(text).astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Session:
    """One saved walk. `saved_to` is the answers file the first run's --save asked for (absolute); `reasons`
    whether the user asked for a reason after each answer (None: not asked yet, or a session of atmp 0.1.0)."""

    name: str
    ruleset: str
    product: str | None
    answers: dict[str, Any]
    started: str
    saved: str
    saved_to: str | None = None
    case: dict[str, str] = field(default_factory=dict)
    justifications: dict[str, str] = field(default_factory=dict)
    reasons: bool | None = None

    def answers_document(self) -> dict[str, Any]:
        return answers_document(self.product, self.answers, case=self.case, justifications=self.justifications)

    def document(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"ruleset": self.ruleset, "started": self.started, "saved": self.saved}
        if self.saved_to:
            meta["save"] = self.saved_to
        if self.reasons is not None:
            meta["reasons"] = self.reasons
        return {**self.answers_document(), SESSION_KEY: meta}


# ---------------------------------------------------------------------------------------------- pure


def answers_document(product: str | None, answers: Mapping[str, Any], *, case: Mapping[str, str] | None = None,
                     justifications: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The canonical answers document that --answers, batch mode and --resume read; the case and the
    justifications only if there are any."""
    document: dict[str, Any] = {}
    if product:
        document["product"] = product
    document["answers"] = dict(answers)
    if case:
        document["case"] = dict(case)
    if justifications:
        document["justifications"] = dict(justifications)
    return document


def slug(text: str | None) -> str:
    """A filesystem-safe stem: ASCII letters and digits in lower case, runs of anything else one '-'."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return stem[:STEM_LENGTH].rstrip("-") or UNNAMED


def make_name(product: str | None, started: datetime, taken: Collection[str] = ()) -> str:
    """`<product>-<local time>`, with '-2', '-3'... if that is taken."""
    base = f"{slug(product)}-{started.astimezone().strftime(TIME_IN_NAME)}"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    return name


def from_document(name: str, document: Any, *, ruleset: str | None = None, saved: str | None = None) -> Session | Message:
    """The session a file holds, or why it holds none. `ruleset` and `saved` stand in for a file without
    a `session` object (a session of atmp 0.1.0). The texts are checked, and cleaned, when resumed."""
    if not isinstance(document, dict) or not isinstance(document.get("answers", {}), dict):
        return Message.of("session.not_a_session")
    meta = document.get(SESSION_KEY, {})
    if not isinstance(meta, dict):
        return Message.of("session.not_an_object", item=SESSION_KEY)
    meta = {"ruleset": ruleset, "started": saved, "saved": saved, **meta}
    for key in ("ruleset", "started", "saved"):
        if not isinstance(meta[key], str):
            return Message.of("session.not_a_string", item=f"{SESSION_KEY}.{key}")
    try:
        parse_iso(meta["started"]), parse_iso(meta["saved"])
    except ValueError:
        return Message.of("session.bad_times", item=SESSION_KEY)
    texts = {key: {} if document.get(key) is None else document[key] for key in TEXTS_KEYS}
    for key, value in texts.items():
        if not isinstance(value, dict) or not all(isinstance(text, (str, type(None))) for text in value.values()):
            return Message.of("session.not_texts", item=key)
    product = document.get("product")
    saved_to = meta.get("save")
    reasons = meta.get("reasons")
    return Session(name, meta["ruleset"], product if isinstance(product, str) else None, dict(document.get("answers", {})),
                   meta["started"], meta["saved"], saved_to if isinstance(saved_to, str) else None, texts["case"],
                   texts["justifications"], reasons if isinstance(reasons, bool) else None)


def newest_first(sessions: Iterable[Session]) -> list[Session]:
    """The most recently saved first (ties: the later name first)."""
    return sorted(sessions, key=lambda s: (s.saved, s.name), reverse=True)


def find(sessions: Sequence[Session], name: str) -> Session | None:
    return next((s for s in sessions if s.name == name), None)


# ---------------------------------------------------------------------------------------------- on disk


def app_dir() -> Path:
    import typer

    return Path(typer.get_app_dir("atmp"))


def sessions_dir() -> Path:
    return app_dir() / "sessions"


def session_path(name: str) -> Path:
    return sessions_dir() / f"{name}.json"


def write_answers(path: str | Path, product: str | None, answers: Mapping[str, Any], *,
                  case: Mapping[str, str] | None = None, justifications: Mapping[str, str] | None = None) -> None:
    """Write an answers document atomically (never a half-written file)."""
    write_atomic(str(path), _json(answers_document(product, answers, case=case, justifications=justifications)))


def _json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _folder() -> Path:
    folder = sessions_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(Message.of("session.cannot_create", folder=str(folder), reason=error.strerror))
    return folder


def read_session(path: Path, **stand_ins: str | None) -> Session | Message | str:
    """The session in `path`, or why it cannot be read (the system's words for a file it cannot read)."""
    try:
        document, problem = parse_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return str(error)
    return problem or from_document(path.stem, document, **stand_ins)


def list_sessions(ruleset: str | None = None) -> tuple[list[Session], list[str]]:
    """Saved sessions (of `ruleset`, or all), newest first, and a line for each file that cannot be read."""
    _adopt_legacy()
    folder = sessions_dir()
    sessions, problems = [], []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        if not NAME.fullmatch(path.stem):
            continue
        found = read_session(path)
        if not isinstance(found, Session):
            problems.append(f"{path}: {language.catalogue().word(found)}")
        elif ruleset is None or found.ruleset == ruleset:
            sessions.append(found)
    return newest_first(sessions), problems


def create_session(session: Session) -> Session:
    """Write a new session under a name no other session has (another wizard may be saving one now)."""
    folder = _folder()
    taken = {path.stem for path in folder.glob("*.json")}
    while True:
        name = make_name(session.product, parse_iso(session.started), taken)
        named = replace(session, name=name)
        if write_new(str(folder / f"{name}.json"), _json(named.document())):
            return named
        taken.add(name)


def update_session(session: Session) -> None:
    _folder()
    write_atomic(str(session_path(session.name)), _json(session.document()))


def delete_session(name: str) -> bool:
    """Delete a session; False if there is none of that name."""
    if not NAME.fullmatch(name):
        return False
    try:
        session_path(name).unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        fail(Message.of("session.cannot_delete", path=str(session_path(name)), reason=error.strerror))
    return True


def _adopt_legacy() -> None:
    """Move a session of atmp 0.1.0 (`session-<ruleset>.json`) among the others, so it is never lost."""
    for path in sorted(app_dir().glob(LEGACY)):
        saved = iso(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
        found = read_session(path, ruleset=path.stem.removeprefix("session-"), saved=saved)
        if isinstance(found, Session):
            create_session(found)
            path.unlink(missing_ok=True)


class Recorder:
    """Saves one walk as one session, after every answer: named at its first save, deleted when done.

    Resuming, it goes on saving under the resumed session's name. Called as the wizard's `save`.
    """

    def __init__(self, ruleset: str, *, saved_to: str | None = None, resumed: Session | None = None,
                 clock: Clock = _now) -> None:
        self.ruleset = ruleset
        self.session = resumed
        self.saved_to = saved_to if saved_to is not None else (resumed.saved_to if resumed else None)
        self.clock = clock

    @property
    def name(self) -> str | None:
        return self.session.name if self.session else None

    def __call__(self, product: str | None, answers: Mapping[str, Any], *, case: Mapping[str, str] | None = None,
                 justifications: Mapping[str, str] | None = None, reasons: bool | None = None) -> Path:
        """Save the walk as it stands; the session's path."""
        now = iso(self.clock())
        walked = {"case": dict(case or {}), "justifications": dict(justifications or {}), "reasons": reasons}
        if self.session is None:
            self.session = create_session(Session("", self.ruleset, product, dict(answers), now, now, self.saved_to, **walked))
        else:
            self.session = replace(self.session, product=product, answers=dict(answers), saved=now, saved_to=self.saved_to, **walked)
            update_session(self.session)
        return session_path(self.session.name)

    def finish(self) -> None:
        """The walk is through: its session goes."""
        if self.session is not None:
            delete_session(self.session.name)
