"""Every cited text points to the official text a reader must consult, and no user sees our internal files.

`source` says where a quotation was copied from (a mirror, a repository, a course slide); `url` must be the
authority: the act on EUR-Lex, the statute in the Swedish government's database, the agency's own page.
"""

from __future__ import annotations

import json
import re
import tomllib
from urllib.parse import urlsplit

import pytest

from atmp_cli.cli import app
from atmp_cli.exit_codes import ExitCode
from helpers import REPO, shared_dir

EXAMPLES = sorted((REPO / "questions" / "eu" / "examples").glob("*.json"))
REPORTED = (ExitCode.CLASSIFIED, ExitCode.UNDETERMINED)  # both write the whole report

# Who publishes at each host a `url` may point to; a mirror (legislation.gov.uk, GitHub, studylib...) is a
# `source`, never a `url`.
OFFICIAL_HOSTS = {
    "eur-lex.europa.eu": "EU law: the Official Journal and consolidated texts",
    "data.europa.eu": "EU law: European Legislation Identifiers",
    "oeil.europarl.europa.eu": "the European Parliament's Legislative Observatory (legislative procedures)",
    "www.ema.europa.eu": "the European Medicines Agency",
    "rkrattsbaser.gov.se": "Swedish statutes (Regeringskansliets rättsdatabaser)",
    "data.riksdagen.se": "Swedish government bills (Riksdagen)",
    "lakemedelsverket.se": "Läkemedelsverket, the Swedish Medical Products Agency",
    "lakemedelsboken.se": "Läkemedelsboken, published by Läkemedelsverket",
    "etikprovningsmyndigheten.se": "Etikprövningsmyndigheten, the Swedish Ethical Review Authority",
    "www.av.se": "Arbetsmiljöverket, the Swedish Work Environment Authority",
    "www.akademiska.se": "Uppsala University Hospital, for the text of its own page",
    "doi.org": "the publisher's copy of a journal article",
}

# Citations naming the authority whose own address the url must be.
AUTHORITIES = [
    (re.compile(r"(Commission )?(Regulation|Directive) |.*\bCOM\(\d{4}\) \d+"), {"eur-lex.europa.eu", "data.europa.eu"}),
    (re.compile(r"EMA\b|European Medicines Agency"), {"www.ema.europa.eu"}),
    (re.compile(r"Lag \(\d{4}:\d+\)"), {"rkrattsbaser.gov.se"}),
    (re.compile(r"Prop\. \d{4}/\d{2}:\d+"), {"data.riksdagen.se"}),
    (re.compile(r"Läkemedelsverket and Arbetsmiljöverket"), {"lakemedelsverket.se", "www.av.se"}),  # a joint text
    (re.compile(r"Läkemedelsverket|LVFS "), {"lakemedelsverket.se"}),
    (re.compile(r"Etikprövningsmyndigheten"), {"etikprovningsmyndigheten.se"}),
]

_ACTS = [  # (pattern, CELEX built from its groups): 3 + year + R (regulation) / L (directive) + number in 4 digits
    (re.compile(r"Regulation \((?:EC|EU|EEC)\) No (\d+)/(\d{4})"), lambda n, y: f"3{y}R{int(n):04d}"),
    (re.compile(r"Regulation \(EU\) (\d{4})/(\d+)"), lambda y, n: f"3{y}R{int(n):04d}"),
    (re.compile(r"Directive (\d{4})/(\d+)/(?:EC|EU|EEC)"), lambda y, n: f"3{y}L{int(n):04d}"),
    (re.compile(r"Directive \(EU\) (\d{4})/(\d+)"), lambda y, n: f"3{y}L{int(n):04d}"),
    (re.compile(r"COM\((\d{4})\) (\d+)"), lambda y, n: f"5{y}PC{int(n):04d}"),  # a Commission proposal
]
_ELI = re.compile(r"/eli/(reg|dir)/(\d{4})/(\d+)/")


def acts_named(citation: str) -> set[str]:
    """The CELEX numbers of the EU acts a citation names (the cited act, and one that replaced or inserted it)."""
    return {make(*m.groups()) for pattern, make in _ACTS for m in pattern.finditer(citation)}


def celex_of(url: str) -> str | None:
    """The CELEX number an EUR-Lex address (CELEX form) or a European Legislation Identifier denotes."""
    if m := re.search(r"[?&]uri=CELEX(?::|%3A)([0-9A-Z]+)", url):
        return m.group(1)
    if m := _ELI.search(url):
        kind, year, number = m.groups()
        return f"3{year}{'R' if kind == 'reg' else 'L'}{int(number):04d}"
    return None


def test_acts_named_derives_celex_from_number_and_type():
    assert acts_named("Regulation (EC) No 1394/2007, Article 2(1)") == {"32007R1394"}
    assert acts_named("Regulation (EU) 2019/6, Article 2(1)") == {"32019R0006"}
    assert acts_named("Directive 2001/83/EC, Annex I, as replaced by Commission Directive 2009/120/EC") == {"32001L0083", "32009L0120"}
    assert acts_named("COM(2023) 192 final") == {"52023PC0192"}
    assert celex_of("http://data.europa.eu/eli/reg/2007/1394/oj") == "32007R1394"
    assert celex_of("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32001L0083") == "32001L0083"


