"""The case register's store and commands (issue 24): record, due, show, stats, export/import;
the file's schema, mode, migrations and refusals; concurrent writers and a killed one."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo_asp.cli import main
from rongcuo_asp.register_store import MIGRATIONS, SCHEMA_VERSION, open_store

# A complete 常州 case decided 可容错（免责） (第七条（五）), first of its matter.
CHANGZHOU = """\
case(c1).
regime(c1, changzhou_edu).
subject(c1, s1).
subject_kind(s1, individual).
org(s1, edu_bureau).
rank(s1, section).
incident(s1, i1).
holds(i1, ctx_public_service).
holds(i1, cause_efficiency).
holds(i1, public_interest).
holds(i1, consistent_with_policy).
holds(i1, democratic_decision).
holds(i1, remedied).
-holds(i1, knowing_violation).
-holds(i1, defied_prohibition).
-holds(i1, explicitly_prohibited).
-holds(i1, integrity_violation).
-holds(i1, private_gain).
-holds(i1, unit_gain).
-holds(i1, collusion).
-holds(i1, political_discipline_violation).
-holds(i1, refused_rectification).
-holds(i1, concealed).
-holds(i1, dereliction).
level(i1, mass_incident, none).
level(i1, accident, none).
level(i1, environment, none).
level(i1, harm, minor).
level(i1, recovery, full).
"""


def case_text(
    key: str | None = "RS-0342", matter: str = "校车接送容缺审批", occurred: str = "2024-02-10", extra: str = ""
) -> str:
    """The 常州 case with a subject key, a matter and an occurred date; `extra` facts appended."""
    lines = [CHANGZHOU, f'matter(i1, "{matter}").', f'date(i1, occurred, "{occurred}").']
    if key is not None:
        lines.append(f'subject_key(s1, "{key}").')
    return "\n".join(lines) + "\n" + extra


FIRST = "-holds(i1, repeated_error).\n-holds(i1, previously_tolerated).\n"  # the first of its matter


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "reg" / "register.sqlite3"
    monkeypatch.setenv("RONGCUO_DB", str(path))
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def count(path: Path, sql: str = "SELECT COUNT(*) FROM records") -> int:
    with sqlite3.connect(path) as c:
        return c.execute(sql).fetchone()[0]


def test_record_creates_the_register_with_schema_wal_and_mode_0600(db, write):
    a = write(case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n'), "a.lp")
    r = run("record", a, "--decision-no", "常教容〔2024〕3号", "--by", "张三")
    assert r.exit_code == 0, r.output
    assert "第 1 号（第 1 版）" in r.output and "已登记" in r.output
    assert (db.stat().st_mode & 0o777) == 0o600
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        row = c.execute(
            "SELECT subject_key, incident, regime, verdict, outcome, decision_no, decision_date, recorded_by, "
            "tool_version, rules_sha256, file_sha256, json FROM records JOIN results ON record_id = id"
        ).fetchone()
        text = c.execute("SELECT text FROM fact_files").fetchone()[0]
    assert row[:8] == ("RS-0342", "i1", "changzhou_edu", "tolerable", "exempt", "常教容〔2024〕3号", "2024-03-15", "张三")
    assert text == a.read_text(encoding="utf-8")  # the file as written, content-addressed
    import hashlib

    assert row[10] == hashlib.sha256(text.encode()).hexdigest()
    check = json.loads(run("check", a, "--format", "json").output)
    assert (row[8], row[9]) == (check["version"], check["sha256"])  # the tool and rule set that decided it
    assert json.loads(row[11])["verdict"] == "tolerable"


def test_record_is_idempotent_and_a_changed_file_is_a_new_version(db, write):
    a = write(case_text(extra=FIRST), "a.lp")
    assert run("record", a).exit_code == 0
    r = run("record", a)
    assert r.exit_code == 0 and "未改变" in r.output
    assert count(db) == 1
    a.write_text(case_text(extra=FIRST + "holds(i1, risk_assessed).\n"), encoding="utf-8")
    r = run("record", a)
    assert r.exit_code == 0 and "第 2 版" in r.output and "新版本" in r.output
    assert count(db) == 2 and count(db, "SELECT COUNT(*) FROM records WHERE current = 1") == 1
    assert count(db, "SELECT COUNT(*) FROM fact_files") == 2  # the old text kept
    shown = run("register", "show", "RS-0342")
    assert shown.output.count("第 1 版（旧版本）") == 1 and "第 2 版" in shown.output
    data = json.loads(run("register", "show", "RS-0342", "--format", "json").output)
    assert [(d["version"], d["current"]) for d in data["records"]] == [(1, False), (2, True)]


def test_a_subject_without_key_and_an_undetermined_incident_are_refused(db, write):
    r = run("record", write(case_text(key=None, extra=FIRST)))
    assert r.exit_code == 2
    assert "没有登记键" in r.output and "subject_key(s1" in r.output and "不按姓名" in r.output
    r = run("record", write(case_text(), "open.lp"))  # repeated_error, previously_tolerated unknown
    assert r.exit_code == 2
    assert "结论待定，不予登记" in r.output and "重复出现失误错误" in r.output
    assert not db.exists() or count(db) == 0


def test_two_keys_for_one_subject_are_refused(db, write):
    r = run("record", write(case_text(extra=FIRST + 'subject_key(s1, "other").\n')))
    assert r.exit_code == 2 and "2 个登记键" in r.output


@pytest.mark.parametrize(
    "kind",
    ["corrupt", "foreign", "newer", "read_only"],
)
def test_a_register_that_cannot_be_used_is_refused_naming_the_path(db, write, kind):
    db.parent.mkdir(parents=True)
    if kind == "corrupt":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    elif kind == "foreign":
        with sqlite3.connect(db) as c:
            c.execute("CREATE TABLE invoices (n INTEGER)")
    else:
        store = open_store(True, db)
        assert store is not None
        store.close()
        if kind == "newer":
            with sqlite3.connect(db) as c:
                c.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
        else:
            db.chmod(0o400)
    wal = Path(f"{db}-wal")
    before = (db.read_bytes(), wal.read_bytes() if wal.exists() else b"")
    a = write(case_text(extra=FIRST), "a.lp")
    for args in (["record", a], ["register", "import", a], ["register", "due"], ["register", "stats"]):
        r = run(*args)
        if kind == "read_only" and args[0] == "register" and args[1] in ("due", "stats"):
            assert r.exit_code == 0, r.output  # reading a read-only register is fine
            continue
        assert r.exit_code == 2, (args, r.output)
        assert str(db) in r.output, r.output
        assert "Traceback" not in r.output
    assert (db.read_bytes(), wal.read_bytes() if wal.exists() else b"") == before  # nothing written


def _v1_database(path: Path, result: dict) -> None:
    """A register as version 1 of the schema left it: no current mark, no steps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as c:
        for statement in MIGRATIONS[1][0]:
            c.execute(statement)
        c.execute("INSERT INTO schema_version (version) VALUES (1)")
        for version in (1, 2):
            c.execute("INSERT INTO fact_files (sha256, text) VALUES (?, 'case(c1).')", (f"f{version}",))
            c.execute(
                "INSERT INTO records (subject_key, path, incident, regime, version, file_sha256, subject, matter, occurred, "
                "verdict, outcome, result, tool_version, rules_sha256, recorded_at) VALUES "
                "('K', '/x.lp', 'i1', 'changzhou_edu', ?, ?, 's1', NULL, NULL, 'tolerable', 'exempt', ?, '0.1.0', 'h', "
                "'2024-03-20T00:00:00+00:00')",
                (version, f"f{version}", json.dumps(result, ensure_ascii=False)),
            )


