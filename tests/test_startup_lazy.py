"""Start-up (issue 23): `rongcuo check` of one case loads only what it needs, and what it skips
(the other commands, a parse of the encodings already cached) is still there when asked for."""

import json
import os
import subprocess
import sys

import click
from click.testing import CliRunner
from conftest import REPO

from rongcuo_asp.cli import COMMANDS, LazyGroup, main
from rongcuo_asp.encoding import load_encoding
from rongcuo_asp.procedure import _parse_procedure_facts, procedure_facts

EXAMPLE = str(REPO / "facts/examples/beijing_example.lp")

# Loaded by some command, never by `check` of the example.
NOT_FOR_CHECK = {
    *(f"rongcuo_asp.commands.{m}" for m in ("batch", "explain", "info", "interview", "mutate", "opinion", "register", "verify")),
    "rongcuo_asp.interview",
    "rongcuo_asp.batch",
    "rongcuo_asp.ledger",
    "rongcuo_asp.mutate",
    "rongcuo_asp.verify",
    "rongcuo_asp.whatif",
    "rongcuo_asp.explain",
    "rongcuo_asp.opinion",
    "openpyxl",
}
# Only an encoding not yet in the start-up cache needs the parser.
PARSER = {"clingo.ast", "rongcuo_asp.vocabcheck"}


def modules_of_check(cache_dir, *args: str) -> tuple[set[str], str]:
    """The modules `python -m rongcuo_asp check` loaded and what it printed; it succeeded and froze
    the objects it left (cli.run: the collection at exit skips them)."""
    script = (
        "import atexit, gc, json, runpy, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nFROZEN %d\\n' % gc.get_freeze_count()))\n"
        f"sys.argv = ['rongcuo', 'check', *{list(args)!r}]\n"
        "try:\n"
        "    runpy.run_module('rongcuo_asp', run_name='__main__')\n"
        "finally:\n"
        "    sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    env = {**os.environ, "RONGCUO_CACHE_DIR": str(cache_dir)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stderr.rsplit("FROZEN ", 1)[1]) > 10_000, result.stderr
    return set(json.loads(result.stderr.rsplit("MODULES ", 1)[1].split("\n", 1)[0])), result.stdout


def test_check_loads_no_other_command_and_no_parser_once_cached(tmp_path):
    cold, out_cold = modules_of_check(tmp_path, EXAMPLE)
    assert not cold & NOT_FOR_CHECK, cold & NOT_FOR_CHECK
    assert {"rongcuo_asp.commands.check", "rongcuo_asp.results"} <= cold
    assert PARSER <= cold  # the first run parses the encoding and fills the cache
    warm, out_warm = modules_of_check(tmp_path, EXAMPLE)
    assert not warm & (NOT_FOR_CHECK | PARSER), warm & (NOT_FOR_CHECK | PARSER)
    _, out_off = modules_of_check("off", EXAMPLE)
    assert out_cold == out_warm == out_off and "可容错" in out_warm


def test_every_command_resolves_and_help_lists_them_all():
    assert set(COMMANDS) == {
        "batch", "check", "compare", "coverage", "explain", "interview", "mutate", "opinion",
        "provisions", "record", "regimes", "register", "test", "verify", "vocabulary", "whatif",
    }  # fmt: skip
    ctx = click.Context(main)
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert isinstance(cmd, click.Command) and cmd.name == name, name
    assert main.list_commands(ctx) == sorted(COMMANDS)
    out = CliRunner().invoke(main, ["--help"]).output
    listed = out.split("命令（commands）:", 1)[1].splitlines()
    assert sorted(line.split()[0] for line in listed if line.startswith("  ")) == sorted(COMMANDS)


def test_a_mistyped_command_is_refused_with_a_suggestion_among_all_commands():
    # click suggests among the commands it has loaded, and a lazy group has loaded none at first
    for typed, meant in (("chek", "check"), ("interveiw", "interview"), ("registr", "register")):
        result = CliRunner().invoke(LazyGroup("rongcuo"), [typed])
        assert result.exit_code == 2 and f"没有命令 '{typed}'" in result.output and f"'{meant}'" in result.output


def test_cached_procedure_facts_equal_a_fresh_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("RONGCUO_CACHE_DIR", str(tmp_path))
    text = load_encoding("beijing").text
    fresh = _parse_procedure_facts(text)
    assert fresh["procedure_step"] and all(isinstance(row, tuple) for rows in fresh.values() for row in rows)
    read = procedure_facts.__wrapped__  # past the in-process cache
    assert read(text) == fresh  # a miss: parsed and stored
    (entry,) = tmp_path.glob("procedure-*.json")
    assert read(text) == fresh  # a hit: read back as tuples, in file order
    stored = json.loads(entry.read_text(encoding="utf-8"))
    for bad in (
        {"usual_limit": [["第九条", "x"]]},  # a wrong arity
        {"unknown_fact": [["a", "b", "c"]]},
        {"usual_limit": [["第九条", "x", 3]]},
        {"usual_limit": "x"},
        [],
    ):
        entry.write_text(json.dumps({**stored, "value": bad}, ensure_ascii=False), encoding="utf-8")
        assert read(text) == fresh, bad
    entry.write_text(json.dumps({**stored, "source": text + " "}, ensure_ascii=False), encoding="utf-8")
    assert read(text) == fresh  # another text under the same name: a miss
    monkeypatch.setenv("RONGCUO_CACHE_DIR", "off")
    assert read(text) == fresh
