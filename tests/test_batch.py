"""Batch review: streaming JSONL/CSV, worker processes, resume, refused files."""

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import BEIJING, REPO

from rongcuo_asp.cli import main


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "cases"
    shutil.copytree(REPO / "facts" / "scenarios" / "beijing", root / "beijing")
    shutil.copytree(REPO / "facts" / "scenarios" / "cross", root / "cross")
    (root / "broken.lp").write_text(BEIJING + "holds(i1, remedyed).\n", encoding="utf-8")
    return root


def batch(*args):
    return CliRunner().invoke(main, ["batch", *map(str, args), "--no-progress"])


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_batch_streams_results_and_reports_refused_files(corpus, tmp_path):
    out = tmp_path / "r.jsonl"
    result = batch(corpus, "--regime", "all", "-o", out)
    assert result.exit_code == 2  # a refused file: reported, the rest done
    assert "拒绝的文件 1 个" in result.output and "第 19 行：未知的失误错误特征 remedyed" in result.output
    assert result.output.count("broken.lp") == 1  # the path once, then its problems
    records = lines(out)
    files = {r["file"] for r in records}
    assert len(files) == len(list(corpus.rglob("*.lp"))) - 1
    assert {
        "file",
        "case",
        "incident",
        "regime",
        "verdict",
        "outcome",
        "grounds",
        "missing",
        "factors",
        "procedure",
        "conflicts",
    } <= set(records[0])
    assert len({(r["file"], r["case"], r["incident"], r["regime"]) for r in records}) == len(records)
    assert "北京市办法：可容错" in result.output  # the per-regime summary


def test_jobs_give_the_same_results(corpus, tmp_path):
    one, two = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    batch(corpus, "-o", one, "--regime", "beijing")
    batch(corpus, "-o", two, "--regime", "beijing", "--jobs", "2")
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_resume_after_an_interruption(corpus, tmp_path):
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    batch(corpus, "-o", full, "--regime", "beijing")
    text = full.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    part.write_text(cut[: cut.rfind("\n") + 1] + cut[cut.rfind("\n") + 1 :][:40], encoding="utf-8")  # ends mid-line
    result = batch(corpus, "-o", part, "--regime", "beijing", "--resume")
    assert "已跳过此前完成的" in result.output
    key = lambda r: (r["file"], r["case"], r["incident"], r["regime"])  # noqa: E731
    assert sorted(map(key, lines(part))) == sorted(map(key, lines(full)))
    assert sorted(lines(part), key=key) == sorted(lines(full), key=key)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_knows_a_file_however_its_path_is_spelled(corpus, tmp_path, fmt):
    """The second run names the same files by another path: nothing is written twice."""
    out = tmp_path / f"r.{fmt}"
    batch(corpus, "-o", out, "--regime", "beijing", "--format", fmt)
    first = out.read_bytes()
    (tmp_path / "link").symlink_to(corpus)
    for other in (corpus / ".." / corpus.name, tmp_path / "link"):
        result = batch(other, "-o", out, "--regime", "beijing", "--format", fmt, "--resume")
        assert result.exit_code == 2 and "已跳过此前完成的" in result.output  # broken.lp refused again
        assert out.read_bytes() == first


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_format(corpus, tmp_path):
    out = tmp_path / "r.csv"
    result = batch(corpus, "-o", out, "--format", "csv", "--regime", "beijing")
    assert result.exit_code == 2  # broken.lp
    rows = read_csv(out)
    assert {"文件", "失误错误", "办法", "结论", "决定条款", "认定依据", "判断因素", "需核实的事实", "拒绝原因"} <= set(rows[0])
    assert {"case", "incident", "regime", "verdict", "outcome"} <= set(rows[0])  # the codes, for programs
    row = next(r for r in rows if r["文件"].endswith("exclusion_10_2.lp"))
    assert row["verdict"] == "not_tolerable" and row["结论"] == "不予容错" and row["办法"] == "北京市办法"
    assert "第十条第（二）项（不予容错情形，阻却）" in row["认定依据"] and row["决定条款"] == "第十条第（二）项"
    assert any("有利因素：第九条" in r["判断因素"] for r in rows)
    [refused] = [r for r in rows if r["拒绝原因"]]
    assert refused["文件"].endswith("broken.lp") and refused["拒绝原因"].startswith("第 19 行：未知的失误错误特征 remedyed")
    assert not refused["结论"]
    result = batch(corpus, "-o", out, "--format", "csv", "--regime", "beijing", "--resume")
    assert read_csv(out) == rows  # nothing written twice, the refusal included
    assert result.exit_code == 2