def test_a_version_1_register_is_migrated_forward(db, write):
    a = write(case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n'), "a.lp")
    [result] = json.loads(run("check", a, "--format", "json").output)["results"]
    _v1_database(db, result)
    r = run("register", "due", "--today", "2024-03-20", "--format", "json")
    assert r.exit_code == 0, r.output
    due = json.loads(r.output)["due"]
    assert {d["step"] for d in due} >= {"feedback", "follow_up"}
    assert {d["record"] for d in due} == {2}  # the current version only
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert c.execute("SELECT id, current FROM records ORDER BY id").fetchall() == [(1, 0), (2, 1)]
        assert json.loads(c.execute("SELECT deciding FROM records WHERE id = 2").fetchone()[0]) == [
            "第七条第（五）项",
            "第十三条第（五）项",
        ]


def test_due_lists_owed_steps_overdue_first_with_article_and_date(db, write):
    a = write(case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n'), "a.lp")
    b = write(case_text(key="RS-9", matter="其他事由", extra=FIRST + 'date(i1, decision_made, "2024-05-01").\n'), "b.lp")
    assert run("record", a, "--decision-no", '=HYPERLINK("http://x")').exit_code == 0
    assert run("record", b).exit_code == 0
    data = json.loads(run("register", "due", "--today", "2024-05-03", "--format", "json").output)["due"]
    dated = [d for d in data if d["due"]]
    assert dated[0]["overdue"] and dated[0]["subject_key"] == "RS-0342" and dated[0]["step"] == "feedback"
    assert dated[0]["article"] == "第十条第（三）项" and dated[0]["due"] == "2024-03-29"
    overdue = [d["overdue"] for d in data]
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    assert [d["due"] for d in data if not d["overdue"] and d["due"]] == sorted(
        d["due"] for d in data if not d["overdue"] and d["due"]
    )
    assert data[-1]["due"] is None  # undated last
    within = json.loads(run("register", "due", "--today", "2024-05-03", "--within", "20d", "--format", "json").output)["due"]
    assert within and all(d["due"] and d["due"] <= "2024-05-23" for d in within)
    assert {d["subject_key"] for d in within} == {"RS-0342", "RS-9"}
    text = run("register", "due", "--today", "2024-05-03").output
    assert "逾期 35 天  2024-03-29  认定反馈  第十条第（三）项" in text
    out = db.parent / "due.xlsx"
    assert run("register", "due", "--today", "2024-05-03", "--format", "xlsx", "-o", out).exit_code == 0
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
    assert any(c.value == '=HYPERLINK("http://x")' for c in cells)
    assert all(c.data_type == "s" for c in cells if c.value is not None)  # never a formula


def test_stats_counts_and_the_html_chart(db, write, tmp_path):
    a = write(case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n'), "a.lp")
    b = write(case_text(key="RS-9", extra=FIRST + "holds(i1, private_gain).\n"), "b.lp")  # 谋取私利: 不予容错
    b.write_text(b.read_text(encoding="utf-8").replace("-holds(i1, private_gain).\n", ""), encoding="utf-8")
    assert run("record", a).exit_code == 0
    assert run("record", b, "--date", "2024-07-02").exit_code == 0
    data = json.loads(run("register", "stats", "--format", "json").output)
    assert data["total"] == 2 and data["by_regime"] == {"changzhou_edu": 2}
    assert data["by_verdict"] == {"tolerable": 1, "not_tolerable": 1}
    assert data["by_month"] == {"2024-03": 1, "2024-07": 1}
    assert {"regime": "changzhou_edu", "article": "第七条第（五）项", "count": 1} in data["by_article"]
    assert json.loads(run("register", "stats", "--year", "2023", "--format", "json").output)["total"] == 0
    page = tmp_path / "stats.html"
    assert run("register", "stats", "--format", "html", "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and html.count("<rect") == 5 and "2024-07" in html  # March to July, empty months as 0
    assert "src=" not in html and "<link" not in html and "<script" not in html  # no external asset


def test_export_import_round_trips_exactly_and_a_bad_line_imports_nothing(db, write, tmp_path, monkeypatch):
    a = write(case_text(extra=FIRST), "a.lp")
    assert run("record", a, "--decision-no", "甲〔2024〕1号", "--by", "张三").exit_code == 0
    a.write_text(case_text(extra=FIRST + "holds(i1, risk_assessed).\n"), encoding="utf-8")
    assert run("record", a).exit_code == 0
    first = run("register", "export").output
    assert len(first.splitlines()) == 1 + 2 + 2
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first, encoding="utf-8")
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "other.sqlite3"))
    r = run("register", "import", dump)
    assert r.exit_code == 0 and "已导入 2 条记录" in r.output
    assert run("register", "export").output == first
    assert "跳过已有记录 2 条" in run("register", "import", dump).output  # again: nothing doubled
    assert run("register", "export").output == first
    bad = tmp_path / "bad.jsonl"
    lines = first.splitlines()
    bad.write_text("\n".join([*lines[:3], lines[3].replace('"version": 1', '"version": "x"')]) + "\n", encoding="utf-8")
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "third.sqlite3"))
    r = run("register", "import", bad)
    assert r.exit_code == 2 and f"{bad}:4:" in r.output
    assert count(tmp_path / "third.sqlite3") == 0 and count(tmp_path / "third.sqlite3", "SELECT COUNT(*) FROM fact_files") == 0


