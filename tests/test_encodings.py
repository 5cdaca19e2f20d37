"""The literate encodings: verbatim article text, a citation on every deciding rule, every article treated."""

import json
import re
from pathlib import Path

import clingo
import pytest
from clingo import ast

from rongcuo_asp.encoding import CHAPTER, CITING_PREDICATES, ENCODINGS, _pattern, load_encoding
from rongcuo_asp.reasoner import solver
from rongcuo_asp.vocabulary import vocabulary

REGIMES = list(vocabulary().regimes)
# The five documents as received (a copy of ../shared/seeds, kept in the repository so that every
# clone runs the verbatim check; test_seed_copy_matches_the_shared_seeds compares the two).
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
DECIDING = {"in_scope", "outside", "scenario", "condition_met", "exclusion", "repeat_bar"}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("regime", REGIMES)
def test_article_text_is_verbatim(regime):
    seed = SEEDS / vocabulary().regimes[regime]["seed"]
    source = squash(seed.read_text(encoding="utf-8"))
    enc = load_encoding(regime)
    numbers = re.findall(r"(?m)^\s*(第[一二三四五六七八九十百]+条)", seed.read_text(encoding="utf-8"))
    assert list(enc.articles) == numbers, "every article of the document, in order"
    for raw in enc.text.splitlines():
        if raw.startswith("%% "):
            assert squash(raw[3:]) in source, f"not verbatim: {raw}"


@pytest.mark.parametrize("regime", REGIMES)
def test_every_article_has_a_treatment(regime):
    enc = load_encoding(regime)
    assert all(a.treatment in vocabulary().data["treatments"] for a in enc.articles.values())


@pytest.mark.parametrize("regime", REGIMES)
def test_every_deciding_rule_cites_a_quotable_article(regime):
    enc = load_encoding(regime)
    citing = [r for r in enc.rules if r.pred in DECIDING]
    assert citing
    for rule in citing:
        citation = rule.head[0]
        assert citation and enc.quote(citation), f"line {rule.line}: {rule.pred} cites {citation!r}, which is not quotable"


@pytest.mark.parametrize("regime", REGIMES)
def test_rules_sit_under_the_article_they_cite(regime):
    """A citing rule follows the %% text of the article it cites (literate order)."""
    enc = load_encoding(regime)
    current = None
    heads = {r.line: r for r in enc.rules}
    for n, raw in enumerate(enc.text.splitlines(), start=1):
        m = re.match(r"^%% (第[一二三四五六七八九十百]+条)", raw)
        if m:
            current = m.group(1)
        rule = heads.get(n)
        if rule and rule.pred in DECIDING | {"factor"} and rule.head[0]:
            assert rule.head[0].startswith(current), f"line {n}: rule citing {rule.head[0]} sits under {current}"


@pytest.mark.parametrize("regime", REGIMES)
def test_conditions_declared_have_rules(regime):
    enc = load_encoding(regime)
    met = {r.head[0] for r in enc.rules_for("condition_met")}
    assert set(enc.data.get("condition", [])) == met


@pytest.mark.parametrize("regime", REGIMES)
def test_no_deciding_predicate_without_citation_in_ground_program(regime):
    """In the ground program every deciding atom carries a string citation."""
    s = solver(regime)
    for atom in s.ctl.symbolic_atoms:
        sym = atom.symbol
        if sym.name in DECIDING and len(sym.arguments) >= 2:
            assert sym.arguments[1].type == clingo.SymbolType.String


def test_default_negation_of_case_facts_is_rejected():
    def first_literal(text):
        found = []
        ast.parse_string(text, lambda s: found.extend(s.body) if s.ast_type == ast.ASTType.Rule else None)
        return found[0]

    with pytest.raises(ValueError, match="default negation"):
        _pattern(first_literal("x(I) :- not holds(I, remedied)."), Path("x.lp"))
    assert _pattern(first_literal("x(I) :- -holds(I, remedied)."), Path("x.lp")).negated


def test_citing_predicates_have_roles():
    assert set(CITING_PREDICATES.values()) <= set(vocabulary().data["roles"])
    assert (ENCODINGS / "verdict.lp").is_file()