def test_xlsx_ledger(corpus, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "台账.xlsx"
    result = batch(corpus / "beijing", "-o", out, "--format", "xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    ledger = book["案件台账"]
    header = [c.value for c in ledger[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ledger.iter_rows(min_row=2)]
    assert len(rows) == len(list((corpus / "beijing").glob("*.lp"))) and ledger.freeze_panes == "A2"
    row = next(r for r in rows if r["文件"].endswith("exclusion_10_2.lp"))
    assert row["结论"] == "不予容错" and row["verdict"] == "not_tolerable"
    counts = {(r[0].value, r[1].value): r[2].value for r in book["汇总"].iter_rows(min_row=2)}
    assert counts[("北京市办法", "不予容错")] == sum(r["verdict"] == "not_tolerable" for r in rows)
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # the usual permissions, not a temporary file's


def test_xlsx_needs_an_output_file(corpus):
    result = batch(corpus, "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.output


def test_resume_needs_an_output_file(corpus):
    result = batch(corpus, "--resume")
    assert result.exit_code == 2 and "--resume" in result.output


def test_missing_path_is_reported(tmp_path):
    result = batch(tmp_path / "nope")
    assert result.exit_code == 2 and "路径不存在" in result.output


def test_resume_writes_a_missing_paths_refusal_once(corpus, tmp_path):
    out = tmp_path / "r.csv"
    batch(corpus / "beijing", tmp_path / "nope", "-o", out, "--format", "csv")
    batch(corpus / "beijing", tmp_path / "nope", "-o", out, "--format", "csv", "--resume")
    refused = [r for r in read_csv(out) if r["拒绝原因"]]
    assert [r["拒绝原因"] for r in refused] == ["路径不存在"]


HOSTILE = {'=HYPERLINK("http://evil/","点此")', "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "＝1+1"}  # names, matters


@pytest.fixture
def hostile(tmp_path):
    """Two files whose names, matters, case names and evidence are formulas."""
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "=1+1.lp").write_text(
        BEIJING.replace("case(c1).", 'case(c1). name(c1, "=HYPERLINK(\\"http://evil/\\",\\"点此\\")").')
        + 'name(wang, "@SUM(1+1)*cmd|\' /C calc\'!A0"). matter(i1, "-2+3"). evidence(i1, remedied, "+cmd").\n',
        encoding="utf-8",
    )
    (root / "b.lp").write_text(BEIJING + 'matter(i1, "＝1+1").\n', encoding="utf-8")
    return root


def test_csv_cells_never_start_a_formula_and_resume_reads_them_back(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(hostile)  # the file column holds "=1+1.lp" as named
    out = tmp_path / "r.csv"
    assert batch("=1+1.lp", "b.lp", "-o", out, "--format", "csv").exit_code == 0
    rows = read_csv(out)
    cells = [v for r in rows for v in r.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"))]
    assert {"'" + h for h in HOSTILE} <= set(cells) and "'=1+1.lp" in {r["文件"] for r in rows}
    result = batch("=1+1.lp", "b.lp", "-o", out, "--format", "csv", "--resume")
    assert "已跳过此前完成的 2 条" in result.output and read_csv(out) == rows


def test_xlsx_cells_are_strings_never_formulas(hostile, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import zipfile

    out = tmp_path / "r.xlsx"
    assert batch(hostile, "-o", out, "--format", "xlsx").exit_code == 0
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    cells = {c.value: c.data_type for row in openpyxl.load_workbook(out)["案件台账"].iter_rows() for c in row}
    assert all(cells[h] == "s" for h in HOSTILE)


def test_a_file_a_workbook_cannot_hold_is_refused_alone(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    root = tmp_path / "cases"
    root.mkdir()
    (root / "bad\x1bname.lp").write_text(BEIJING, encoding="utf-8")
    (root / "good.lp").write_text(BEIJING, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = batch(root, "-o", out, "--format", "xlsx")
    assert result.exit_code == 2 and "拒绝的文件 1 个" in result.output
    sheet = openpyxl.load_workbook(out)["案件台账"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2
    assert any(r["文件"].endswith("bad\\x1bname.lp") and "控制字符 U+001B" in r["拒绝原因"] for r in rows)
    assert any(r["文件"].endswith("good.lp") and not r["拒绝原因"] for r in rows)


def test_a_second_batch_on_the_same_output_is_refused(corpus, tmp_path):
    import fcntl
    import os

    out = tmp_path / "r.jsonl"
    with open(tmp_path / "r.jsonl.lock", "w") as held:  # another run holds the output
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242\n")
        held.flush()
        result = batch(corpus / "beijing", "-o", out)
        assert result.exit_code == 2 and "正由另一个批量审查（进程 4242）写入" in result.output
    assert not out.exists() or out.read_text(encoding="utf-8") == ""
    assert batch(corpus / "beijing", "-o", out).exit_code == 0 and lines(out)
    assert not (tmp_path / "r.jsonl.lock").exists() and not os.path.exists(str(out) + ".lock")


def test_resume_of_a_csv_cut_inside_a_multiline_cell(corpus, tmp_path):
    (corpus / "two_errors.lp").write_text(BEIJING + "holds(i1, remedyed).\nholds(i1, fooo).\n", encoding="utf-8")
    full, part = tmp_path / "full.csv", tmp_path / "part.csv"
    batch(corpus, "-o", full, "--format", "csv", "--regime", "beijing")
    raw = full.read_bytes()
    inside = raw.index("\n第 20 行".encode()) + 1  # the second line of the quoted refusal reason of two_errors.lp
    assert raw.rfind(b'"', 0, inside) > raw.rfind(b"two_errors.lp", 0, inside)  # inside its quoted cell
    part.write_bytes(raw[:inside])  # cut just after the line break inside the cell
    result = batch(corpus, "-o", part, "--format", "csv", "--regime", "beijing", "--resume")
    assert result.exit_code == 2  # the refused files
    key = lambda r: (r["文件"], r["case"], r["incident"], r["regime"])  # noqa: E731
    assert sorted(read_csv(part), key=key) == sorted(read_csv(full), key=key)


@pytest.mark.parametrize(
    "content, fmt",
    [
        ('{"file": "a.lp", "case": "c1", "incident": "i1", "regime": "beijing", "verdict": "tolerable"}\n', "csv"),
        ("\ufeff文件,案件\r\nx,y\r\n", "jsonl"),
        ('{"a": 1}\n', "jsonl"),
        ("\x89PNG\r\n\x1a\n\x00\xff", "jsonl"),
        ("just some notes\n", "csv"),
    ],
)
def test_resume_refuses_a_file_it_did_not_write(corpus, tmp_path, content, fmt):
    out = tmp_path / "other.txt"
    out.write_bytes(content.encode("utf-8", "surrogateescape") if "\x89" not in content else content.encode("latin-1"))
    before = out.read_bytes()
    result = batch(corpus / "beijing", "-o", out, "--format", fmt, "--resume")
    assert result.exit_code == 2 and f"无法写入 {out}" in result.output and "续写" in result.output, result.output
    assert out.read_bytes() == before


LEDGER_FIELDS = [
    "file",
    "case",
    "case_name",
    "subject",
    "subject_name",
    "incident",
    "matter",
    "regime",
    "verdict",
    "outcome",
    "suggested_degree",
    "deciding",
    "blocking",
    "grounds",
    "factors",
    "missing",
    "decisive",
    "procedure",
    "conflicts",
    "evidence_gaps",
    "file_id",
    "sha256",
]


def test_full_records_are_checks_json_and_the_ledger_agrees_with_them(tmp_path):
    """--full writes check's whole record; the default ledger record has exactly its documented
    fields, each equal to what the full record says (so leaving parts out changes no answer)."""
    import hashlib

    from rongcuo_asp.batch import file_id
    from rongcuo_asp.factfile import read_fact_file
    from rongcuo_asp.results import check_file, deciding_articles

    root = tmp_path / "cases"
    shutil.copytree(REPO / "facts", root)
    ledger, full = tmp_path / "l.jsonl", tmp_path / "f.jsonl"
    assert batch(root, "--regime", "all", "-o", ledger).exit_code in (0, 2)
    assert batch(root, "--regime", "all", "-o", full, "--full").exit_code in (0, 2)
    fulls = lines(full)
    by_key = {(r["file"], r["case"], r["incident"], r["regime"]): r for r in fulls}
    example = root / "examples/beijing_example.lp"
    source = {"file_id": file_id(str(example)), "sha256": hashlib.sha256(example.read_bytes()).hexdigest()}
    for r in json.loads(json.dumps(check_file(read_fact_file(example), "all"))):
        assert {**r, **source} == by_key[(r["file"], r["case"], r["incident"], r["regime"])]  # check's, and the file's
    records = lines(ledger)
    assert len(records) == len(fulls) > 1000
    seen = set()
    for r in records:
        assert list(r) == LEDGER_FIELDS
        f = by_key[(r["file"], r["case"], r["incident"], r["regime"])]
        same = ("case_name", "subject", "subject_name", "matter", "verdict", "outcome", "missing", "conflicts", "evidence_gaps")
        assert {k: r[k] for k in same} == {k: f[k] for k in same}
        assert r["suggested_degree"] == (f["suggested_degree"] or {}).get("degree")
        assert r["deciding"] == list(dict.fromkeys(deciding_articles(f)))
        assert r["blocking"] == list(dict.fromkeys(g["article"] for g in f["grounds"] if g["effect"] == "against"))
        assert r["grounds"] == [{k: g[k] for k in ("article", "role", "effect")} for g in f["grounds"]]
        assert r["factors"] == [{k: x[k] for k in ("article", "kind")} for x in f["factors"]]
        assert r["decisive"] == [m["fact"] for m in f["missing_detail"] if m["decisive"]]
        assert r["procedure"] == [{k: p.get(k) for k in ("step", "article", "status", "due", "actual")} for p in f["procedure"]]
        seen |= {k for k in LEDGER_FIELDS if r[k]}
    assert seen == set(LEDGER_FIELDS)  # every field is filled somewhere: the comparison is not vacuous


def test_csv_rows_do_not_depend_on_full(corpus, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    batch(corpus, "--regime", "all", "--format", "csv", "-o", a)
    batch(corpus, "--regime", "all", "--format", "csv", "-o", b, "--full")
    assert a.read_bytes() == b.read_bytes()


# -- found by the attack re-run ----------------------------------------------------------------


def test_a_file_name_in_another_encoding_is_refused_alone(corpus, tmp_path):
    """A GBK name (an unzipped office archive) stopped the batch with exit 1 and a partial ledger."""
    import os

    gbk = os.fsencode(str(corpus / "beijing")) + b"/" + "王某案.lp".encode("gbk")
    with open(gbk, "wb") as fh:
        fh.write(BEIJING.encode("utf-8"))
    for fmt in ("jsonl", "csv", "xlsx"):
        out = tmp_path / f"l.{fmt}"
        result = batch(corpus / "beijing", "-o", out, "--format", fmt)
        assert result.exit_code == 2 and "文件名不是 UTF-8 编码" in result.output, result.output
        assert out.exists() and out.stat().st_size > 1000  # every other file is in the ledger


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_of_a_file_cut_inside_a_character(corpus, tmp_path, fmt):
    full, part = tmp_path / f"full.{fmt}", tmp_path / f"part.{fmt}"
    batch(corpus / "beijing", "-o", full, "--format", fmt)
    raw = full.read_bytes()
    middle = next(i for i in range(len(raw) // 2, len(raw)) if raw[i] >= 0xE0) + 1  # one byte into a CJK character
    part.write_bytes(raw[:middle])
    result = batch(corpus / "beijing", "-o", part, "--format", fmt, "--resume")
    assert result.exit_code == 0, result.output
    assert sorted(part.read_text(encoding="utf-8").splitlines()) == sorted(full.read_text(encoding="utf-8").splitlines())


def test_resume_of_a_deeply_nested_line_is_refused_not_a_crash(corpus, tmp_path):
    out = tmp_path / "deep.jsonl"
    out.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    result = batch(corpus / "beijing", "-o", out, "--resume")
    assert result.exit_code == 2 and "续写" in result.output


def test_a_hard_link_to_an_output_in_use_is_refused(corpus, tmp_path):
    from rongcuo_asp.batchfile import OutputRefused, lock, unlock

    out = tmp_path / "led.jsonl"
    out.write_text("", encoding="utf-8")
    (tmp_path / "hl.jsonl").hardlink_to(out)
    held = lock(out)  # a first run holds the output
    try:
        result = batch(corpus / "beijing", "-o", tmp_path / "hl.jsonl")
        assert result.exit_code == 2 and "硬链接" in result.output
        with pytest.raises(OutputRefused):
            lock(tmp_path / "hl.jsonl")
    finally:
        unlock(held)
    assert not (tmp_path / "hl.jsonl.lock").exists()  # the refused run left no lock behind


def test_a_pipe_is_named_as_no_regular_file_not_as_missing(tmp_path):
    import os

    fifo = tmp_path / "cases.lp"
    os.mkfifo(fifo)
    for command in (["batch", str(fifo), "--no-progress"], ["test", str(fifo)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2 and "不是普通文件" in result.output and "路径不存在" not in result.output, result.output
    result = CliRunner().invoke(main, ["test", str(tmp_path / "gone.lp")])
    assert result.exit_code == 2 and "路径不存在" in result.output


def test_ctrl_c_ends_a_parallel_batch_at_once_and_resume_completes_it(tmp_path):
    """The terminal sends SIGINT to the whole process group: every worker and the parent.  A worker
    interrupted mid-task printed a traceback and the pool could wait for it for ever; now the parent
    ends the pool and exits 130 at once, and --resume completes the ledger."""
    import os
    import signal
    import subprocess
    import sys
    import time

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    cases = tmp_path / "cases"
    cases.mkdir()
    for n in range(600):  # many small files: many hand-overs between the parent and the workers
        (cases / f"p{n:03d}.lp").write_text(generate(3, seed=3, known=1.0, offset=3 * n), encoding="utf-8")
    out = tmp_path / "ledger.csv"
    cmd = [sys.executable, "-m", "rongcuo_asp", "batch", str(cases), "--regime", "beijing", "-o", str(out)]
    cmd += ["--format", "csv", "--jobs", "2", "--no-progress"]
    for delay in (0.4, 0.6, 0.9, 1.2, 1.5):  # past start-up (an interrupt while Python imports is its own)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("the interrupted batch did not end") from None
        assert proc.returncode in (0, 130), err.decode()
        assert b"Traceback" not in err, err.decode()
        done = subprocess.run([*cmd, "--resume"], capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        rows = read_csv(out)
        assert len(rows) == 1800 and len({(r["文件"], r["incident"]) for r in rows}) == 1800
        out.unlink()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_compares_the_file_itself_not_its_spelling(tmp_path, monkeypatch, fmt):
    """--resume skips what the output holds for the same file with the same content: named from
    another directory it is still the same file (nothing written twice); another file at the same
    relative path is another file (reviewed, not skipped with the first one's verdict); a file
    changed since is refused, its old conclusions never left standing beside new ones."""
    example = (REPO / "facts" / "examples" / "beijing_example.lp").read_text(encoding="utf-8")
    barred = example.replace("-holds(i1, private_gain).", "holds(i1, private_gain).")
    for where, text in (("x", example), ("y", barred)):
        (tmp_path / where / "cases").mkdir(parents=True)
        (tmp_path / where / "cases" / "a1.lp").write_text(text, encoding="utf-8")
    out = tmp_path / f"ledger.{fmt}"
    monkeypatch.chdir(tmp_path / "x")
    assert batch("cases", "-o", out, "--format", fmt).exit_code == 0
    first = out.read_bytes()
    monkeypatch.chdir(tmp_path / "x" / "cases")  # the same file, named from inside its directory
    result = batch(".", "-o", out, "--format", fmt, "--resume")
    assert result.exit_code == 0 and "已跳过此前完成的 1 条" in result.output and out.read_bytes() == first
    monkeypatch.chdir(tmp_path / "y")  # another file at the same relative path
    result = batch("cases", "-o", out, "--format", fmt, "--resume")
    assert result.exit_code == 0 and "写出 1 条结论" in result.output
    verdicts = [r["verdict"] for r in (lines(out) if fmt == "jsonl" else read_csv(out))]
    assert verdicts == ["tolerable", "not_tolerable"]
    (tmp_path / "x" / "cases" / "a1.lp").write_text(barred, encoding="utf-8")  # changed since
    monkeypatch.chdir(tmp_path / "x")
    before = out.read_bytes()
    result = batch("cases", "-o", out, "--format", fmt, "--resume")
    assert result.exit_code == 2 and "自上次审查后文件已改动" in result.output
    written = out.read_bytes()
    if fmt == "jsonl":
        assert written == before  # no conclusion of the changed file
    else:
        [refused] = [r for r in read_csv(out) if r["拒绝原因"]]
        assert refused["拒绝原因"].startswith("自上次审查后文件已改动") and written.startswith(before)


def test_a_hostile_file_name_is_escaped_in_the_csv_ledger(tmp_path, monkeypatch):
    """The 文件 cell was written raw: ESC, BEL, a bidi override and a newline reached the terminal
    (the ledger on standard output) or the spreadsheet; it is shown escaped, and file_id still
    tells the file."""
    cases = tmp_path / "cases"
    cases.mkdir()
    name = "ev\x1b]0;PWN\x07\u202eil\n通过 x.lp"
    (cases / name).write_text(BEIJING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = batch("cases", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout for c in "\x1b\x07\u202e")
    [row] = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert row["文件"] == "cases/ev\\x1b]0;PWN\\x07\\u202eil\\n通过 x.lp" and len(row["file_id"]) == 16


def test_a_link_that_resolves_to_nothing_is_refused_not_passed_over(tmp_path):
    """A looping or dangling *.lp link in a directory was silently left out of the batch."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.lp").write_text(BEIJING, encoding="utf-8")
    (cases / "loop.lp").symlink_to("loop.lp")
    (cases / "gone.lp").symlink_to("nowhere.lp")
    result = batch(cases)
    assert result.exit_code == 2 and "拒绝的文件 2 个" in result.output
    assert result.output.count("符号链接无法解析") == 2
    named = CliRunner().invoke(main, ["test", str(cases / "loop.lp")])
    assert named.exit_code == 2 and "符号链接无法解析" in named.output