def _template_row(tmp_path: Path) -> Path:
    """One prepared record (a real decided result) as JSON, with its file text, for writer processes."""
    from rongcuo_asp.factfile import parse_fact_text
    from rongcuo_asp.register import prepare
    from rongcuo_asp.results import check_file

    text = case_text(extra=FIRST + 'date(i1, decision_made, "2024-03-15").\n')
    ff = parse_fact_text(text.encode(), str(tmp_path / "t.lp"))
    [row] = prepare(ff, text, [dict(r) for r in check_file(ff, None)], None, None, "bench").rows
    out = tmp_path / "row.json"
    out.write_text(json.dumps({**row, "_text": text}, ensure_ascii=False), encoding="utf-8")
    return out


WRITER = """
import json, sys
from pathlib import Path
from rongcuo_asp.register import record_rows, sha256
from rongcuo_asp.register_store import open_store
row = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
tag, n_max, per = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
base = row.pop("_text")
store = open_store(True)
for n in range(n_max):
    name = f"shared-{n}" if n < n_max // 2 else f"{tag}-{n}"
    text = base + f"% {name}\\n"
    rows = [dict(row, path=f"/cases/{name}.lp", incident=f"i{k}", file_sha256=sha256(text)) for k in range(per)]
    record_rows(store, text, rows)
    print(n, flush=True)
"""


