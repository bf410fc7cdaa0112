"""Reports in Swedish: a snapshot per outcome class and format, the same classification and digests as in
English, and none of the program's own English words left. The legal quotations stay in English, each labelled
as such; the Swedish statutes and pages are quoted in Swedish, unlabelled."""

from __future__ import annotations

import html
import json
import re
import string

import pytest

from atmp_cli import bank, language, messages, wording
from atmp_cli.cli import app
from atmp_cli.document import legal_block
from atmp_cli.exit_codes import ExitCode
from atmp_cli.render.html import render_html
from atmp_cli.render.markdown import render_markdown
from atmp_cli.render.text import render_text
from reporting import FIXED_TIME, OUTCOMES, assert_snapshot, example_result, squash

FOLDER = bank.questions_root() / "eu"
RENDERERS = {"txt": render_text, "md": render_markdown, "html": render_html}
EXAMPLES = list(OUTCOMES.values())
# Swedish messages that read as the English ones: a word both languages spell alike, an abbreviation.
SAME_IN_BOTH = frozenset({"case.organisation", "precedent.procedure.EPAR", "type.null", "mermaid.start"})  # a JSON literal; "Start" is Swedish too


@pytest.fixture(autouse=True)
def english_again():
    """A run with --lang sv leaves the process speaking Swedish; every other test expects English."""
    yield
    language.use(messages.SOURCE_LANGUAGE)


@pytest.fixture(scope="module")
def sv() -> bank.Ruleset:
    return bank.load("eu", lang="sv")


# ---------------------------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("fmt", RENDERERS)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_swedish_report_snapshot(outcome, fmt):
    name = OUTCOMES[outcome]
    assert_snapshot(f"{name}.sv.{fmt}", RENDERERS[fmt](example_result(name, country="SE", lang="sv"), produced_at=FIXED_TIME))


def test_the_cli_speaks_swedish_in_every_format(runner):
    summary = runner.invoke(app, ["classify", "--example", "car-t", "--lang", "sv"])
    assert summary.exit_code == 0, summary.stderr
    assert summary.stdout.rstrip().splitlines()[-1] == "Klassificering: Läkemedel för genterapi (GTMP)"
    assert "Granskningsuppgifter" not in summary.stdout  # the appendix: --full
    full = runner.invoke(app, ["classify", "--example", "car-t", "--lang", "sv", "--full"])
    assert "Beslutsväg" in full.stdout and "Granskningsuppgifter" in full.stdout and "Decision path" not in full.stdout
    page = runner.invoke(app, ["classify", "--example", "car-t", "--lang", "sv", "--format", "html"]).stdout
    assert '<html lang="sv">' in page and "<title>Klassificeringsrapport från atmp: Läkemedel för genterapi (GTMP)" in page
    memo = runner.invoke(app, ["classify", "--example", "car-t", "--lang", "sv", "--format", "md"]).stdout
    assert "**Klassificering: Läkemedel för genterapi (GTMP)**" in memo


# ---------------------------------------------------------------------------------------------- no English left


def english_phrases() -> list[str]:
    """The literal parts of the English messages longer than three words (the program's own sentences)."""
    phrases = set()
    for template in messages.load(FOLDER).messages.values():
        for literal, *_ in string.Formatter().parse(template):
            if len(re.findall(r"[A-Za-z']+", literal)) > 3:
                phrases.add(" ".join(literal.split()))
    return sorted(phrases)


def as_read(output: str, fmt: str) -> str:
    """The words of a report as its reader sees them: no tags, no escapes, whitespace squashed."""
    if fmt == "html":
        output = html.unescape(re.sub(r"<[^>]+>", "", output))
    elif fmt == "md":
        output = html.unescape(re.sub(r"\\(.)", r"\1", output))
    elif fmt == "json":
        output = "\n".join(_strings(json.loads(output)))
    return squash(output)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def reports(runner, name: str, lang: str) -> dict[str, str]:
    """Every report of an example, through the CLI: the summary, the full text, Markdown, HTML and JSON."""
    out = {}
    for fmt, options in {"summary": [], "txt": ["--full"], "md": ["--format", "md"], "html": ["--format", "html"],
                         "json": ["--format", "json"]}.items():
        result = runner.invoke(app, ["classify", "--example", name, "--country", "SE", "--lang", lang, *options])
        assert result.exit_code in (ExitCode.CLASSIFIED, ExitCode.UNDETERMINED), result.stderr
        out[fmt] = as_read(result.stdout, fmt)
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_english_sentence_of_the_program_is_left_in_a_swedish_report(runner, name):
    phrases = english_phrases()
    assert len(phrases) > 20
    for fmt, text in reports(runner, name, "sv").items():
        assert [p for p in phrases if p in text] == [], fmt
    english = reports(runner, name, "en")  # the control: the same check finds them in the English reports
    assert all([p for p in phrases if p in text] for fmt, text in english.items() if fmt != "json"), name  # (JSON: few)


