"""The written opinion quotes only the effect articles (结果运用) whose text names the outcome decided,
and the law's phrases it uses are the law's: checked on the opinion of every file under facts/ and
against the articles' verbatim texts (not against the mapping the opinion reads)."""

import re
from pathlib import Path

import pytest
from conftest import REPO

from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.factfile import FactFileError, read_fact_file
from rongcuo_asp.opinion import opinion_document
from rongcuo_asp.results import incident_result, incidents_of
from rongcuo_asp.vocabulary import vocabulary

# The words by which a text names an outcome.  An article that names tolerance without a degree
# (对予以容错的单位或个人, 给予容错的干部) applies to every tolerable outcome.
NAMES = {
    "exempt": ("免责", "免予", "免于", "免除"),
    "mitigate": ("减责", "从轻", "减轻"),
    "lighter": ("减责", "从轻"),
    "reduce": ("减责", "减轻"),
}
ANY_TOLERANCE = ("予以容错的", "给予容错的", "对容错的")
QUOTED = re.compile(r"^《(?:办法|细则)》(第[一二三四五六七八九十百]+条)规定：「")
FILES = sorted(str(p.relative_to(REPO)) for p in (REPO / "facts").rglob("*.lp"))


def names(text: str, outcome: str) -> bool:
    return any(w in text for w in NAMES[outcome]) or any(w in text for w in ANY_TOLERANCE)


def _opinions(path: str):
    """Every decided-tolerable (incident, regime) of a file with its opinion model."""
    try:
        ff = read_fact_file(REPO / path)
    except FactFileError:
        return
    for ci in incidents_of(ff):
        regimes = {e[0] for e in ci.inc.expects} or set(ff.cases[ci.subject.case].regimes) or set(vocabulary().regimes)
        for regime in sorted(regimes):
            r = incident_result(ci, regime)
            if r["verdict"] == "tolerable":
                yield r, opinion_document(r, {**ci.subject.records, **ci.inc.records})


@pytest.mark.parametrize("path", FILES)
def test_effect_articles_quoted_name_the_outcome_decided(path):
    for r, doc in _opinions(path):
        enc = load_encoding(r["regime"])
        text = "".join(p["text"] for s in doc["sections"] for p in s["paragraphs"])
        handling = next(s for s in doc["sections"] if s["heading"].endswith("处理意见"))
        quoted = [m.group(1) for p in handling["paragraphs"] if p["kind"] == "quote" and (m := QUOTED.match(p["text"]))]
        for article in quoted:
            assert enc.articles[article].treatment in ("effect", "decision"), (path, article)
            assert names(enc.quote(article), r["outcome"]), f"{path}: {article} does not name {r['outcome']}"
        if r["outcome"] in ("mitigate", "lighter", "reduce"):
            assert "予以容错免责" not in text and "容错免责条件" not in text, path
            # the degree in the title, in the document's own terms (北京 容错减责; 常州 从轻、减轻责任追究)
            assert "减责" in doc["title"] or ("从轻" in doc["title"] and "减轻" in doc["title"]), path
            assert "减责" not in doc["title"] or "减责" in "".join(a.text for a in enc.articles.values()), path
        if r["outcome"] == "exempt":
            assert ("免责" in doc["title"] or "免予" in doc["title"] or "免除" in doc["title"]) and quoted, path
            assert "容错免责" not in doc["title"] or "容错免责" in "".join(a.text for a in enc.articles.values()), path


def test_the_scenarios_cover_every_regime_and_both_outcomes():
    seen = {(r["regime"], r["outcome"]) for path in FILES for r, _ in _opinions(path)}
    for regime in vocabulary().regimes:
        assert {(regime, "exempt"), (regime, "mitigate")} <= seen, regime


def test_xsbn_effect_article_is_the_one_on_the_use_of_the_result():
    """西双版纳 第十条 "对容错的单位或个人，可在以下方面免责或减责"; 第十二条 (通报、回访) is a duty, not the effect."""
    [(r, doc)] = [x for x in _opinions("facts/scenarios/xsbn_college/outcome_reduce.lp") if x[0]["regime"] == "xsbn_college"]
    handling = next(s for s in doc["sections"] if s["heading"].endswith("处理意见"))["paragraphs"]
    quotes = [p["text"] for p in handling if p["kind"] == "quote"]
    assert any(q.startswith("《细则》第十条规定：「对容错的单位或个人，可在以下方面免责或减责") for q in quotes)
    assert not any(q.startswith("《细则》第十二条") for q in quotes)
    assert any("予以容错的情况应当在一定范围内以适当方式通报（第十二条）" in p["text"] for p in handling)


def test_the_opinion_table_quotes_the_law():
    """Every phrase of the vocabulary's opinion table is a substring of the article it cites; an
    effect article's phrase names each outcome it is listed for; the outcome's wording says it."""
    table = vocabulary().data["opinion"]
    for regime in vocabulary().regimes:
        enc = load_encoding(regime)
        for e in table["effect_articles"][regime]:
            assert e["phrase"] in enc.quote(e["article"]), (regime, e)
            for outcome in e["outcomes"]:
                assert names(e["phrase"], outcome), (regime, e["article"], outcome)
        for e in table["procedure"][regime]:
            assert e["phrase"] in enc.quote(e["article"]), (regime, e)
        wording = table["outcome_wording"][regime]
        assert "免" in wording["exempt"] and not any(w in wording["exempt"] for w in ("从轻", "减轻"))
        assert "从轻" in wording["mitigate"] and "减轻" in wording["mitigate"] and "免" not in wording["mitigate"]


def test_beijing_17_is_not_quoted_when_the_effect_mapping_says_otherwise(monkeypatch):
    """The test above can fail: listing 北京 第十七条 (予以容错免责的) for mitigate quotes it under a 减责
    decision, which the article-text check refuses."""
    table = vocabulary().data["opinion"]["effect_articles"]
    monkeypatch.setitem(
        table, "beijing", [{"article": "第十七条", "phrase": "予以容错免责的", "outcomes": ["exempt", "mitigate"]}]
    )
    with pytest.raises(AssertionError, match="第十七条 does not name mitigate"):
        test_effect_articles_quoted_name_the_outcome_decided(str(Path("facts/examples/beijing_mitigate.lp")))
