"""The ruleset's own texts in Swedish: a complete catalogue, the same classifications, the law never translated."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tomllib

import pytest

from helpers import edit
from atmp_cli import bank, translation, wording
from atmp_cli.engine import classify
from atmp_cli.sampling import random_document

FOLDER = bank.questions_root() / "eu"
CATALOGUE = FOLDER / "lang" / "sv" / "ruleset.toml"
# Texts that read the same in Swedish as in English (proper names, codes): the classes' abbreviations, which
# Swedish texts use as they are. Any other Swedish value equal to its English one is taken for a text left
# untranslated by accident.
SAME_IN_BOTH: frozenset[str] = frozenset({"short_labels.GTMP", "short_labels.sCTMP", "short_labels.TEP"})
# How the catalogue marks a quotation it keeps in English (see the comment at its top).
QUOTED_IN_ENGLISH = re.compile(r"”([^”]+)”(?=[\s,;(]*(?:engelsk språkversion|citat på engelska))")


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return translation.translatable(translation.read_raw(FOLDER))


@pytest.fixture(scope="module")
def swedish() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def sv() -> bank.Ruleset:
    return bank.load("eu", lang="sv")


def test_catalogue_translates_exactly_the_english_keys(english, swedish):
    assert len(english) > 300  # every prompt, option, rule, note and legal title of the bank
    assert sorted(set(english) - set(swedish)) == []  # missing
    assert sorted(set(swedish) - set(english)) == []  # stray
    assert all(isinstance(text, str) and text.strip() for text in swedish.values())


def test_nothing_is_left_in_english_by_accident(english, swedish):
    same = {key for key, text in swedish.items() if text.strip() == english[key].strip()}
    assert same == SAME_IN_BOTH


def test_quotations_kept_in_english_are_the_english_texts_own_words(english, swedish):
    """A quotation is never translated: each one marked as kept in English is word for word in the English."""
    quoted = [(key, words) for key, text in swedish.items() for words in QUOTED_IN_ENGLISH.findall(text)]
    assert len(quoted) >= 8  # the law's and EMA's words in the help texts
    for key, words in quoted:
        assert words in english[key], key


def _bank_texts(ruleset: bank.Ruleset) -> list[str]:
    """Every user-facing text the bank's objects carry (read from the objects, not from the catalogue)."""
    texts = [ruleset.title, ruleset.disclaimer, *ruleset.labels.values(), *(s.title for s in ruleset.sections)]
    texts += [text for code, text in ruleset.short_labels.items() if text != ruleset.labels[code]]  # not a label's copy
    for q in ruleset.questions:
        texts += [q.prompt, q.help, *([q.when_text] if q.when_text else [])]
        texts += [text for o in q.options for text in (o.label, o.finding)]
    texts += [text for r in ruleset.rules.values() for text in (r.met, r.failed, r.not_applicable) if text]
    texts += [d.reason for d in ruleset.definitions] + [text for d in ruleset.destinations for text in (d.reason, d.belongs)]
    texts += [n.text for n in ruleset.notes] + [c.message for c in ruleset.constraints]
    texts += [n.text for notes in ruleset.national.values() for n in notes] + list(ruleset.country_names.values())
    texts += [text for t in ruleset.texts.values() for text in (t.title, t.label, t.paraphrase) if text]
    return texts


def test_every_object_of_the_swedish_bank_carries_the_swedish_text(sv, swedish):
    catalogue = {text.strip() for text in swedish.values()}
    texts = _bank_texts(sv)
    assert len(texts) == len(swedish)
    assert [text for text in texts if text.strip() not in catalogue] == []


def test_swedish_spot_checks(sv, swedish):
    en = bank.load("eu")
    assert "genterapi" in sv.labels["GTMP"] and "vävnadsteknisk" in sv.labels["TEP"].lower()
    prompt = sv.question("human_use").prompt
    assert prompt == swedish["question.human_use.prompt"] != en.question("human_use").prompt
    assert "människor" in prompt
    assert sv.question("intended_use").option("none_of_these").label == "Inget av detta"
    assert sv.section_title("processing") == "Bearbetning"
    assert "väsentlig manipulering" in sv.rules["substantially_manipulated"].met
    assert sv.country_names["SE"] == "Sverige"
    assert "Socialstyrelsen" in next(n.text for n in sv.national["SE"] if n.id == "se_tissues_not_medicinal")


