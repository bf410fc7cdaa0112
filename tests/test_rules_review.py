"""The regulatory lawyer's findings on the rules, destinations and notes, each with its corrected outcome."""

from __future__ import annotations

import pytest

from atmp_cli.serialize import to_dict
from atmp_cli.answers import check_document
from atmp_cli.engine import classify

CELLS = {"human_use": "yes", "contains_cells": "yes", "viable_cells": "yes", "device_integral": "no"}


def result_of(ruleset, answers):
    checked = check_document(ruleset, {"answers": answers})
    assert checked.ok, [str(e) for e in checked.errors]
    return classify(ruleset, checked.answers)


def note_ids(result):
    return {n.id for n in result.notes}


def test_1a_cells_carrying_a_marker_gene_are_genetically_modified_so_sctmp(ruleset):
    answers = {**CELLS, "cell_source": ["allogeneic"], "nucleic_acid": "recombinant", "genetic_purpose": "yes",
               "effect_from_sequence": "no", "infectious_disease_vaccine": "no", "manipulations": ["cell_separation"],
               "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "yes"}
    assert result_of(ruleset, answers).classification.code == "sCTMP"


def test_1b_genetic_modification_without_a_recombinant_nucleic_acid_is_an_error_naming_both(ruleset):
    answers = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "synthetic", "manipulations": ["cell_separation", "genetic_modification"],
               "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "yes"}
    errors = check_document(ruleset, {"answers": answers}).errors
    assert len(errors) == 1 and errors[0].field == "answers.manipulations and answers.nucleic_acid"
    assert "answer nucleic_acid = recombinant" in errors[0].message
    edited = {**answers, "nucleic_acid": "recombinant", "genetic_purpose": "yes", "effect_from_sequence": "yes",
              "infectious_disease_vaccine": "no"}
    assert result_of(ruleset, edited).classification.code == "GTMP"  # as exagamglogene autotemcel


def test_2_blood_components_belong_under_the_blood_legislation(ruleset):
    answers = {**CELLS, "cell_source": ["allogeneic"], "blood_or_organ": "blood_component", "nucleic_acid": "none",
               "manipulations": ["centrifugation"], "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "yes"}
    result = result_of(ruleset, answers)
    assert result.classification.code == "not-ATMP"
    assert "Directive 2002/98/EC" in to_dict(result)["belongs"][0] and "2024/1938" in to_dict(result)["belongs"][0]
    assert "Directive 2004/23/EC;" not in to_dict(result)["belongs"][0]


def test_3_an_autologous_graft_in_the_same_surgical_procedure_is_outside_the_tissues_directive(ruleset):
    answers = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "none", "manipulations": ["centrifugation"],
               "same_surgical_procedure": "yes", "intended_use": ["regenerate_repair_replace"], "same_essential_function": "yes"}
    result = result_of(ruleset, answers)
    assert result.classification.code == "not-ATMP"
    assert "Article 2(2)(a)" in to_dict(result)["belongs"][0] and "Article 2(5)(b)" in to_dict(result)["belongs"][0]


def test_4_the_doubt_rule_only_between_an_atmp_and_another_regime(ruleset):
    gtmp_or_biological = {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "unsure",
                          "effect_from_sequence": "yes", "infectious_disease_vaccine": "no", "intended_use": ["treat_prevent_diagnose"]}
    result = result_of(ruleset, gtmp_or_biological)
    assert result.classification.code == "undetermined"
    assert "doubt_rule" not in note_ids(result) and "article_17" in note_ids(result)
    tep_or_tissue = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "none", "manipulations": ["centrifugation"],
                     "intended_use": ["regenerate_repair_replace"], "same_essential_function": "unsure"}
    result = result_of(ruleset, tep_or_tissue)
    assert "doubt_rule" in note_ids(result)
    assert "does not settle facts that are unknown" in next(n["text"] for n in to_dict(result)["notes"] if n["id"] == "doubt_rule")


def test_5_engineered_cells_modifying_a_function_are_undetermined_never_a_device(ruleset):
    answers = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "none", "manipulations": ["expansion"],
               "intended_use": ["modify_physiological_functions"], "same_essential_function": "yes"}
    result = result_of(ruleset, answers)
    assert result.classification.code == "undetermined" and "article_17" in note_ids(result)
    assert "medical device" not in " ".join(to_dict(result)["belongs"]).replace("never medical devices", "")
    assert "regenerate, repair or replace" in ruleset.question("intended_use").help