def test_every_swedish_message_is_worded_in_swedish():
    english = messages.load(FOLDER).messages
    swedish = messages.load(FOLDER, "sv").messages
    worded = {key for key, text in english.items() if re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", text))}
    assert len(worded) > 80
    assert {key for key in worded if swedish[key] == english[key]} == SAME_IN_BOTH


# ---------------------------------------------------------------------------------------------- the same result


def classify_json(runner, name: str, lang: str) -> dict:
    result = runner.invoke(app, ["classify", "--example", name, "--country", "SE", "--format", "json", "--lang", lang])
    assert result.exit_code in (ExitCode.CLASSIFIED, ExitCode.UNDETERMINED), result.stderr
    return json.loads(result.stdout)


def _codes(data: dict) -> dict:
    """Everything of a JSON result that is a code, an id, an answer or a quotation: the same in every language."""
    return {
        "classification": {k: data["classification"][k] for k in ("code", "combined", "borderline")},
        "answers": data["answers"],
        "answers_sha256": data["audit"]["answers_sha256"],
        "document_sha256": data["audit"]["document_sha256"],
        "path": [(s["question"], s["section"], s["answer"], s["citations"]) for s in data["path"]],
        "checks": [(c["definition"], c["holds"], c["citations"], [(t["rule"], t["holds"], t["applicable"], t["citations"])
                                                                  for t in c["tests"]]) for c in data["checks"]],
        "branches": [(b["assume"], b["code"], b["combined"]) for b in data["branches"]],
        "decisive": data["decisive"],
        "precedents": [(p["id"], p["outcome"], p["similarity"]) for p in data["precedents"]],
        "notes": [(n["id"], n["citations"], n["country"]) for n in data["notes"]],
        "citations": [(c["id"], c["citation"], c["url"], c["presentation"], c["text"], c["status"]) for c in data["citations"]],
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_same_answers_give_the_same_result_in_both_languages_worded_in_swedish(runner, sv, name):
    en_data, sv_data = classify_json(runner, name, "en"), classify_json(runner, name, "sv")
    assert (en_data["language"], sv_data["language"], sv_data["audit"]["language"]) == ("en", "sv", "sv")
    assert _codes(sv_data) == _codes(en_data)
    code = sv_data["classification"]["code"]
    assert sv.labels[code] in sv_data["classification"]["label"] != en_data["classification"]["label"]
    assert sv_data["classification"]["reason"] != en_data["classification"]["reason"]
    worded = [(s["finding"], e["finding"]) for s, e in zip(sv_data["path"], en_data["path"])]
    worded += [(s["text"], e["text"]) for s, e in zip(sv_data["notes"], en_data["notes"])]
    worded += [(s["label"], e["label"]) for s, e in zip(sv_data["branches"], en_data["branches"])]
    worded += [(s["reason"], e["reason"]) for s, e in zip(sv_data["branches"], en_data["branches"])]
    worded += [(t_sv["finding"], t_en["finding"]) for c_sv, c_en in zip(sv_data["checks"], en_data["checks"])
               for t_sv, t_en in zip(c_sv["tests"], c_en["tests"])]
    worded += list(zip(sv_data["belongs"], en_data["belongs"]))
    worded += [(s["title"], e["title"]) for s, e in zip(sv_data["citations"], en_data["citations"])]
    assert len(worded) > 20
    assert [pair for pair in worded if pair[0] == pair[1]] == []
    assert {n["text"] for n in sv_data["notes"] if n["country"] is None} <= {n.text for n in sv.notes}


# ---------------------------------------------------------------------------------------------- quotations


def test_english_quotations_are_labelled_in_a_swedish_report_and_swedish_ones_are_not(sv):
    en = bank.load("eu")
    mark = sv.messages("legal.language_version")
    assert "engelska" in mark and en.messages("legal.language_version") == ""
    swedish = {tid for tid, text in sv.texts.items() if text.language == "sv"}
    assert swedish and all(tid.startswith("se-") for tid in swedish)
    assert {"se-mpa-descriptions-en", "se-mpa-seed-atmp"} <= {tid for tid, text in sv.texts.items() if text.language == "en"}
    for tid, text in sv.texts.items():
        if text.text:  # the data says the quotation's language right
            swedish_words = len(re.findall(r"\b(?:och|att|som|är|för|av|med|den|det)\b", text.text))
            english_words = len(re.findall(r"\b(?:the|of|and|or|to|is|for|with|that)\b", text.text))
            assert (swedish_words > english_words) == (text.language == "sv"), tid
        caveat = legal_block(wording.of(sv), text).caveat
        assert legal_block(wording.of(en), en.texts[tid]).caveat == wording.of(en).caveat(en.texts[tid])
        if text.presentation == "paraphrase":
            assert caveat == sv.messages("legal.paraphrase_caveat"), tid  # a paraphrase is in Swedish already
        elif text.language == "sv":
            assert caveat == text.label, tid
        else:
            assert caveat.endswith(mark) and text.label in caveat, tid
    for text in en.texts.values():  # an English report says nothing of the kind
        assert wording.of(en).caveat(text) == (text.label if text.text else en.messages("legal.paraphrase_caveat"))