def test_two_processes_recording_at_once_lose_nothing_and_duplicate_nothing(db, tmp_path):
    row = _template_row(tmp_path)
    env = dict(os.environ, RONGCUO_DB=str(db))
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(row), tag, "100", "1"], env=env, stdout=subprocess.DEVNULL)
        for tag in ("p", "q")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with sqlite3.connect(db) as c:
        paths = [r[0] for r in c.execute("SELECT path FROM records")]
        assert len(paths) == 150 and len(set(paths)) == 150  # 50 shared once, 50 of each
        assert c.execute("SELECT COUNT(*) FROM fact_files").fetchone()[0] == 150
        assert c.execute("SELECT COUNT(*) FROM records WHERE current = 1").fetchone()[0] == 150


def test_a_process_killed_mid_record_leaves_the_register_consistent(db, tmp_path):
    row = _template_row(tmp_path)
    env = dict(os.environ, RONGCUO_DB=str(db))
    rng = random.Random(24)
    owed = None
    for attempt in range(3):
        p = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(row), f"k{attempt}", "100000", "3"], env=env, stdout=subprocess.PIPE, text=True
        )
        assert p.stdout is not None
        p.stdout.readline()  # it has committed at least one record
        time.sleep(rng.uniform(0.05, 0.4))
        p.send_signal(signal.SIGKILL)
        p.wait()
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            per_path = c.execute("SELECT path, COUNT(*) FROM records GROUP BY path").fetchall()
            assert per_path and all(n == 3 for _, n in per_path)  # each file's three incidents whole or not at all
            assert (
                c.execute("SELECT COUNT(*) FROM records WHERE file_sha256 NOT IN (SELECT sha256 FROM fact_files)").fetchone()[0]
                == 0
            )
            steps = c.execute("SELECT record_id, COUNT(*) FROM steps GROUP BY record_id").fetchall()
            assert len(steps) == len(per_path) * 3 and len({n for _, n in steps}) == 1  # every record's steps, all of them
            owed = owed or steps[0][1]
            assert steps[0][1] == owed > 0
    r = run("register", "stats", "--format", "json")
    assert r.exit_code == 0


def test_the_default_register_is_never_created_or_read_by_check(tmp_path, monkeypatch, write):
    monkeypatch.delenv("RONGCUO_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from rongcuo_asp.register_store import register_path

    assert register_path() == tmp_path / "data" / "rongcuo" / "register.sqlite3"
    r = run("check", write(case_text(extra=FIRST)))
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "data").exists()
    assert run("register", "due").exit_code == 0 and not (tmp_path / "data").exists()  # reading creates nothing


# -- found by the attack re-run ----------------------------------------------------------------


