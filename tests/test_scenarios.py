"""Every fact file under facts/ is a scenario: its expect atoms run as tests through the project's
pytest plugin (pyproject: testpaths include facts/, addopts --rongcuo).  Here: the suite's size,
that every file states what it expects, and the plugin and `rongcuo test` themselves."""

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import BEIJING

from rongcuo_asp.cli import main
from rongcuo_asp.factfile import read_fact_file
from rongcuo_asp.scenarios import scenario_failures

FACTS = Path(__file__).resolve().parent.parent / "facts"
FILES = sorted(FACTS.rglob("*.lp"))


def test_suite_is_large_enough():
    assert len(FILES) >= 190


def test_every_scenario_file_states_its_verdict():
    lacking = [str(p) for p in FILES if any("no expect/3,4 atoms" in f for f in scenario_failures(read_fact_file(p)))]
    assert lacking == []


def _cases(tmp_path: Path) -> Path:
    d = tmp_path / "mycases"
    d.mkdir()
    (d / "good.lp").write_text(BEIJING + "expect(i1, beijing, tolerable, exempt).\n", encoding="utf-8")
    (d / "wrong.lp").write_text(
        BEIJING + 'expect(i1, beijing, not_tolerable).\nexpect_ground(i1, beijing, "第八条第（五）项").\n', encoding="utf-8"
    )
    (d / "plain.lp").write_text(BEIJING, encoding="utf-8")  # no expectations: not a test
    (d / "broken.lp").write_text(BEIJING + "holds(i1, remedyed).\n", encoding="utf-8")
    return d


def test_pytest_plugin_collects_one_item_per_expectation(tmp_path):
    d = _cases(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--rongcuo", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(d)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    out = run.stdout
    assert run.returncode == 1, out
    assert "2 failed, 2 passed" in out, out  # good: 1 pass; wrong: 1 fail + 1 pass; broken: refused
    assert "wrong.lp:19: i1 under beijing: expected not_tolerable" in out and "broken.lp:19:" in out and "remedied" in out
    without = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(d)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "no tests ran" in without.stdout  # opt-in: without --rongcuo nothing is collected


def test_rongcuo_test_reports_each_expectation(tmp_path):
    d = _cases(tmp_path)
    (d / "broken.lp").unlink()
    result = CliRunner().invoke(main, ["test", str(d)])
    assert result.exit_code == 1
    assert "通过  " in result.output and "不符  " in result.output and "2 passed, 1 failed" in result.output
    (d / "wrong.lp").unlink()
    result = CliRunner().invoke(main, ["test", str(d)])
    assert result.exit_code == 0 and "1 passed, 0 failed" in result.output
    assert CliRunner().invoke(main, ["test", str(tmp_path / "nowhere")]).exit_code == 2