def test_6_human_cells_without_a_medicinal_purpose_point_to_the_tissues_legislation(ruleset):
    answers = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "none", "manipulations": ["expansion"],
               "intended_use": ["none_of_these"], "same_essential_function": "yes"}
    belongs = to_dict(result_of(ruleset, answers))["belongs"][0]
    assert "tissues and cells legislation" in belongs and "research use" in belongs and "cosmetic" not in belongs


def test_7_viable_animal_cells_not_engineered_are_undetermined(ruleset):
    answers = {**CELLS, "cell_source": ["xenogeneic"], "nucleic_acid": "none", "manipulations": ["cell_separation"],
               "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "yes"}
    result = result_of(ruleset, answers)
    assert result.classification.code == "undetermined" and "Article 17" in to_dict(result)["belongs"][0]


def test_8_a_cell_free_atmp_with_a_device_is_asked_about_it_and_noted(ruleset):
    answers = {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "recombinant", "genetic_purpose": "yes",
               "effect_from_sequence": "yes", "infectious_disease_vaccine": "no", "intended_use": ["regenerate_repair_replace"],
               "device_integral": "yes", "device_kind": "medical_device"}
    result = result_of(ruleset, answers)
    assert (result.classification.code, result.classification.combined) == ("GTMP", False)
    assert "device_part_without_cells" in note_ids(result)
    without = {k: v for k, v in answers.items() if k not in ("device_integral", "device_kind")}
    assert result_of(ruleset, without).classification.code == "GTMP"  # old files without it stay valid


@pytest.mark.parametrize("qid, phrase", [
    ("same_essential_function", "not the route of administration"),
    ("viable_cells", "can no longer divide but still metabolise are viable"),
    ("nucleic_acid", "Natural"),
    ("effect_from_sequence", "modified only by deletions"),
    ("infectious_disease_vaccine", "prophylactic or therapeutic"),
])
def test_9_to_13_help_texts(ruleset, qid, phrase):
    assert phrase in ruleset.question(qid).help


def test_9_the_secondary_site_statement_is_labelled_secondary(ruleset):
    help_text = ruleset.question("same_essential_function").help
    assert "EMA has stated" not in help_text and "(secondary)" in help_text


def test_11_a_natural_nucleic_acid_is_another_biological_medicinal_product(ruleset):
    answers = {"human_use": "yes", "contains_cells": "no", "nucleic_acid": "natural", "intended_use": ["treat_prevent_diagnose"]}
    result = result_of(ruleset, answers)
    assert result.classification.code == "not-ATMP" and "biological" in to_dict(result)["belongs"][0]


def test_14_every_note_and_destination_has_a_source(ruleset):
    for note in list(ruleset.notes) + [n for notes in ruleset.national.values() for n in notes]:
        assert note.citations, note.id
    for destination in ruleset.destinations:
        assert destination.citations, destination.id


def test_regulator_notes_for_gtmps_and_atmps(ruleset):
    car_t = {**CELLS, "cell_source": ["autologous"], "nucleic_acid": "recombinant", "genetic_purpose": "yes",
             "effect_from_sequence": "yes", "infectious_disease_vaccine": "no",
             "manipulations": ["genetic_modification", "expansion"], "intended_use": ["treat_prevent_diagnose"],
             "same_essential_function": "yes", "hospital_exemption": "no"}
    ids = note_ids(classify(ruleset, car_t, country="SE"))
    assert {"gmo_rules", "centralised_procedure", "routes_without_hospital_exemption", "se_gmo"} <= ids


def test_the_swedish_tissue_note_never_fires_for_a_device_or_blood(ruleset):
    device = {**CELLS, "cell_source": ["allogeneic"], "viable_cells": "no", "nucleic_acid": "none", "manipulations": ["expansion"],
              "non_viable_action": "pharmacological_immunological_metabolic", "intended_use": ["regenerate_repair_replace"],
              "same_essential_function": "yes", "device_integral": "yes", "device_kind": "medical_device", "cells_primary_to_device": "no"}
    assert "se_tissues_not_medicinal" not in note_ids(classify(ruleset, device, country="SE"))
    blood = {**CELLS, "cell_source": ["allogeneic"], "blood_or_organ": "blood_component", "nucleic_acid": "none",
             "manipulations": ["centrifugation"], "intended_use": ["treat_prevent_diagnose"], "same_essential_function": "yes"}
    ids = note_ids(classify(ruleset, blood, country="SE"))
    assert "se_tissues_not_medicinal" not in ids and "se_blood" in ids