def test_no_output_of_the_register_commands_replaces_the_register(db, write, tmp_path):
    assert run("record", write(case_text(extra=FIRST))).exit_code == 0
    before = db.read_bytes()
    for args in (["export"], ["due", "--format", "json"], ["stats", "--format", "html"]):
        result = run("register", *args, "-o", db)
        assert result.exit_code == 2 and "输入文件" in result.output, result.output
    assert db.read_bytes() == before and count(db) == 1


def test_import_refuses_a_device_a_fifo_and_a_deeply_nested_line(db, write, tmp_path):
    assert run("record", write(case_text(extra=FIRST))).exit_code == 0
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    for source in ("/dev/zero", fifo):
        result = run("register", "import", source)
        assert result.exit_code == 2 and "不是普通文件" in result.output
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    result = run("register", "import", deep)
    assert result.exit_code == 2 and "嵌套层数过多" in result.output and count(db) == 1


def test_due_within_an_absurd_span_and_a_decision_in_year_9999(db, write, tmp_path):
    assert run("register", "due", "--within", "99999999d").exit_code == 2  # was OverflowError, exit 1
    assert run("record", write(case_text(extra=FIRST), "a.lp"), "--date", "2024-03-15").exit_code == 0
    assert run("record", write(case_text(key="RS-7", extra=FIRST), "b.lp"), "--date", "9999-12-31").exit_code == 0
    page = tmp_path / "stats.html"
    assert run("register", "stats", "--format", "html", "-o", page).exit_code == 0
    assert page.stat().st_size < 200_000 and page.read_text(encoding="utf-8").count("<rect") <= 200  # years, not 95 000 months


def test_show_and_stats_escape_what_an_import_brought(db, write, tmp_path, monkeypatch):
    """An export edited by hand can carry ESC or a bidi override in any field: register show and
    stats show it escaped, never sent to the terminal raw."""
    a = write(case_text(extra=FIRST), "a.lp")
    assert run("record", a).exit_code == 0
    lines = run("register", "export").output.splitlines()
    hostile = "\x1b]0;T\x07\u202eX\n通过"
    n = next(n for n, line in enumerate(lines) if '"record"' in line[:12])
    record = json.loads(lines[n])
    record["record"]["incident"] = "i1" + hostile
    record["record"]["outcome"] = "exempt" + hostile
    lines[n] = json.dumps(record, ensure_ascii=False)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "other.sqlite3"))
    if run("register", "import", dump).exit_code != 0:
        return  # refused at import: nothing to show (the stricter answer)
    for args in (["register", "show", "RS-0342"], ["register", "stats"]):
        out = run(*args).output
        assert "\x1b" not in out and "\u202e" not in out and not any(x.startswith("通过") for x in out.splitlines()), out


@pytest.mark.parametrize(
    "field, value, needle",
    [
        ("decision_date", "<b>x", "不是日期"),
        ("decision_date", "2024-99-99", "不是日期"),
        ("occurred", "x", "不是日期"),
        ("outcome", "=1+1", "未知的处理程度"),
        ("incident", "i1\u202e", "控制字符"),
        ("decision_no", "甲\x1b[2J", "控制字符"),
        ("matter", "not a term", "不是事由"),
        ("result", '{"x": 1}', "不是这一失误错误的认定结果"),
        ("recorded_at", "yesterday", "不是登记时间"),
    ],
)
def test_an_edited_export_is_refused_at_import_never_met_later(db, write, tmp_path, monkeypatch, field, value, needle):
    """A record an export was edited into crashed every later check of the subject (a decision date
    that is no date), dated a decision 2024年99月, silently dropped a repeat (a malformed occurred
    date) or crashed the import itself: refused with the line, nothing imported."""
    a = write(case_text(extra=FIRST), "a.lp")
    assert run("record", a).exit_code == 0
    lines = run("register", "export").output.splitlines()
    n = next(n for n, line in enumerate(lines) if '"record"' in line[:12])
    record = json.loads(lines[n])
    record["record"][field] = value
    lines[n] = json.dumps(record, ensure_ascii=False)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("RONGCUO_DB", str(tmp_path / "other.sqlite3"))
    result = run("register", "import", dump)
    assert result.exit_code == 2 and f"dump.jsonl:{n + 1}:" in result.output and needle in result.output, result.output
    assert "已导入" not in result.output
