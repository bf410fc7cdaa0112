"""The question bank as data: it loads, quotes the law verbatim, and fails loudly when broken."""

from __future__ import annotations


import pytest

from reporting import caveat
from helpers import edit
from atmp_cli import bank


CONTRACT_IDS = [
    "human_use", "contains_cells", "cell_source", "viable_cells", "nucleic_acid", "genetic_purpose",
    "effect_from_sequence", "infectious_disease_vaccine", "manipulations", "other_manipulation_alters",
    "intended_use", "same_essential_function", "non_viable_action", "device_integral", "device_kind",
    "cells_primary_to_device", "hospital_exemption",
]
ADDED_OPTIONAL = {"blood_or_organ", "same_surgical_procedure"}  # added later; a file may leave them out


def test_contract_question_ids_and_order(ruleset):
    """The contract's ids keep their order; questions added later are optional, so old files stay valid."""
    ids = [q.id for q in ruleset.questions]
    assert [i for i in ids if i in CONTRACT_IDS] == CONTRACT_IDS
    assert set(ids) - set(CONTRACT_IDS) == ADDED_OPTIONAL
    assert all(not ruleset.question(i).required for i in ADDED_OPTIONAL)
    assert [s.id for s in ruleset.sections] == ["origin", "processing", "intended_use", "device", "context"]


def _keeps_order(values: tuple[str, ...], contract: tuple[str, ...]) -> bool:
    return tuple(v for v in values if v in contract) == contract


def test_contract_values(ruleset):
    """Values are only ever added: the contract's values keep their order."""
    q = ruleset.question
    assert _keeps_order(q("manipulations").values, (
        "none", "cutting", "grinding", "shaping", "centrifugation", "antibiotic_soaking", "sterilisation",
        "irradiation", "cell_separation", "filtering", "lyophilisation", "freezing", "cryopreservation",
        "vitrification", "expansion", "genetic_modification", "activation", "differentiation", "other",
    ))
    assert "enzymatic_digestion" in q("manipulations").values
    assert q("intended_use").values == ("regenerate_repair_replace", "treat_prevent_diagnose", "modify_physiological_functions", "none_of_these")
    assert q("nucleic_acid").values == ("none", "recombinant", "natural", "synthetic")
    assert q("non_viable_action").allowed == ("pharmacological_immunological_metabolic", "physical_structural", "unsure")
    unsure = {x.id for x in ruleset.questions if x.unsure}
    assert unsure == {"other_manipulation_alters", "same_essential_function", "non_viable_action", "genetic_purpose",
                      "effect_from_sequence", "cells_primary_to_device", "cell_source", "viable_cells", "device_integral",
                      "blood_or_organ", "same_surgical_procedure"}
    assert not q("hospital_exemption").required


def test_every_question_has_prompt_help_and_definitions(ruleset):
    for question in ruleset.questions:
        assert question.prompt and question.help and question.definitions, question.id
        for option in question.options:
            assert option.label and option.finding, (question.id, option.value)


def _squeezed(text: str) -> str:
    """Layout aside (line breaks, the space after a paragraph number), the same words in the same order."""
    return "".join(text.split())


def test_every_quoted_text_is_verbatim_in_a_collected_source(ruleset, legal_corpus):
    corpus = _squeezed(legal_corpus)
    for text in ruleset.texts.values():
        for part in text.text.split("[…]"):  # an elision marks where the quotation leaves words out
            if part.strip():
                assert _squeezed(part) in corpus, text.id


def test_texts_not_found_verbatim_are_never_presented_as_the_law(ruleset):
    unverified = [t for t in ruleset.texts.values() if t.status.startswith(("NOT FOUND", "NOT QUOTED"))]
    assert unverified  # e.g. Directive 2001/83/EC Article 5(1), named-patient supply
    for text in unverified:
        assert text.presentation in ("paraphrase", "secondary") and caveat(text), text.id
    for text in ruleset.texts.values():
        if text.presentation == "verbatim":
            assert text.status.startswith(("VERBATIM", "PARTIAL")), text.id


def test_installed_copy_ships_its_own_texts(ruleset):
    """The package reads questions/ from itself, never from ../shared."""
    assert "shared" not in ruleset.root.parts
    assert (ruleset.root / "legal").is_dir()