@pytest.mark.parametrize("regime", REGIMES)
def test_cached_rules_equal_a_fresh_parse(regime, tmp_path, monkeypatch):
    from rongcuo_asp.encoding import _parse_rules, parse_rules

    monkeypatch.setenv("RONGCUO_CACHE_DIR", str(tmp_path))
    path = ENCODINGS / vocabulary().regimes[regime]["encoding"]
    text = path.read_text(encoding="utf-8")
    fresh = _parse_rules(text, path)
    assert parse_rules(text, path) == fresh  # a miss: parsed and stored
    (entry,) = tmp_path.glob("rules-*.json")
    assert parse_rules(text, path) == fresh  # a hit: read back
    stored = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text('{"source": "x", "value": {"rules": [[1]]', encoding="utf-8")  # damaged: a miss
    assert parse_rules(text, path) == fresh
    bad = {"source": text, "value": {"rules": [["in_scope"]], "data": {}}}  # the right text, a wrong shape
    entry.write_text(json.dumps(bad), encoding="utf-8")
    assert parse_rules(text, path) == fresh
    stored["source"] = text.replace("第", "弟", 1)  # another text under the same name: a miss
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert parse_rules(text, path) == fresh
    monkeypatch.setenv("RONGCUO_CACHE_DIR", "off")
    assert parse_rules(text, path) == fresh


@pytest.mark.parametrize("regime", REGIMES)
def test_no_rule_reads_a_factor(regime):
    """`missing` leaves out facts only factor rules read; that is sound only while factors decide nothing."""
    from rongcuo_asp.encoding import regime_program

    readers = []

    def visit(stm) -> None:
        if stm.ast_type == ast.ASTType.Rule:
            for lit in stm.body:
                atom = getattr(lit, "atom", None)
                symbol = getattr(atom, "symbol", None)
                if symbol is not None and getattr(symbol, "name", None) == "factor":
                    readers.append(str(stm))

    ast.parse_string(regime_program(load_encoding(regime).text), visit)
    assert readers == []
    s = solver(regime)
    only_factors = {k for k in s.relevant if k not in s.deciding}
    assert set(s.deciding) <= set(s.relevant)
    assert bool(only_factors) == (regime in ("beijing", "xsbn_college")), only_factors  # the regimes with factors


def test_seed_copy_matches_the_shared_seeds():
    """Where ../shared/seeds is beside the checkout, the repository's copy must be identical."""
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert names == sorted(v["seed"] for v in vocabulary().regimes.values())
    if SHARED_SEEDS.is_dir():
        for name in names:
            assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


@pytest.mark.parametrize("regime", REGIMES)
def test_each_article_in_the_fixed_literate_order(regime):
    """Per article: its heading (and paragraphs before any item), then its treatment, then the
    items with their readings before the rules that cite them; chapter headings stand apart."""
    enc = load_encoding(regime)
    lines = enc.text.splitlines()
    article, heading_done, seen_rule_of = None, True, set()
    for n, raw in enumerate(lines, start=1):
        if raw.startswith("%% "):
            text = raw[3:].strip()
            if CHAPTER.match(text):
                assert article is None or heading_done, f"line {n}: chapter heading inside {article}'s heading"
                article = None
                continue
            m = re.match(r"^(第[一二三四五六七八九十百]+条)", text)
            if m:
                article, heading_done = m.group(1), False
            continue
        if article is None or not raw.strip() or raw.startswith("%"):
            continue
        if not heading_done:
            assert raw.startswith(f'treatment("{article}"'), f"line {n}: {article}'s treatment must follow its heading"
            heading_done = True
            continue
        assert not raw.startswith("treatment("), f"line {n}: a second treatment in {article}"
        cited = re.match(r'^[a-z_]+\(I, (?:[A-Za-z_]+, )?"([^"]+)"', raw)
        if cited:
            seen_rule_of.add(cited.group(1))
        reading = re.match(r'^reading\("([^"]+)"', raw)
        if reading:
            assert reading.group(1) not in seen_rule_of, f"line {n}: the reading of {reading.group(1)} must precede its rules"
    assert not any(re.search(r"第[一二三四五六七八九十]+章\s", a.text) for a in enc.articles.values())  # no chapter in an article
