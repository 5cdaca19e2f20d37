"""Every fact file under facts/ is a scenario: its expect atoms must hold."""

from pathlib import Path

import pytest

from rongcuo_asp.factfile import read_fact_file
from rongcuo_asp.scenarios import scenario_failures

FACTS = Path(__file__).resolve().parent.parent / "facts"
FILES = sorted(FACTS.rglob("*.lp"))


def test_suite_is_large_enough():
    assert len(FILES) >= 80


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FACTS)))
def test_scenario(path):
    failures = scenario_failures(read_fact_file(path))
    assert not failures, "\n".join(failures)