def test_every_legal_text_has_an_official_url(ruleset):
    for text in ruleset.texts.values():
        parts = urlsplit(text.url)
        assert parts.scheme in ("https", "http") and parts.hostname in OFFICIAL_HOSTS, (text.id, text.url)


def test_each_authority_is_cited_at_its_own_address(ruleset):
    checked = set()
    for text in ruleset.texts.values():
        for pattern, hosts in AUTHORITIES:
            if pattern.match(text.citation):
                assert urlsplit(text.url).hostname in hosts, (text.id, text.url)
                checked.add(text.id)
                break
        if m := re.match(r"Lag \((\d{4}:\d+)\)", text.citation):
            assert text.url.endswith(f"sfst?bet={m.group(1)}"), (text.id, text.url)  # the statute's own number
    # the rules reach the texts that matter most: EU acts, EMA, a Swedish statute, a bill, the agency
    assert {"reg1394-art2-1-a", "dir2001-83-annexI-partIV-2-1", "mdr-art1-6", "ema-legal-framework-statement",
            "se-blodsakerhet", "se-prop-2010-11-44", "se-lvfs-2011-3", "reform-def-gtmp"} <= checked


def test_eu_acts_link_an_act_the_citation_names(ruleset):
    """The CELEX in the address is the cited act's, or the act that replaced or inserted the quoted text."""
    eu_acts = [t for t in ruleset.texts.values() if urlsplit(t.url).hostname in ("eur-lex.europa.eu", "data.europa.eu")]
    assert len(eu_acts) >= 40
    for text in eu_acts:
        assert celex_of(text.url) in acts_named(text.citation), (text.id, text.url, text.citation)
    by_id = {t.id: celex_of(t.url) for t in eu_acts}
    assert by_id["dir2001-83-annexI-partIV-2-1"] == "32009L0120"  # Part IV as replaced by Directive 2009/120/EC
    assert by_id["dir2001-83-art3-7"] == "32007R1394"  # point 7 as inserted by Article 28(2) of the Regulation


# ------------------------------------------------------------------------------- JSON results carry the url


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_citation_in_an_example_result_has_its_url(runner, ruleset, path):
    result = runner.invoke(app, ["classify", "--answers", str(path), "--format", "json", "--country", "SE"])
    assert result.exit_code in REPORTED, result.stderr
    citations = json.loads(result.stdout)["citations"]
    assert citations
    for citation in citations:
        assert citation["url"] == ruleset.texts[citation["id"]].url, citation["id"]


def test_batch_lines_carry_the_url_in_the_short_citations(runner, ruleset):
    result = runner.invoke(app, ["batch", *map(str, EXAMPLES), "--format", "jsonl"])
    assert result.exit_code in REPORTED, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(EXAMPLES)
    for line in lines:
        assert line["citations"]
        for citation in line["citations"]:
            assert set(citation) == {"id", "citation", "url"}
            assert citation["url"] == ruleset.texts[citation["id"]].url


def test_definitions_json_lists_the_url_of_every_text(runner, ruleset):
    result = runner.invoke(app, ["definitions", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert {d["id"]: d["url"] for d in json.loads(result.stdout)} == {t.id: t.url for t in ruleset.texts.values()}


# ------------------------------------------------------------------------------- no internal file names shown


def internal_names() -> re.Pattern[str]:
    """Our own files: any Markdown file name, the shared folder, the collection records, the seed and cases."""
    shared = shared_dir()
    names = [p.name for p in (shared / "seed").iterdir()] + [p.name for p in (shared / "cases").iterdir()]
    assert names
    return re.compile(r"[\w./-]+\.md\b|\bshared/|docs/sources|first-pass|" + "|".join(map(re.escape, names)))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_no_report_names_an_internal_file(runner, path, fmt):
    legal_files = [p.name for p in (shared_dir() / "legal").glob("*.md")]
    assert legal_files
    result = runner.invoke(app, ["classify", "--answers", str(path), "--format", fmt, "--country", "SE"])
    assert result.exit_code in REPORTED, result.stderr
    for name in legal_files:
        assert name not in result.stdout
    assert not internal_names().search(result.stdout), internal_names().search(result.stdout)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_no_data_file_names_an_internal_file():
    """Every string of questions/ (legal texts, notes, help, precedents, examples) can reach a user."""
    pattern = internal_names()
    files = sorted((REPO / "questions").rglob("*.toml")) + sorted((REPO / "questions").rglob("*.json"))
    assert len(files) > 10
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.suffix == ".toml" else json.loads(path.read_text(encoding="utf-8"))
        for string in _strings(data):
            assert not pattern.search(string), (str(path.relative_to(REPO)), pattern.search(string).group())
