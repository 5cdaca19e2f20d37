import os
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The suite keeps its start-up cache to itself (and starts cold), away from the user's.
os.environ["RONGCUO_CACHE_DIR"] = tempfile.mkdtemp(prefix="rongcuo-test-cache-")

# A complete, tolerable Beijing case (../shared/spec/facts.md example); tests vary it.
BEIJING = textwrap.dedent(
    """\
    case(c1).
    regime(c1, beijing).
    subject(c1, wang).
    subject_kind(wang, individual).
    org(wang, government).
    holds(wang, public_official).
    incident(wang, i1).
    holds(i1, ctx_public_service).
    holds(i1, cause_efficiency).
    holds(i1, effect_procedural_flaw).
    -holds(i1, political_discipline_violation).
    -holds(i1, private_gain).
    level(i1, accident, none).
    level(i1, environment, none).
    level(i1, mass_incident, none). -holds(i1, unit_gain). -holds(i1, knowing_violation). -holds(i1, repeated_error). -holds(i1, refused_rectification). -holds(i1, accountability_required).
    holds(i1, remedied).
    level(i1, harm, minor).
    level(i1, recovery, full).
    """
)


@pytest.fixture
def write(tmp_path):
    """write(text, name='case.lp') -> path of a fact file with that text."""

    def _write(text: str | bytes, name: str = "case.lp") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def _private_register(tmp_path_factory, monkeypatch):
    """No test reads or writes a user's case register: RONGCUO_DB points into the test's own
    directory unless the test sets its own."""
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path_factory.mktemp("register") / "register.sqlite3"))


# Every file any test reads through the fast reader (fastread.py) is read by the strict reader too,
# and must give the same FactFile: the hostile files of the whole suite test that the fast path
# never accepts what the strict reader refuses, nor reads a fact, a line or an order otherwise.
_READER_DISAGREES: list[str] = []


def _install_reader_check() -> None:
    import rongcuo_asp.factfile as factfile

    fast = factfile.fast_fact_file

    def checked(text: str, name: str):
        ff = fast(text, name)
        if ff is not None:
            try:
                strict = factfile.parse_fact_text(text.encode("utf-8"), name, fast=False)
            except factfile.FactFileError as exc:
                _READER_DISAGREES.append(f"{name}: the strict reader refuses what the fast one read:\n{exc}")
                raise AssertionError(_READER_DISAGREES[-1]) from None
            if repr(strict) != repr(ff):
                _READER_DISAGREES.append(f"{name}: the readers give different files")
                raise AssertionError(_READER_DISAGREES[-1])
        return ff

    factfile.fast_fact_file = checked


_install_reader_check()


@pytest.fixture(autouse=True)
def _readers_agree():
    yield
    found, _READER_DISAGREES[:] = list(_READER_DISAGREES), []
    assert not found, found
