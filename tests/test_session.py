"""Wizard sessions: names, several kept side by side, resume by name or the latest, `atmp sessions`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from atmp_cli import language, session
from atmp_cli.cli import app
from atmp_cli.commands import classify as classify_command
from atmp_cli.output import write_new

NOON = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture()
def app_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "config" / "atmp"


def clock(*moments: datetime):
    times = iter(moments)
    return lambda: next(times)


def recorded(product, answers, *, at=NOON, saved_to=None) -> session.Session:
    recorder = session.Recorder("eu", saved_to=saved_to, clock=clock(at))
    recorder(product, answers)
    return recorder.session


# ---------------------------------------------------------------------------------------------- pure


def test_names_are_filesystem_safe_product_and_local_time():
    local = NOON.astimezone().strftime("%Y%m%d-%H%M%S")
    assert session.make_name("CAR-T 19", NOON) == f"car-t-19-{local}"
    assert session.make_name("Zellprodukt für Knorpel / v2.1", NOON) == f"zellprodukt-fur-knorpel-v2-1-{local}"
    assert session.make_name(None, NOON) == f"unnamed-{local}"
    assert session.make_name("../../etc/passwd", NOON) == f"etc-passwd-{local}"
    assert session.make_name("細胞", NOON) == f"unnamed-{local}"
    assert len(session.make_name("x" * 200, NOON)) == session.STEM_LENGTH + 1 + len(local)
    assert session.make_name("P", NOON, taken={f"p-{local}", f"p-{local}-2"}) == f"p-{local}-3"
    for name in (session.make_name("CAR-T 19", NOON), session.make_name("-x-", NOON, taken={f"x-{local}"})):
        assert session.NAME.fullmatch(name)


def test_latest_is_the_last_saved():
    older = session.Session("a", "eu", None, {}, "2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")
    newer = session.Session("b", "eu", None, {}, "2026-11-25T09:00:00Z", "2026-11-25T12:00:00Z")
    assert session.newest_first([older, newer]) == [newer, older]
    assert session.find([older, newer], "a") is older and session.find([older], "zz") is None


def test_a_session_document_round_trips_and_bad_ones_say_why():
    saved = session.Session("p-1", "eu", "P", {"human_use": "yes"}, "2026-11-25T10:00:00Z", "2026-11-25T10:05:00Z", "/w/a.json")
    document = saved.document()
    assert document["answers"] == {"human_use": "yes"} and document["session"]["save"] == "/w/a.json"
    assert "case" not in document and "justifications" not in document and "reasons" not in document["session"]
    assert session.from_document("p-1", document) == saved
    why = lambda document: language.catalogue().word(session.from_document("x", document))  # noqa: E731
    assert "answers" in why([])
    assert "session.ruleset" in why({"answers": {}, "session": {"started": "2026-11-25T10:00:00Z"}})
    assert "ISO 8601" in why({"answers": {}, "session": {"ruleset": "eu", "started": "today", "saved": "now"}})
    times = {"ruleset": "eu", "started": "2026-11-25T10:00:00Z", "saved": "2026-11-25T10:00:00Z"}
    assert why({"answers": {}, "case": ["ref"], "session": times}) == "'case' is not an object of texts"
    assert why({"answers": {}, "justifications": {"human_use": 3}, "session": times}) == "'justifications' is not an object of texts"


def test_a_session_keeps_the_case_the_reasons_and_whether_reasons_are_asked():
    saved = session.Session("p-1", "eu", "P", {"human_use": "yes"}, "2026-11-25T10:00:00Z", "2026-11-25T10:05:00Z",
                            case={"reference": "CAT/2026/7"}, justifications={"human_use": "for patients"}, reasons=True)
    document = saved.document()
    assert document["case"] == {"reference": "CAT/2026/7"} and document["justifications"] == {"human_use": "for patients"}
    assert document["session"]["reasons"] is True
    assert saved.answers_document() == {"product": "P", "answers": {"human_use": "yes"}, "case": {"reference": "CAT/2026/7"},
                                        "justifications": {"human_use": "for patients"}}
    assert session.from_document("p-1", document) == saved
    assert session.from_document("p-1", {**document, "session": {**document["session"], "reasons": "yes"}}).reasons is None


# ---------------------------------------------------------------------------------------------- on disk


def test_a_recorder_names_its_session_once_and_deletes_only_it_when_done(app_dir):
    first = recorded("P", {"human_use": "yes"})
    recorder = session.Recorder("eu", clock=clock(NOON, NOON + timedelta(seconds=5)))
    path = recorder("P", {"human_use": "yes"})  # same product, same second: a name of its own
    assert recorder.name == first.name + "-2" and path == session.session_path(recorder.name)
    assert recorder("P", {"human_use": "no"}) == path  # later saves keep the name
    assert json.loads(path.read_text(encoding="utf-8"))["answers"] == {"human_use": "no"}
    sessions, problems = session.list_sessions("eu")
    assert [s.name for s in sessions] == [recorder.name, first.name] and problems == []
    assert sessions[0].started == session.iso(NOON) and sessions[0].saved == session.iso(NOON + timedelta(seconds=5))
    recorder.finish()
    assert [s.name for s in session.list_sessions()[0]] == [first.name]
    assert [p.name for p in session.sessions_dir().iterdir()] == [first.name + ".json"]  # no temporary files left


def test_write_new_never_replaces_a_file(tmp_path):
    target = tmp_path / "s.json"
    assert write_new(str(target), "first") is True
    assert write_new(str(target), "second") is False
    assert target.read_text() == "first" and sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_resumed_session_goes_on_under_its_name_and_keeps_its_save_target(app_dir):
    first = recorded("P", {"human_use": "yes"}, saved_to="/work/answers.json")
    recorder = session.Recorder("eu", resumed=first, clock=clock(NOON + timedelta(minutes=1)))
    recorder("P", {"human_use": "yes", "contains_cells": "no"}, case={"assessor": "A. Berg"},
             justifications={"contains_cells": "a protein"}, reasons=True)
    (again,), _ = session.list_sessions()
    assert again.name == first.name and again.saved_to == "/work/answers.json" and again.started == first.started
    assert again.answers == {"human_use": "yes", "contains_cells": "no"}
    assert (again.case, again.justifications, again.reasons) == ({"assessor": "A. Berg"}, {"contains_cells": "a protein"}, True)


def test_write_answers_writes_the_case_and_justifications_given(tmp_path):
    target = tmp_path / "a.json"
    session.write_answers(target, "P", {"human_use": "no"}, case={"reference": "R-1"}, justifications={"human_use": "veterinary"})
    assert json.loads(target.read_text(encoding="utf-8")) == {
        "product": "P", "answers": {"human_use": "no"}, "case": {"reference": "R-1"}, "justifications": {"human_use": "veterinary"}}
    session.write_answers(target, None, {"human_use": "no"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"answers": {"human_use": "no"}}


def test_unreadable_session_files_are_reported_not_fatal(app_dir):
    kept = recorded("P", {"human_use": "yes"})
    (session.sessions_dir() / "broken-1.json").write_text("{", encoding="utf-8")
    sessions, problems = session.list_sessions()
    assert [s.name for s in sessions] == [kept.name]
    assert len(problems) == 1 and "broken-1.json" in problems[0] and "not valid JSON" in problems[0]


def test_a_session_of_the_previous_version_is_adopted_not_lost(app_dir):
    app_dir.mkdir(parents=True)
    legacy = app_dir / "session-eu.json"
    legacy.write_text(json.dumps({"product": "Old one", "answers": {"human_use": "yes"}}), encoding="utf-8")
    (adopted,), _ = session.list_sessions("eu")
    assert adopted.name.startswith("old-one-") and adopted.product == "Old one" and adopted.answers == {"human_use": "yes"}
    assert not legacy.exists()


# ---------------------------------------------------------------------------------------------- commands


def test_sessions_command_lists_and_deletes(runner, app_dir):
    assert "No interrupted wizard sessions" in runner.invoke(app, ["sessions"]).stdout
    a = recorded("Alpha", {"human_use": "yes"}, at=NOON)
    b = recorded(None, {"human_use": "yes", "contains_cells": "yes"}, at=NOON + timedelta(hours=1))
    result = runner.invoke(app, ["sessions"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "product", "saved", "answers"]
    assert lines[1].split()[0] == b.name and lines[1].split()[-1] == "2"  # the latest first
    assert lines[2].split()[:2] == [a.name, "Alpha"] and lines[2].split()[-1] == "1"
    rows = json.loads(runner.invoke(app, ["sessions", "--format", "json"]).stdout)
    assert [(r["name"], r["product"], r["answers"], r["ruleset"]) for r in rows] == [(b.name, None, 2, "eu"), (a.name, "Alpha", 1, "eu")]
    wrong = runner.invoke(app, ["sessions", "--delete", a.name[:-1]])
    assert wrong.exit_code == 2 and f"did you mean {a.name!r}" in wrong.stderr
    deleted = runner.invoke(app, ["sessions", "--delete", a.name])
    assert deleted.exit_code == 0 and a.name in deleted.stdout
    assert [r["name"] for r in json.loads(runner.invoke(app, ["sessions", "--format", "json"]).stdout)] == [b.name]
    assert runner.invoke(app, ["sessions", "--delete", "../../x"]).exit_code == 2  # never a path


def test_resume_without_a_terminal_classifies_the_latest_complete_session_and_writes_its_save(runner, app_dir, tmp_path):
    recorded("Older", {"human_use": "yes"}, at=NOON)
    latest = recorded("Vet", {"human_use": "no"}, at=NOON + timedelta(hours=1), saved_to=str(tmp_path / "vet.json"))
    result = runner.invoke(app, ["classify", "--resume", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["product"] == "Vet"
    assert json.loads((tmp_path / "vet.json").read_text(encoding="utf-8")) == {"product": "Vet", "answers": {"human_use": "no"}}
    remaining, _ = session.list_sessions()
    assert [s.product for s in remaining] == ["Older"] and latest.name not in {s.name for s in remaining}


def test_resume_without_a_terminal_of_an_incomplete_session_is_a_usage_error(runner, app_dir):
    kept = recorded("P", {"human_use": "yes"})
    result = runner.invoke(app, ["classify", "--session", kept.name])
    assert result.exit_code == 2
    assert kept.name in result.stderr and "terminal" in result.stderr
    assert session.list_sessions()[0] == [kept]  # left as it was


def test_session_option_errors(runner, app_dir, monkeypatch):
    monkeypatch.setattr(classify_command, "interactive", lambda: True)
    kept = recorded("P", {"human_use": "yes"})
    unknown = runner.invoke(app, ["classify", "--session", kept.name + "x"])
    assert unknown.exit_code == 2 and f"did you mean {kept.name!r}" in unknown.stderr
    assert runner.invoke(app, ["classify", "--session", kept.name, "--example", "car-t"]).exit_code == 2
    other = session.Recorder("other", clock=clock(NOON))
    other("Q", {})
    wrong_ruleset = runner.invoke(app, ["classify", "--session", other.name])
    assert wrong_ruleset.exit_code == 2 and "--ruleset other" in wrong_ruleset.stderr


def test_resume_and_session_are_documented_in_help(runner):
    text = " ".join(runner.invoke(app, ["classify", "--help"]).stdout.split())
    assert "--resume" in text and "--session NAME" in text and "remembers --save" in text
    text = " ".join(runner.invoke(app, ["sessions", "--help"]).stdout.split())
    assert "--delete NAME" in text and "--session NAME" in text
