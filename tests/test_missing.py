"""What a reviewer must still establish: difference-making facts, in the law's order, with thresholds."""

import json

from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp.cli import main

SCEN = REPO / "facts" / "scenarios"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one(path, *args) -> dict:
    out = run("check", path, *args, "--format", "json")
    assert out.exit_code == 0, out.output
    [r] = json.loads(out.output)["results"]
    return r


def test_missing_follows_the_law_and_marks_decisive_facts():
    r = one(SCEN / "youxian/sparse_emergency.lp")
    roles = [m["role"] for m in r["missing_detail"]]
    order = ["scope", "scenario", "condition", "exclusion", "repeat", "outcome"]
    assert roles == sorted(roles, key=order.index), roles
    # the nearest scenario item first: 第七条第（九）项 lacks only its cause
    assert [m["fact"] for m in r["missing_detail"][:2]] == ["holds(i1,cause_risk_taking)", "holds(i1,cause_vested_interests)"]
    assert {m["article"] for m in r["missing_detail"][:2]} == {"第七条第（九）项"}
    decisive = {m["fact"] for m in r["missing_detail"] if m["decisive"]}
    assert "holds(i1,knowing_violation)" in decisive  # established, it alone bars tolerance (第三条)
    assert "holds(i1,cause_risk_taking)" not in decisive  # alone it does not settle the verdict
    assert [m["fact"] for m in r["missing_detail"]] == r["missing"]
    text = run("check", SCEN / "youxian/sparse_emergency.lp").output
    assert text.index("容错情形") < text.index("容错条件") < text.index("不予容错情形") < text.index("处理程度")
    assert "是否明知故犯（第三条）（单项即可决定）" in text
