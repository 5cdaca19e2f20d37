"""pytest plugin: fact files with expect atoms as tests, one test item per expectation.

Opt-in: `pytest --rongcuo facts/ mycases/` collects every `*.lp` file under the paths given that
carries expect atoms, so a test author's repository needs no Python.  A file the reader refuses is
one failing item whose message names file and line.  Registered through the `pytest11` entry point.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rongcuo")
    group.addoption(
        "--rongcuo",
        action="store_true",
        default=False,
        help="collect rongcuo fact files (*.lp) with expect atoms as tests, one per expectation",
    )


def pytest_collect_file(parent: pytest.Collector, file_path):
    if file_path.suffix == ".lp" and parent.config.getoption("rongcuo"):
        return FactFileTests.from_parent(parent, path=file_path)
    return None


class FactFileTests(pytest.File):
    def collect(self):
        from .factfile import FactFileError, read_fact_file
        from .scenarios import expectations, has_expectations

        try:
            ff = read_fact_file(self.path)
        except FactFileError as exc:
            yield Refused.from_parent(self, name="refused", message=exc.message())
            return
        if not has_expectations(ff):
            return
        for e in expectations(ff):
            yield ExpectationItem.from_parent(self, name=f"{e.line}:{e.text}", expectation=e)


class ExpectationItem(pytest.Item):
    def __init__(self, *, expectation, **kwargs):
        super().__init__(**kwargs)
        self.expectation = expectation

    def runtest(self) -> None:
        if not self.expectation.ok:
            raise ExpectationFailed(self.expectation.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExpectationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.expectation.line - 1, self.expectation.text


class Refused(pytest.Item):
    def __init__(self, *, message: str, **kwargs):
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise ExpectationFailed(self.message)

    def repr_failure(self, excinfo, style=None):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, "refused"


class ExpectationFailed(Exception):
    """An expectation that does not hold, or a file the reader refuses."""
