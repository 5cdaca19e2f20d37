"""Reading 10: each document's 施行日期 as data; an incident before it is still decided under the
document, and the result and the report say so; where the text gives no date, they say that."""

import json

from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp.cli import main
from rongcuo_asp.vocabulary import vocabulary

SCEN = REPO / "facts" / "scenarios"
BEFORE = SCEN / "youxian/effective_date_before.lp"


def check(path, *args):
    out = CliRunner().invoke(main, ["check", str(path), *args])
    assert out.exit_code == 0, out.output
    return out.stdout


def test_the_dates_the_texts_give_and_only_those():
    dates = {r: info["effective_from"] for r, info in vocabulary().regimes.items()}
    assert dates == {
        "beijing": "2020-06-28",
        "youxian": "2017-06-27",
        "changzhou_edu": None,
        "xsbn_college": None,
        "university": None,
    }


def test_an_incident_before_the_date_is_decided_and_flagged():
    [r] = json.loads(check(BEFORE, "--format", "json"))["results"]
    assert (r["verdict"], r["outcome"], r["effective_from"]) == ("tolerable", "exempt", "2017-06-27")
    [c] = [c for c in r["conflicts"] if c["kind"] == "effective_date"]
    assert (c["article"], c["effective_from"], c["occurred"]) == ("第二十一条", "2017-06-27", "2016-05-01")
    assert "本工具的理解" in c["reading"] and "从旧兼从轻" in c["reading"]
    text = check(BEFORE)
    assert "早于本办法施行日期 2017-06-27（第二十一条）" in text and "本工具的理解" in text


def test_an_incident_after_the_date_has_no_remark():
    [r] = json.loads(check(BEFORE, "--regime", "beijing", "--format", "json"))["results"]
    assert r["effective_from"] == "2020-06-28"
    assert [c["kind"] for c in r["conflicts"] if c["kind"].startswith("effective")] == ["effective_date"]
    dated_2024 = SCEN / "cross/repeat_derived_changzhou.lp"
    results = json.loads(check(dated_2024, "--regime", "beijing", "--format", "json"))["results"]
    assert all(not c["kind"].startswith("effective") for r in results for c in r["conflicts"])


def test_an_unknown_date_is_said_to_be_unknown():
    results = json.loads(check(SCEN / "cross/repeat_derived_changzhou.lp", "--format", "json"))["results"]
    for r in results:
        assert r["effective_from"] is None
        [c] = [c for c in r["conflicts"] if c["kind"] == "effective_date_unknown"]
        assert c["article"] == "第十五条" and c["text"] == "本办法自发布之日起施行。"
    # the text sets a day (its publication) it does not name: not "names no day"
    text = check(SCEN / "cross/repeat_derived_changzhou.lp")
    assert "本办法第十五条规定「本办法自发布之日起施行」，文本未载明该日期" in text and "未载明具体施行日期" not in text