def test_the_law_and_the_structure_are_the_same_in_both_languages(sv):
    """Only words shown to people change: quotations, provenance, ids, conditions and citations do not."""
    en = bank.load("eu")
    assert set(sv.texts) == set(en.texts)
    for tid, text in en.texts.items():
        other = sv.texts[tid]
        assert (other.text, other.citation, other.source, other.status, other.confidence, other.presentation) == (
            text.text, text.citation, text.source, text.status, text.confidence, text.presentation), tid
    for q, other in zip(en.questions, sv.questions, strict=True):
        assert (other.id, other.section, other.kind, other.allowed, other.definitions, other.safe_default) == (
            q.id, q.section, q.kind, q.allowed, q.definitions, q.safe_default)
        assert (other.when and other.when.source) == (q.when and q.when.source)
        assert [o.citations for o in other.options] == [o.citations for o in q.options]
    assert {rid: (r.when.source, r.citations) for rid, r in sv.rules.items()} == {
        rid: (r.when.source, r.citations) for rid, r in en.rules.items()}
    assert sv.order == en.order and sv.compared == en.compared


def _outcome(result) -> tuple:
    """Everything of a result but its words: class, branches, decisive answers, notes, checks, precedents."""
    c = result.classification
    return (
        c.code, c.combined, c.borderline,
        tuple((b.assume, b.code, b.combined) for b in result.branches),
        tuple((d.question, d.answer, d.code, d.combined, d.judgement) for d in result.decisive),
        tuple((n.id, n.country) for n in result.notes),
        tuple((k.code, k.holds, tuple((t.rule, t.holds, t.applicable) for t in k.tests)) for k in result.checks),
        tuple(p.id for p in result.precedents),
    )


EXAMPLES = sorted((FOLDER / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_classify_alike_in_swedish(sv, path):
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    en_result, sv_result = classify(bank.load("eu"), answers, country="SE"), classify(sv, answers, country="SE")
    assert _outcome(sv_result) == _outcome(en_result)
    words = wording.of(sv).label(sv_result.classification), wording.of(en_result.ruleset).label(en_result.classification)
    assert words[0] != words[1]  # in Swedish, yet the same class


def test_random_answers_classify_alike_in_swedish(sv):
    rng = random.Random(11)
    en = bank.load("eu")
    for _ in range(60):
        answers = random_document(en, rng)["answers"]
        assert _outcome(classify(sv, answers, country="SE")) == _outcome(classify(en, answers, country="SE")), answers


# -------------------------------------------------------------------- loading: errors, cache, cost


def test_english_is_one_object_however_asked():
    assert bank.load("eu") is bank.load("eu", lang="en") is bank.load(lang="en")
    assert bank.load("eu", lang="sv") is bank.load("eu", "sv") and bank.load("eu", "sv") is not bank.load("eu")


def test_unknown_language_lists_the_available_ones():
    for lang in ("de", "../sv", "SV"):
        with pytest.raises(bank.BankError) as error:
            bank.load("eu", lang=lang)
        assert f"unknown language {lang!r}" in str(error.value) and "available: en, sv" in str(error.value)


def test_english_reads_no_catalogue():
    """Start-up cost: loading in English never imports the translation module."""
    code = "import sys; from atmp_cli import bank; bank.load('eu'); print('atmp_cli.translation' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


NEW_NOTE = '\n[[note]]\nid = "new_note"\nwhen = "atmp"\ntext = "A note added in English."\ncitations = []\n'


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("lang/sv/ruleset.toml", '"labels.GTMP"', '"labels.GTMPP"', "key 'labels.GTMPP' translates no English text (did you mean 'labels.GTMP'?)"),
        ("lang/sv/ruleset.toml", '"labels.TEP" = """Vävnadsteknisk produkt (TEP)"""\n', "", "no translation for key 'labels.TEP'"),
        ("rules.toml", "# ---------------------------------------------------------------- notes added to the report\n",
         NEW_NOTE, "no translation for key 'note.new_note.text'"),
        ("lang/sv/ruleset.toml", '"national.SE.name" = """Sverige"""', 'national.SE.name = """Sverige"""',
         "key 'national' must be a non-empty string (quote the whole dotted key"),
        ("lang/sv/ruleset.toml", '"national.SE.name" = """Sverige"""', '"national.SE.name" = """ """', "key 'national.SE.name' must be a non-empty string"),
    ],
    ids=["stray", "missing", "added-in-english", "unquoted-key", "empty"],
)
def test_a_catalogue_out_of_step_is_a_load_error_naming_file_and_key(broken, file, old, new, message):
    edit(broken / file, old, new)
    bank.load("eu")  # the English is unaffected
    with pytest.raises(bank.BankError) as error:
        bank.load("eu", lang="sv")
    assert message in str(error.value)
    assert str(broken / "lang" / "sv" / "ruleset.toml") in str(error.value)


def test_installed_package_ships_the_swedish_catalogue(installed, tmp_path):
    code = "from atmp_cli import bank; print(bank.load('eu', lang='sv').labels['GTMP'])"
    result = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Läkemedel för genterapi (GTMP)"