# -------------------------------------------------------------------- broken banks fail with file and entry


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("questions.toml", 'when = "human_use == yes"', 'when = "human_use == yse"', "'yse' is not an option of 'human_use' (did you mean 'yes'?)"),
        ("questions.toml", 'when = "human_use == yes"', 'when = "humn_use == yes"', "unknown question 'humn_use'"),
        ("questions.toml", 'when = "human_use == yes"', 'when = "human_use =="', "unexpected end"),
        ("questions.toml", 'definitions = ["reg1394-art2-1-a", "reg2019-6-scope"]', 'definitions = ["reg1394-art2-1-z"]', "unknown legal text id 'reg1394-art2-1-z'"),
        ("questions.toml", 'section = "origin"', 'section = "orgin"', "unknown section 'orgin'"),
        ("questions.toml", 'kind = "single"', 'kind = "single"\npromt = "x"', "unknown key 'promt'"),
        ("questions.toml", 'when = "human_use == yes"', 'when = "hospital_exemption == yes"', "not asked before it"),
        ("rules.toml", 'when = "nucleic_acid == recombinant"', 'when = "nucleic_acid == recombinant and engineered"', ""),
        ("rules.toml", 'tests = ["human_medicinal", "recombinant"', 'tests = ["human_medicinal", "recombinantt"', "unknown rule 'recombinantt'"),
        ("rules.toml", 'when = "contains_cells == yes"', 'when = "has_cells"', "cycle"),
        ("rules.toml", 'when = "intended_use has regenerate_repair_replace"', 'when = "intended_use == regenerate_repair_replace"', "is a multi question; use has or has_any"),
        ("rules.toml", 'id = "recombinant"', 'id = "human_medicinal"', "duplicate rule id"),
        ("rules.toml", 'id = "combined"', 'id = "combined_atmp"', "no rule 'combined'"),
        ("ruleset.toml", 'undetermined = "Undetermined', 'undecided = "Undetermined', "[labels] lacks 'undetermined'"),
        ("ruleset.toml", 'id = "device"\ntitle', 'id = "device"\ntitel', "section 'device': unknown key 'titel' (did you mean 'title'?)"),
        ("legal/eu.toml", 'url = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394"\n', "", "text 'reg1394-art2-1-a': missing key 'url'"),
        ("legal/eu.toml", 'url = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394"\n', 'url = ""\n', "text 'reg1394-art2-1-a': 'url' must be the http(s) address of the official text, not ''"),
        ("legal/eu.toml", 'url = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394"\n', 'url = "eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394"\n', "text 'reg1394-art2-1-a': 'url' must be the http(s) address"),
        ("legal/se.toml", 'url = "https://rkrattsbaser.gov.se/sfst?bet=2006:496"', 'url = "https://rkrattsbaser gov se"', "text 'se-blodsakerhet': 'url' must be the http(s) address"),
        ("legal/se.toml", 'url = "https://rkrattsbaser.gov.se/sfst?bet=2006:496"', "url = 2006", "text 'se-blodsakerhet': 'url' must be the http(s) address"),
        ("legal/se.toml", 'language = "sv"\ntext = \'\'\'\n1 §', 'language = "Swedish"\ntext = \'\'\'\n1 §', "text 'se-blodsakerhet': 'language' must be the code of the quotation's language"),
        ("legal/se.toml", 'language = "sv"\ntext = \'\'\'\n1 §', 'language = 1\ntext = \'\'\'\n1 §', "text 'se-blodsakerhet': 'language' must be the code"),
        ("legal/se.toml", 'language = "sv"\ntext = \'\'\'\n1 §', 'langauge = "sv"\ntext = \'\'\'\n1 §', "text 'se-blodsakerhet': unknown key 'langauge'"),
    ],
)
def test_broken_bank_names_file_and_entry(broken, file, old, new, message):
    edit(broken / file, old, new)
    if not message:  # an allowed edit still loads
        bank.load("eu")
        return
    with pytest.raises(bank.BankError) as error:
        bank.load("eu")
    assert message in str(error.value)
    assert str(broken) in str(error.value)


def test_invalid_toml_is_reported_with_the_file(broken):
    (broken / "rules.toml").write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(bank.BankError, match="rules.toml: not valid TOML"):
        bank.load("eu")


def test_unknown_ruleset_lists_the_available_ones():
    with pytest.raises(bank.BankError, match="unknown ruleset 'ue'.*available: eu"):
        bank.load("ue")


# -------------------------------------------------------------------- safe defaults


def test_safe_defaults_never_assume_an_exclusion_an_exemption_or_a_device(ruleset):
    q = ruleset.question
    assert q("infectious_disease_vaccine").safe_default == "no"
    assert q("device_integral").safe_default == "no"
    assert q("hospital_exemption").safe_default == "no"
    assert q("same_surgical_procedure").safe_default == "no"  # an exclusion from the tissues legislation
    no_is_safe = {"device_integral", "same_surgical_procedure"}  # a device, an exclusion: never assumed
    for question in ruleset.questions:
        if question.kind == "multi":
            assert question.safe_default is None, question.id  # nothing ticked until the user ticks it
        elif question.unsure and question.id not in no_is_safe:  # no answer is safe: unsure assumes neither
            assert question.safe_default == "unsure", question.id
        if question.safe_default is not None:
            assert question.safe_default in question.allowed, question.id


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('safe_default = "no"  # a device', 'safe_default = "maybe"  # a device', "safe_default 'maybe' is not one of yes, no"),
        ('safe_default = "no"  # an exclusion from gene', 'safe_default = "unsure"  # an exclusion from gene', "set unsure = true on the question to allow it"),
        ('safe_default = "no"  # a device', 'safe_default = "noo"  # a device', "(did you mean 'no'?)"),
        ('kind = "multi"\n# no safe_default: a multi-select starts with nothing ticked (no source',
         'kind = "multi"\nsafe_default = "autologous"\n# (no source', "safe_default is for single questions"),
    ],
)
def test_safe_default_must_be_an_allowed_answer_of_a_single_question(broken, old, new, message):
    edit(broken / "questions.toml", old, new)
    with pytest.raises(bank.BankError) as error:
        bank.load("eu")
    assert message in str(error.value)
    assert "questions.toml: question" in str(error.value)


def test_safe_default_may_be_any_allowed_answer(broken):
    edit(broken / "questions.toml", 'safe_default = "unsure"  # "no" would make it a device', 'safe_default = "yes"  # "no" would make it a device')
    assert bank.load("eu").question("cells_primary_to_device").safe_default == "yes"
