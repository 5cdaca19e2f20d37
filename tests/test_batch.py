"""Batch review: streaming JSONL/CSV, worker processes, resume, refused files."""

import csv
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
    assert "broken.lp:19:" in result.output and "拒绝的文件 1 个" in result.output
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
    assert "beijing" in result.output and "可容错" in result.output  # the per-regime summary


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


def test_csv_format(corpus, tmp_path):
    out = tmp_path / "r.csv"
    batch(corpus / "beijing", "-o", out, "--format", "csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {"file", "incident", "regime", "verdict", "outcome", "grounds", "missing"} <= set(rows[0])
    row = next(r for r in rows if r["file"].endswith("exclusion_10_2.lp"))
    assert row["verdict"] == "not_tolerable" and "第十条第（二）项:exclusion:against" in row["grounds"]
    result = batch(corpus / "beijing", "-o", out, "--format", "csv", "--resume")
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == len(rows)  # nothing written twice
    assert result.exit_code == 0


def test_resume_needs_an_output_file(corpus):
    result = batch(corpus, "--resume")
    assert result.exit_code == 2 and "--resume" in result.output


def test_missing_path_is_reported(tmp_path):
    result = batch(tmp_path / "nope")
    assert result.exit_code == 2 and "路径不存在" in result.output
