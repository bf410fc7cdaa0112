"""`atmp sessions`: the interrupted wizard sessions, and deleting one."""

from __future__ import annotations

import json
import sys

from atmp_cli import language, session
from atmp_cli.answers import clean_text
from atmp_cli.errors import fail
from atmp_cli.exit_codes import ExitCode
from atmp_cli.messages import Message


def _sessions() -> list[session.Session]:
    found, problems = session.list_sessions()
    m = language.catalogue()
    for problem in problems:
        print(m("session.warning", problem=problem), file=sys.stderr)
    return found


def list_sessions(fmt: str) -> None:
    found = _sessions()
    if fmt == "json":
        rows = [{"name": s.name, "product": s.product, "ruleset": s.ruleset, "started": s.started, "saved": s.saved,
                 "answers": len(s.answers), "save": s.saved_to, "path": str(session.session_path(s.name))} for s in found]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    m = language.catalogue()
    console = Console(highlight=False)
    if not found:
        console.print(Text(m("sessions.none", folder=str(session.sessions_dir()))))
        return
    table = Table(m("sessions.name"), m("sessions.product"), m("sessions.saved"), m("sessions.answers"), box=None, pad_edge=False)
    for saved in found:
        table.add_row(Text(saved.name), Text(clean_text(saved.product or "")), Text(session.local_time(saved.saved)),
                      Text(str(len(saved.answers))))
    console.print(table)
    console.print(Text(m("sessions.continue_hint"), style="dim"))


def delete_session(name: str) -> None:
    from atmp_cli.bank import did_you_mean

    if not session.delete_session(name):
        names = [s.name for s in _sessions()]
        fail(Message.of("sessions.no_such", name=name, did_you_mean=did_you_mean(name, names)), ExitCode.USAGE)
    m = language.catalogue()
    print(m("sessions.deleted", name=name))
