"""The precedent corpus: real products as published, each reproduced by the rules or its disagreement documented."""

from __future__ import annotations

import json
import tomllib
from collections import Counter

import pytest

from atmp_cli import precedents
from atmp_cli.answers import check_document
from atmp_cli.cli import app
from atmp_cli.engine import classify


@pytest.fixture(scope="module")
def corpus(ruleset):
    return precedents.load(ruleset)


def test_the_corpus_has_enough_real_products_of_every_class(corpus):
    counts = Counter(entry.code for entry in corpus.entries)
    assert len(corpus.entries) >= 60
    assert counts["not-ATMP"] >= 12 and counts["TEP"] >= 10 and counts["sCTMP"] >= 10 and counts["GTMP"] >= 10


def test_every_precedent_has_its_fields_and_a_source(corpus):
    for entry in corpus.entries:
        assert entry.product and entry.description and entry.authority and entry.outcome_text, entry.id
        assert entry.source.startswith(("http://", "https://")) and entry.reliability in ("primary", "secondary"), entry.id
        assert entry.procedure in precedents.PROCEDURES, entry.id


def test_every_precedent_gives_its_published_outcome_or_says_why_not(ruleset, corpus):
    for entry in corpus.entries:
        checked = check_document(ruleset, {"product": entry.product, "answers": entry.answers})
        assert checked.ok, (entry.id, [str(e) for e in checked.errors])
        assert not checked.warnings, (entry.id, checked.warnings)
        result = classify(ruleset, checked.answers)
        got = (result.classification.code, result.classification.combined)
        if entry.disagreement:
            assert got != (entry.code, entry.combined), f"{entry.id}: documented as a disagreement but reproduced"
            assert any((b.code, b.combined) == (entry.code, entry.combined) for b in result.branches), entry.id
        else:
            assert got == (entry.code, entry.combined), entry.id


def test_disagreements_are_few(corpus):
    assert sum(bool(e.disagreement) for e in corpus.entries) <= 3


def test_a_product_identical_to_a_precedent_has_it_first(ruleset, corpus):
    for entry in corpus.entries:
        nearest = corpus.nearest(ruleset, entry.answers, 3)
        assert nearest[0].similarity == 1.0
        tied = sorted(e.id for e in corpus.entries if precedents.similarity(
            precedents.features(ruleset, e.answers), precedents.features(ruleset, entry.answers)) == 1.0)
        assert entry.id in tied and nearest[0].id == tied[0]  # ties are broken by id: the order is stable
        assert corpus.nearest(ruleset, entry.answers, 3) == nearest


def test_similarity_is_one_for_the_same_answers_and_lower_for_others(ruleset, corpus):
    car_t = corpus.by_id["b-epar-carvykti"].answers
    islets = corpus.by_id["cat-2014-12-sekkali-pancreatic-islets"].answers
    f = lambda a: precedents.features(ruleset, a)
    assert precedents.similarity(f(car_t), f(car_t)) == 1.0
    assert 0 < precedents.similarity(f(car_t), f(islets)) < 0.6


def test_a_corrupt_entry_names_the_file_and_field(ruleset, tmp_path, monkeypatch):
    from dataclasses import replace

    folder = tmp_path / "eu"
    (folder / "precedents").mkdir(parents=True)
    source = (ruleset.root / "precedents" / "epar-kymriah.toml").read_text(encoding="utf-8")
    (folder / "precedents" / "epar-kymriah.toml").write_text(source.replace('procedure = "EPAR"', 'procedure = "rumour"'), encoding="utf-8")
    with pytest.raises(precedents.BankError, match=r"epar-kymriah.toml: procedure 'rumour'"):
        precedents.load(replace(ruleset, root=folder))


def test_json_result_lists_the_nearest_precedents(runner):
    data = json.loads(runner.invoke(app, ["classify", "--example", "msc-gvhd", "--format", "json"]).stdout)
    assert len(data["precedents"]) == 3
    first = data["precedents"][0]
    assert set(first) == {"id", "product", "outcome", "authority", "date", "source", "similarity"}
    assert first["outcome"] == {"code": "sCTMP", "combined": False} and first["similarity"] == 1.0


def test_reports_show_precedents_and_the_classified_differently_line(runner, tmp_path):
    # stromal cells for heart repair, answered 'treat' only: the nearest precedents were classified TEP
    answers = {"human_use": "yes", "contains_cells": "yes", "cell_source": ["autologous"], "viable_cells": "yes",
               "nucleic_acid": "none", "manipulations": ["expansion"], "intended_use": ["treat_prevent_diagnose"],
               "same_essential_function": "no", "device_integral": "no"}
    path = tmp_path / "heart.json"
    path.write_text(json.dumps({"product": "Adipose MSCs for heart failure", "answers": answers}), encoding="utf-8")
    for fmt, marker in (("text", "Nearest published precedents"), ("md", "## Nearest published precedents"),
                        ("html", "<h2>Nearest published precedents</h2>")):
        out = runner.invoke(app, ["classify", "--answers", str(path), "--format", fmt]).stdout
        assert marker in out, fmt
        assert "classified differently" in " ".join(out.split()), fmt
        assert "Borderline" in out, fmt


def test_explain_lists_the_precedents_that_illustrate_a_question(runner):
    out = runner.invoke(app, ["explain", "intended_use", "--format", "json"]).stdout
    shown = json.loads(out)["precedents"]
    assert 2 <= len(shown) <= 6 and {p["outcome"]["code"] for p in shown} >= {"TEP", "sCTMP"}


def test_precedents_command_through_the_installed_entry_point(atmp, tmp_path):
    run = lambda *args: atmp("precedents", *args)
    listed = run("heart", "--class", "TEP")
    assert listed.returncode == 0 and "cat-2011-09-autologous-msc-chronic-heart-failure" in listed.stdout
    found = json.loads(run("--authority", "Paul-Ehrlich", "--format", "json").stdout)
    assert found and all("Paul-Ehrlich" in p["authority"] for p in found)
    table = run("vaccine", "--format", "csv").stdout.splitlines()
    assert table[0].startswith("id,product,code,combined") and len(table) >= 3
    target = tmp_path / "zalmoxis.json"
    whole = run("epar-zalmoxis", "--save", str(target))
    assert whole.returncode == 0 and "suicide gene" in whole.stdout
    document = json.loads(target.read_text(encoding="utf-8"))
    classified = atmp("classify", "--answers", str(target), "--format", "json")
    assert json.loads(classified.stdout)["classification"]["code"] == "sCTMP" and document["answers"]["effect_from_sequence"] == "no"
    bad = run("--class", "XYZ")
    assert bad.returncode == 2 and "unknown class" in bad.stderr and "Traceback" not in bad.stderr


def test_every_precedent_file_is_plain_toml_named_by_its_id(ruleset):
    for path in (ruleset.root / "precedents").glob("*.toml"):
        assert tomllib.loads(path.read_text(encoding="utf-8"))["id"] == path.stem
