"""Load a ruleset from `questions/<ruleset>/` and validate it once.

The question bank, rules and legal texts are data edited by people who know the law, not the code; a slip
there (a typo'd condition, a citation id that does not exist, a question asked before what it depends on)
must surface as one clear line naming the file and the entry, never as a traceback at a user's desk or,
worse, as a silently wrong classification. Everything that can be checked without answers is checked here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from atmp_cli import expressions, messages
from atmp_cli.compiler import CompiledQuestion, OutcomeFunction, Walker, compile_outcome, compile_walker
from atmp_cli.expressions import Compiled, Node
from atmp_cli.messages import SOURCE_LANGUAGE, Catalogue

UNSURE = "unsure"
NOT_ATMP = "not-ATMP"
UNDETERMINED = "undetermined"
_RULESET_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # a folder name under questions/, never a path
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")  # scheme, a host with a dot, no spaces
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639 ("en", "sv"), as the lang/ folders are named
# Set by the engine for notes: the outcome depends on unsure answers; one judgement answer decides it;
# whether it is an ATMP at all depends on unsure answers; and
# whether it is an ATMP or a product of another regime (tissues and cells, blood, devices) does, which is
# the only doubt the doubt rule of Directive 2001/83/EC Article 2(2) resolves.
BUILTIN_NOTE_NAMES = frozenset({"undetermined", "borderline", "atmp_in_doubt", "atmp_or_other_regime"})
REGIMES = ("medicinal", "other")  # a destination's regime: another medicinal product, or another framework


class BankError(Exception):
    """The question bank is broken; the message names the file and the entry."""


@dataclass(frozen=True)
class LegalText:
    """One legal text as collected in shared/legal, with how far it may be presented as the law's words.

    `source` is where the quotation was copied from (for an audit); `url` is the official text a reader must
    consult: the act on EUR-Lex, the statute in the Swedish government's database, the authority's own page.
    `language` is the language of the quotation (`text`), which is never translated: a report in another
    language must say that it quotes a text in this one.
    """

    id: str
    title: str
    citation: str
    status: str
    confidence: str
    source: str
    url: str
    label: str
    paraphrase: str
    text: str
    language: str = SOURCE_LANGUAGE

    @property
    def presentation(self) -> str:
        """'verbatim' (the law's wording), 'secondary' (quoted by another source) or 'paraphrase'."""
        if not self.text:
            return "paraphrase"
        return "secondary" if self.label else "verbatim"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    finding: str
    citations: tuple[str, ...]
    exclusive: bool = False
    judgement: bool = False  # choosing it or not is a matter of judgement (borderline results)
    judgement_when: "Condition | None" = None  # ... but only for answers where this holds


@dataclass(frozen=True)
class Condition:
    """A parsed and compiled `when` expression, keeping its source for display."""

    source: str
    node: Node
    evaluate: Compiled
    reads_rules: bool  # needs derived rules, not just answers, to evaluate
    reads: frozenset[str]  # every name it reads directly

    @classmethod
    def parse(cls, source: str) -> "Condition":
        node = expressions.parse(source)
        return cls(
            " ".join(source.split()),
            node,
            expressions.compile_node(node),
            bool(expressions.rule_names(node)),
            frozenset(expressions.names(node)),
        )


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str  # "single" or "multi"
    prompt: str
    help: str
    when: Condition | None
    unsure: bool
    definitions: tuple[str, ...]
    options: tuple[Option, ...]
    when_text: str = ""
    required: bool = True  # False: an answers file may leave it out (it never changes the class)
    required_when: Condition | None = None  # required only when this holds (over earlier answers)
    judgement: bool = False  # every answer to it is a matter of judgement (borderline results)
    safe_default: str | None = None  # where the wizard's cursor starts on a first ask (single questions)

    def is_judgement(self, answers: Any, new: Any) -> bool:
        """Whether changing this question's answer in `answers` to `new` is a matter of judgement, not of fact.

        The question may be one as a whole. Otherwise an option decides, within its `judgement_when` if it
        has one: for a multi-select the option the change ticks or unticks (a change to or from an exclusive
        option such as 'none of these' turns on that option); for a single choice the answer given, since
        it is that answer a careful reader might not share.
        """
        if self.judgement:
            return True
        old = answers.get(self.id)
        if self.kind == "multi":
            added, removed = set(new) - set(old), set(old) - set(new)
            exclusive = (added | removed) & self.exclusive_values
            toggled = exclusive or (added if len(added) == 1 else removed if not added else set())
        else:
            toggled = {old}
        for value in toggled:
            option = self.option_index.get(value)
            if option and option.judgement and (option.judgement_when is None or option.judgement_when.evaluate(answers)):
                return True
        return False

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every value an answers file may give, including 'unsure' where the bank allows it."""
        return self.values + ((UNSURE,) if self.unsure else ())

    def option(self, value: str) -> Option:
        return self.option_index[value]

    @cached_property
    def option_index(self) -> dict[str, Option]:
        return {option.value: option for option in self.options}

    @cached_property
    def allowed_set(self) -> frozenset[str]:
        return frozenset(self.allowed)

    @cached_property
    def exclusive_values(self) -> frozenset[str]:
        return frozenset(option.value for option in self.options if option.exclusive)


@dataclass(frozen=True)
class Rule:
    """A named condition with the findings the report prints when it holds or fails."""

    id: str
    when: Condition
    met: str
    failed: str
    citations: tuple[str, ...]
    applies: Condition | None = None  # when the test can apply at all; otherwise it is shown as not applicable
    not_applicable: str = ""


@dataclass(frozen=True)
class Definition:
    """One ATMP class: it holds when every one of its tests (rule ids) holds."""

    id: str
    code: str
    tests: tuple[str, ...]
    citations: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Destination:
    """Where a product that is not an ATMP likely belongs, and why it is not one."""

    id: str
    when: Condition
    reason: str
    belongs: str
    citations: tuple[str, ...]
    regime: str = "other"  # "medicinal": another medicinal product; "other": another legal framework
    open: bool = False  # these answers cannot settle whether it is an ATMP: the result is undetermined


@dataclass(frozen=True)
class Constraint:
    """Answers that contradict each other: an answers file giving them is an error naming `fields`."""

    id: str
    when: Condition  # over answers only (no rules), so the input check can evaluate it
    fields: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Note:
    id: str
    when: Condition
    text: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, eq=False)
class Ruleset:
    """A validated ruleset. `order` lists derived names (rules, definitions) so each follows what it reads.

    Compared and hashed by identity (eq=False): one loaded ruleset is one object, so caches can key on it.
    """

    id: str
    version: str
    title: str
    legal_texts_as_of: str
    disclaimer: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    rules: dict[str, Rule]
    definitions: tuple[Definition, ...]
    destinations: tuple[Destination, ...]
    notes: tuple[Note, ...]
    constraints: tuple[Constraint, ...]
    national: dict[str, tuple[Note, ...]]
    country_names: dict[str, str]
    texts: dict[str, LegalText]
    labels: dict[str, str]
    short_labels: dict[str, str]
    order: tuple[str, ...]
    root: Path
    by_id: dict[str, Question] = field(default_factory=dict)
    walker: Walker | None = None  # applicability and all rules compiled into one function (atmp_cli.compiler)
    outcome: OutcomeFunction | None = None  # the outcome alone, compiled likewise, for decisive answers
    compared: dict[str, frozenset[str]] = field(default_factory=dict)  # values each question is compared with
    messages: Catalogue | None = None  # the program's own words, in the ruleset's language (atmp_cli.messages)
    language: str = SOURCE_LANGUAGE

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    @cached_property
    def question_order(self) -> dict[str, int]:
        """Each question's position in the bank."""
        return {q.id: i for i, q in enumerate(self.questions)}

    def section_title(self, section_id: str) -> str:
        return next(s.title for s in self.sections if s.id == section_id)

    def definition_by_code(self, code: str) -> Definition:
        return next(d for d in self.definitions if d.code == code)

    def destination(self, destination_id: str) -> Destination:
        return next(d for d in self.destinations if d.id == destination_id)


# ---------------------------------------------------------------------------------------------- locating


def questions_root() -> Path:
    """Where the rulesets live: inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "questions", here.parent / "questions"):
        if candidate.is_dir():
            return candidate
    raise BankError(f"no questions/ folder found next to {here}: the installation is incomplete")


def available_rulesets() -> list[str]:
    root = questions_root()
    return sorted(p.parent.name for p in root.glob("*/ruleset.toml"))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix for near misses, or '', in English: for the load errors of the data,
    written for the people who maintain it (the program's own messages use messages.did_you_mean)."""
    close = messages.close_match(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


def load(ruleset_id: str = "eu", lang: str = SOURCE_LANGUAGE) -> Ruleset:
    """Load and validate a ruleset by id, with its texts in `lang` (a catalogue in its lang/ folder); cached,
    since the data never changes while atmp runs, and keyed so that load("eu") is load("eu", lang="en")."""
    return _load(ruleset_id, lang)


@lru_cache(maxsize=None)
def _load(ruleset_id: str, lang: str) -> Ruleset:
    root = questions_root()
    folder = root / ruleset_id
    if not _RULESET_ID.fullmatch(ruleset_id) or not (folder / "ruleset.toml").is_file():
        known = available_rulesets()
        raise BankError(f"unknown ruleset {ruleset_id!r}{did_you_mean(ruleset_id, known)}; available: {', '.join(known)}")
    if lang == SOURCE_LANGUAGE:
        loader = _Loader(folder)
    else:
        from atmp_cli import translation  # another language only: English reads no catalogue

        loader = _Loader(folder, translation.reader(folder, lang))
    try:
        catalogue = messages.load(folder, lang)
    except messages.CatalogueError as error:
        raise BankError(str(error)) from None
    return replace(loader.build(), messages=catalogue, language=lang)


load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]  # tests point the loader at a copy


# ---------------------------------------------------------------------------------------------- loading


def check_fields(table: Any, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    """A TOML table with exactly the keys it may have; otherwise an error naming `where` and the key."""
    if not isinstance(table, dict):
        raise BankError(f"{where}: expected a table")
    unknown = set(table) - required - optional
    if unknown:
        name = sorted(unknown)[0]
        raise BankError(f"{where}: unknown key {name!r}{did_you_mean(name, required | optional)}")
    missing = required - set(table)
    if missing:
        raise BankError(f"{where}: missing key {sorted(missing)[0]!r}")
    return table


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML data file, or a BankError naming it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise BankError(f"{path}: cannot be read: {error.strerror}") from None


class _Loader:
    """Reads the files of one ruleset folder and checks them against each other."""

    def __init__(self, folder: Path, read: Callable[[Path], dict[str, Any]] = read_toml) -> None:
        self.folder = folder
        self.read = read  # the parsed files, or (atmp_cli.translation) their tables in another language

    def where(self, filename: str, kind: str, entry: Any) -> str:
        return f"{self.folder / filename}: {kind} {entry!r}"

    def fields(self, table: Any, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        return check_fields(table, where, required, optional)

    def condition(self, source: Any, where: str) -> Condition:
        if not isinstance(source, str):
            raise BankError(f"{where}: 'when' must be a string")
        try:
            return Condition.parse(source)
        except expressions.ExpressionError as error:
            raise BankError(f"{where}: {error}") from None

    def build(self) -> Ruleset:
        meta = self.fields(
            self.read(self.folder / "ruleset.toml"),
            f"{self.folder / 'ruleset.toml'}",
            {"id", "version", "title", "legal_texts_as_of", "section", "labels"},
            {"disclaimer", "short_labels"},
        )
        sections = tuple(
            Section(item["id"], item["title"])
            for item in (self.fields(raw, f"{self.folder / 'ruleset.toml'}: section {raw.get('id') if isinstance(raw, dict) else raw!r}", {"id", "title"}, set())
                         for raw in meta["section"])
        )
        missing_labels = {"not-ATMP", "undetermined", "open", "combined_prefix"} - set(meta["labels"])
        if missing_labels:
            raise BankError(f"{self.folder / 'ruleset.toml'}: [labels] lacks {sorted(missing_labels)[0]!r}")
        texts = self.load_texts()
        questions = self.load_questions({s.id for s in sections})
        rules_file = self.fields(
            self.read(self.folder / "rules.toml"), str(self.folder / "rules.toml"), {"rule", "definition"}, {"destination", "note", "constraint"}
        )
        rules = {}
        for raw in rules_file["rule"]:
            where = self.where("rules.toml", "rule", raw.get("id"))
            item = self.fields(raw, where, {"id", "when", "met", "failed", "citations"}, {"applies", "not_applicable"})
            if item["id"] in rules:
                raise BankError(f"{where}: duplicate rule id")
            if ("applies" in item) != ("not_applicable" in item):
                raise BankError(f"{where}: 'applies' and 'not_applicable' go together")
            applies = self.condition(item["applies"], where) if "applies" in item else None
            rules[item["id"]] = Rule(item["id"], self.condition(item["when"], where), item["met"], item["failed"],
                                     tuple(item["citations"]), applies, item.get("not_applicable", ""))
        definitions = tuple(
            Definition(d["id"], d["code"], tuple(d["tests"]), tuple(d["citations"]), d["reason"])
            for d in (
                self.fields(raw, self.where("rules.toml", "definition", raw.get("id")), {"id", "code", "tests", "citations", "reason"}, set())
                for raw in rules_file["definition"]
            )
        )
        destinations = tuple(self.load_destination(raw) for raw in rules_file.get("destination", []))
        constraints = tuple(self.load_constraint(raw) for raw in rules_file.get("constraint", []))
        notes = self.load_notes(rules_file.get("note", []), "rules.toml")
        national, country_names = self.load_national()
        ruleset = Ruleset(
            id=meta["id"],
            version=meta["version"],
            title=meta["title"],
            legal_texts_as_of=meta["legal_texts_as_of"],
            disclaimer=meta.get("disclaimer", ""),
            sections=sections,
            questions=questions,
            rules=rules,
            definitions=definitions,
            destinations=destinations,
            notes=notes,
            constraints=constraints,
            national=national,
            country_names=country_names,
            texts=texts,
            labels=dict(meta["labels"]),
            short_labels=self.short_labels(meta),
            order=(),
            root=self.folder,
            by_id={q.id: q for q in questions},
        )
        return _Checker(ruleset, self.folder).check()

    def short_labels(self, meta: dict[str, Any]) -> dict[str, str]:
        """One- or two-word class names; a class without one is called by its label."""
        short = dict(meta.get("short_labels", {}))
        unknown = set(short) - set(meta["labels"])
        if unknown:
            raise BankError(f"{self.folder / 'ruleset.toml'}: [short_labels] has {sorted(unknown)[0]!r}, which [labels] lacks")
        return {**meta["labels"], **short}

    def load_texts(self) -> dict[str, LegalText]:
        texts: dict[str, LegalText] = {}
        keys = {"id", "title", "citation", "status", "confidence", "source", "url", "label", "paraphrase", "text"}
        for path in sorted((self.folder / "legal").glob("*.toml")):
            for raw in self.read(path).get("text", []):
                where = f"{path}: text {raw.get('id')!r}"
                item = self.fields(raw, where, keys, {"language"})
                if item["id"] in texts:
                    raise BankError(f"{where}: duplicate legal text id")
                if not item["text"].strip() and not item["paraphrase"].strip():
                    raise BankError(f"{where}: neither a quotation nor a paraphrase")
                if not isinstance(item["url"], str) or not _WEB_ADDRESS.fullmatch(item["url"]):
                    raise BankError(f"{where}: 'url' must be the http(s) address of the official text, not {item['url']!r}")
                language = item.get("language", SOURCE_LANGUAGE)
                if not isinstance(language, str) or not _LANGUAGE_CODE.fullmatch(language):
                    raise BankError(f"{where}: 'language' must be the code of the quotation's language (en, sv), not {language!r}")
                texts[item["id"]] = LegalText(**{k: item[k].strip() if k in ("text", "paraphrase") else item[k] for k in keys},
                                              language=language)
        return texts

    def load_questions(self, section_ids: set[str]) -> tuple[Question, ...]:
        path = self.folder / "questions.toml"
        questions = []
        for raw in self.read(path).get("question", []):
            where = self.where("questions.toml", "question", raw.get("id"))
            item = self.fields(
                raw, where, {"id", "section", "kind", "prompt", "help", "definitions", "option"},
                {"when", "when_text", "unsure", "required", "judgement", "safe_default"},
            )
            if item["section"] not in section_ids:
                raise BankError(f"{where}: unknown section {item['section']!r}{did_you_mean(item['section'], section_ids)}")
            if item["kind"] not in ("single", "multi"):
                raise BankError(f"{where}: kind must be 'single' or 'multi', not {item['kind']!r}")
            options = []
            for option in item["option"]:
                owhere = f"{where}, option {option.get('value')!r}"
                o = self.fields(option, owhere, {"value", "label", "finding", "citations"}, {"exclusive", "judgement", "judgement_when"})
                if o["value"] == UNSURE:
                    raise BankError(f"{owhere}: 'unsure' is not an option; set unsure = true on the question")
                judgement_when = self.answers_condition(o["judgement_when"], owhere) if "judgement_when" in o else None
                options.append(Option(o["value"], o["label"], o["finding"], tuple(o["citations"]),
                                      bool(o.get("exclusive", False)), bool(o.get("judgement", False)), judgement_when))
            if len({o.value for o in options}) != len(options):
                raise BankError(f"{where}: duplicate option values")
            when = self.condition(item["when"], where) if "when" in item else None
            question = Question(item["id"], item["section"], item["kind"], item["prompt"], item["help"].strip(), when,
                                bool(item.get("unsure", False)), tuple(item["definitions"]), tuple(options), item.get("when_text", ""),
                                *self.required(item.get("required", True), where), bool(item.get("judgement", False)))
            if "safe_default" in item:
                question = replace(question, safe_default=self.safe_default(question, item["safe_default"], where))
            questions.append(question)
        if len({q.id for q in questions}) != len(questions):
            raise BankError(f"{path}: duplicate question ids")
        return tuple(questions)

    def answers_condition(self, source: Any, where: str) -> Condition:
        """A condition that compares answers only, so it can be evaluated before any rule is known."""
        condition = self.condition(source, where)
        if condition.reads_rules:
            raise BankError(f"{where}: this condition compares answers only, not rules")
        return condition

    def required(self, value: Any, where: str) -> tuple[bool, Condition | None]:
        """`required` is true, false, or a condition over answers under which the question is required."""
        if isinstance(value, bool):
            return value, None
        return True, self.answers_condition(value, where)

    def load_destination(self, raw: Any) -> Destination:
        where = self.where("rules.toml", "destination", raw.get("id") if isinstance(raw, dict) else raw)
        d = self.fields(raw, where, {"id", "when", "reason", "belongs", "citations"}, {"regime", "open"})
        regime = d.get("regime", "other")
        if regime not in REGIMES:
            raise BankError(f"{where}: regime must be one of {', '.join(REGIMES)}, not {regime!r}")
        return Destination(d["id"], self.condition(d["when"], where), d["reason"], d["belongs"], tuple(d["citations"]),
                           regime, bool(d.get("open", False)))

    def load_constraint(self, raw: Any) -> Constraint:
        where = self.where("rules.toml", "constraint", raw.get("id") if isinstance(raw, dict) else raw)
        c = self.fields(raw, where, {"id", "when", "fields", "message"}, set())
        return Constraint(c["id"], self.answers_condition(c["when"], where), tuple(c["fields"]), c["message"])

    def safe_default(self, question: Question, value: Any, where: str) -> str:
        """The answer the wizard's cursor starts on: one of the question's values, or 'unsure' where allowed.

        Only single questions have one: a multi-select starts with nothing ticked, so a bare Enter records nothing.
        """
        if question.kind != "single":
            raise BankError(f"{where}: safe_default is for single questions; a multi-select starts with nothing ticked")
        if value not in question.allowed:
            hint = " (set unsure = true on the question to allow it)" if value == UNSURE else did_you_mean(str(value), question.allowed)
            raise BankError(f"{where}: safe_default {value!r} is not one of {', '.join(question.allowed)}{hint}")
        return value

    def load_notes(self, raws: list[Any], filename: str) -> tuple[Note, ...]:
        notes = []
        for raw in raws:
            where = self.where(filename, "note", raw.get("id"))
            item = self.fields(raw, where, {"id", "when", "text", "citations"}, set())
            notes.append(Note(item["id"], self.condition(item["when"], where), item["text"], tuple(item["citations"])))
        return tuple(notes)

    def load_national(self) -> tuple[dict[str, tuple[Note, ...]], dict[str, str]]:
        national: dict[str, tuple[Note, ...]] = {}
        names: dict[str, str] = {}
        for path in sorted((self.folder / "national").glob("*.toml")):
            data = self.fields(self.read(path), str(path), {"country", "name", "note"}, set())
            country = data["country"].upper()
            national[country] = self.load_notes(data["note"], f"national/{path.name}")
            names[country] = data["name"]
        return national, names


class _Checker:
    """Cross-checks: names, values, citations, and that every question follows what its condition reads."""

    def __init__(self, ruleset: Ruleset, folder: Path) -> None:
        self.r = ruleset
        self.folder = folder

    def check(self) -> Ruleset:
        r = self.r
        derived = set(r.rules) | {d.id for d in r.definitions}
        for required in ("atmp", "combined"):  # the engine reads these two rules by name
            if required not in r.rules:
                raise BankError(f"{self.folder / 'rules.toml'}: no rule {required!r}; the engine needs it")
        if len({d.id for d in r.definitions}) != len(r.definitions):
            raise BankError(f"{self.folder / 'rules.toml'}: duplicate definition ids")
        clash = derived & set(r.by_id)
        if clash:
            raise BankError(f"{self.folder}: {sorted(clash)[0]!r} is both a question and a rule")
        for question in r.questions:
            where = f"{self.folder / 'questions.toml'}: question {question.id!r}"
            self.citations(question.definitions, where)
            for option in question.options:
                self.citations(option.citations, f"{where}, option {option.value!r}")
                if option.judgement_when:
                    self.names(option.judgement_when, f"{where}, option {option.value!r}")
            if question.when:
                self.names(question.when, where)
            if question.required_when:
                self.names(question.required_when, where)
        for rule in r.rules.values():
            where = f"{self.folder / 'rules.toml'}: rule {rule.id!r}"
            self.names(rule.when, where)
            if rule.applies:
                self.names(rule.applies, where)
            self.citations(rule.citations, where)
        for constraint in r.constraints:
            where = f"{self.folder / 'rules.toml'}: constraint {constraint.id!r}"
            self.names(constraint.when, where)
            for name in constraint.fields:
                if name not in r.by_id:
                    raise BankError(f"{where}: unknown question {name!r} in fields{did_you_mean(name, r.by_id)}")
        for definition in r.definitions:
            where = f"{self.folder / 'rules.toml'}: definition {definition.id!r}"
            for test in definition.tests:
                if test not in r.rules:
                    raise BankError(f"{where}: unknown rule {test!r}{did_you_mean(test, r.rules)}")
            self.citations(definition.citations, where)
            if definition.code not in r.labels:
                raise BankError(f"{where}: no label for {definition.code!r} in ruleset.toml [labels]")
        for destination in r.destinations:
            where = f"{self.folder / 'rules.toml'}: destination {destination.id!r}"
            self.names(destination.when, where)
            self.citations(destination.citations, where)
        all_notes = [("rules.toml", n) for n in r.notes] + [
            (f"national/{c.lower()}.toml", n) for c, notes in r.national.items() for n in notes
        ]
        for filename, note in all_notes:
            where = f"{self.folder / filename}: note {note.id!r}"
            self.names(note.when, where, extra=BUILTIN_NOTE_NAMES)
            self.citations(note.citations, where)
        order = self.evaluation_order()
        questions = [
            CompiledQuestion(q.id, q.when.node if q.when else None, q.required, q.required_when.node if q.required_when else None)
            for q in r.questions
        ]
        rules = {rid: rule.when.node for rid, rule in r.rules.items()}
        tests = {d.id: d.tests for d in r.definitions}
        walker = compile_walker(questions, rules, tests, order)
        outcome = compile_outcome(
            questions, rules, [(d.id, d.code) for d in r.definitions], tests, order,
            [(d.when.node, d.open) for d in r.destinations], NOT_ATMP, UNDETERMINED,
        )
        checked = replace(r, order=order, walker=walker, outcome=outcome, compared=self.compared_values())
        self.question_order(checked)
        return checked

    def compared_values(self) -> dict[str, frozenset[str]]:
        """For each question, the values any condition of the bank compares it with. A change between values
        no condition names changes nothing (decisive answers skip such changes)."""
        r = self.r
        conditions = [q.when for q in r.questions] + [q.required_when for q in r.questions]
        conditions += [o.judgement_when for q in r.questions for o in q.options]
        conditions += [rule.when for rule in r.rules.values()] + [rule.applies for rule in r.rules.values()]
        conditions += [d.when for d in r.destinations] + [c.when for c in r.constraints]
        conditions += [n.when for n in r.notes] + [n.when for notes in r.national.values() for n in notes]
        compared: dict[str, set[str]] = {}
        for condition in conditions:
            if condition is not None:
                for compare in expressions.comparisons(condition.node):
                    compared.setdefault(compare.name, set()).update(compare.values)
        return {qid: frozenset(values) for qid, values in compared.items()}

    def citations(self, ids: Iterable[str], where: str) -> None:
        for cid in ids:
            if cid not in self.r.texts:
                raise BankError(f"{where}: unknown legal text id {cid!r}{did_you_mean(cid, self.r.texts)}")

    def names(self, condition: Condition, where: str, extra: frozenset[str] = frozenset()) -> None:
        r = self.r
        derived = set(r.rules) | {d.id for d in r.definitions} | extra
        for name in expressions.rule_names(condition.node):
            if name not in derived:
                hint = " (questions must be compared, e.g. 'x == yes')" if name in r.by_id else did_you_mean(name, derived)
                raise BankError(f"{where}: unknown rule {name!r}{hint}")
        for compare in expressions.comparisons(condition.node):
            question = r.by_id.get(compare.name)
            if question is None:
                raise BankError(f"{where}: unknown question {compare.name!r}{did_you_mean(compare.name, r.by_id)}")
            allowed_ops = ("has", "has_any") if question.kind == "multi" else ("==", "!=", "in")
            if compare.op not in allowed_ops:
                raise BankError(f"{where}: {compare.name!r} is a {question.kind} question; use {' or '.join(allowed_ops)}")
            for value in compare.values:
                if value not in question.values:
                    raise BankError(f"{where}: {value!r} is not an option of {compare.name!r}{did_you_mean(value, question.values)}")

    def dependencies(self, name: str) -> set[str]:
        """Direct names a rule or definition reads."""
        if name in self.r.rules:
            return expressions.names(self.r.rules[name].when.node)
        definition = next(d for d in self.r.definitions if d.id == name)
        return set(definition.tests)

    def evaluation_order(self) -> tuple[str, ...]:
        derived = list(self.r.rules) + [d.id for d in self.r.definitions]
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, chain: tuple[str, ...]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                raise BankError(f"{self.folder / 'rules.toml'}: rules depend on each other in a cycle: {' -> '.join(chain + (name,))}")
            state[name] = 1
            for dep in sorted(self.dependencies(name)):
                if dep in self.r.rules or any(d.id == dep for d in self.r.definitions):
                    visit(dep, chain + (name,))
            state[name] = 2
            order.append(name)

        for name in derived:
            visit(name, ())
        return tuple(order)

    def question_order(self, ruleset: Ruleset) -> None:
        """A question may only depend on questions asked before it, or the walk could not decide whether to ask it."""
        index = {q.id: i for i, q in enumerate(ruleset.questions)}
        for question in ruleset.questions:
            if question.when is None:
                continue
            for dep in self.question_dependencies(expressions.names(question.when.node)):
                if index[dep] >= index[question.id]:
                    raise BankError(
                        f"{self.folder / 'questions.toml'}: question {question.id!r}: its condition reads {dep!r}, "
                        "which is not asked before it"
                    )

    def question_dependencies(self, names: set[str]) -> set[str]:
        seen: set[str] = set()
        questions: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.r.by_id:
                questions.add(name)
            else:
                todo.extend(self.dependencies(name))
        return questions
