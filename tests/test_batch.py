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
