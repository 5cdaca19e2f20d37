"""The case register (issue 24): decided incidents kept with the fact file as written, what each
recorded case still owes, a subject's history, counts, and JSON lines in and out.

The store is register_store.py; consulting the register while deciding is register_consult.py.
A record is one incident decided under one document (regime).  Its identity is the subject's
stable key (subject_key/2), the fact file's path and the incident: recording the same file again
changes nothing; a changed file makes a new version and keeps the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import cache

from .factfile import FactFile, Term
from .register_consult import file_path, subject_keys
from .register_store import SCHEMA_VERSION, RegisterError, Store, derive
from .vocabulary import vocabulary

__all__ = ["RegisterError", "prepare", "record_rows", "due", "history", "stats", "export_lines", "import_lines"]

# The columns a record is written and exported with (id, version and the derived ones aside).
COLUMNS = (
    "subject_key",
    "path",
    "incident",
    "regime",
    "file_sha256",
    "subject",
    "matter",
    "occurred",
    "verdict",
    "outcome",
    "result",
    "tool_version",
    "rules_sha256",
    "decision_no",
    "decision_date",
    "recorded_by",
    "recorded_at",
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def matter_term(term: Term) -> str:
    """A matter as the repeat pre-pass compares it: a constant or a quoted string as written, a
    number as clingo reads it (012 is 12)."""
    return str(int(term.value)) if term.kind == "number" else str(term)


@cache
def rules_sha256(regime: str) -> str:
    from .encoding import encodings_digest

    return encodings_digest([regime])


@dataclass
class Prepared:
    rows: list[dict]  # one per decided incident and regime, ready to write
    refused: list[str]  # why an incident is not recorded (no key, undetermined), in Chinese


def prepare(ff: FactFile, text: str, results: list[dict], decision_no: str | None, date: str | None, by: str | None) -> Prepared:
    """The rows to record for a file's results; undetermined incidents and subjects without a
    key refused, each with its reason."""
    from . import __version__
    from .documents import missing_zh
    from .escaping import text_safe

    keys = subject_keys(ff)
    owners: dict[str, str] = {}
    out = Prepared([], [])
    for s, ks in keys.items():
        if len(ks) > 1:
            out.refused.append(f"当事人 {s} 写有 {len(ks)} 个登记键（{'、'.join(map(text_safe, ks))}）：每个当事人只能有一个")
        for k in ks:
            if k in owners and owners[k] != s:
                out.refused.append(f"登记键 {text_safe(k)} 同时用于当事人 {owners[k]} 和 {s}：一个键只能指一个当事人")
            owners.setdefault(k, s)
    if out.refused:
        return out
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    digest = sha256(text)
    for r in results:
        inc = ff.incidents[r["incident"]]
        where = f"{r['incident']}（{vocabulary().regimes[r['regime']]['short']}）"
        if not keys[inc.subject]:
            out.refused.append(
                f'{where}：当事人 {inc.subject} 没有登记键，不予登记。请在事实文件中写明 subject_key({inc.subject}, "人事编号")：'
                "登记簿按这一稳定编号跨文件识别同一当事人（不按姓名），同一事由的重复失误才能据以认定"
            )
            continue
        if r["verdict"] == "undetermined" or r["outcome"] == "undetermined":
            todo = "；".join(missing_zh(f, r["regime"]) for f in r["missing"]) or "处理程度"
            out.refused.append(f"{where}：结论待定，不予登记。需先核实：{todo}")
            continue
        decided_on = date or (inc.dates["decision_made"].value.isoformat() if "decision_made" in inc.dates else None)
        out.rows.append(
            {
                "subject_key": keys[inc.subject][0],
                "path": file_path(ff),
                "incident": inc.id,
                "regime": r["regime"],
                "file_sha256": digest,
                "subject": inc.subject,
                "matter": matter_term(inc.matter.value) if inc.matter else None,
                "occurred": inc.dates["occurred"].value.isoformat() if "occurred" in inc.dates else None,
                "verdict": r["verdict"],
                "outcome": r["outcome"],
                "result": json.dumps(r, ensure_ascii=False, sort_keys=True),
                "tool_version": __version__,
                "rules_sha256": rules_sha256(r["regime"]),
                "decision_no": decision_no,
                "decision_date": decided_on,
                "recorded_by": by,
                "recorded_at": now,
            }
        )
    return out


def record_rows(store: Store, text: str, rows: list[dict]) -> list[tuple[int, int, str]]:
    """Write the rows (and the file text they came from) in one transaction; per row its record
    id, version and what happened: new, version (a changed file), unchanged, updated (文号/日期
    given anew), restored (a file back to an earlier version's text)."""
    done = []
    with store.write() as c:
        if rows:
            c.execute("INSERT OR IGNORE INTO fact_files (sha256, text) VALUES (?, ?)", (sha256(text), text))
        for row in rows:
            done.append(_record_one(c, row))
    return done


def _identity(row: dict) -> tuple:
    return (row["subject_key"], row["path"], row["incident"], row["regime"])


_SAME = "subject_key = ? AND path = ? AND incident = ? AND regime = ?"
_WITH_RESULT = "records JOIN results ON results.record_id = records.id"
_SELECTED = ", ".join("results.json" if k == "result" else k for k in COLUMNS)  # COLUMNS, the result from its table


def _record_one(c: sqlite3.Connection, row: dict) -> tuple[int, int, str]:
    ident = _identity(row)
    found = c.execute(
        f"SELECT id, version, current, decision_no, decision_date FROM records WHERE {_SAME} AND file_sha256 = ?",
        (*ident, row["file_sha256"]),
    ).fetchone()
    if found is not None:
        rid, version, current, no, date = found
        status = "unchanged"
        given = {k: row[k] for k in ("decision_no", "decision_date") if row[k] is not None}
        if given and (given.get("decision_no", no), given.get("decision_date", date)) != (no, date):
            c.execute(
                "UPDATE records SET decision_no = COALESCE(?, decision_no), "
                "decision_date = COALESCE(?, decision_date) WHERE id = ?",
                (row["decision_no"], row["decision_date"], rid),
            )
            status = "updated"
        if not current:
            c.execute(f"UPDATE records SET current = 0 WHERE {_SAME}", ident)
            c.execute("UPDATE records SET current = 1 WHERE id = ?", (rid,))
            status = "restored"
        return rid, version, status
    (last,) = c.execute(f"SELECT MAX(version) FROM records WHERE {_SAME}", ident).fetchone()
    c.execute(f"UPDATE records SET current = 0 WHERE {_SAME}", ident)
    rid = _insert(c, row, (last or 0) + 1, None)
    return rid, (last or 0) + 1, "new" if last is None else "version"


def _insert(c: sqlite3.Connection, row: dict, version: int, rid: int | None) -> int:
    cols = [k for k in COLUMNS if k != "result"]
    cur = c.execute(
        f"INSERT INTO records (id, version, current, {', '.join(cols)}) VALUES (?, ?, 1, {', '.join('?' * len(cols))})",
        (rid, version, *(row[k] for k in cols)),
    )
    new = cur.lastrowid
    assert new is not None
    c.execute("INSERT INTO results (record_id, json) VALUES (?, ?)", (new, row["result"]))
    derive(c, new, json.loads(row["result"]))
    return new


# ---------------------------------------------------------------------------------------------
# What is owed.

PERIODS = ("follow_up", "suspension")  # a period runs until its date: never overdue, over after it


def due(store: Store, today: dt.date, within: int | None) -> list[dict]:
    """Every step the current records still owe, overdue first, then by due date, undated last;
    with `within` days only those due by then (overdue included)."""
    iso = today.isoformat()
    periods = ", ".join(f"'{p}'" for p in PERIODS)
    sql = (
        "SELECT r.id, r.subject_key, r.subject_name, r.incident, r.regime, r.matter_text, r.decision_no, "
        "s.step, s.article, s.due, s.status "
        "FROM steps AS s JOIN records AS r ON r.id = s.record_id WHERE r.current = 1 "
        f"AND NOT (s.step IN ({periods}) AND s.due < :today)"
    )
    if within is not None:
        sql += " AND s.due IS NOT NULL AND s.due <= :until"
    sql += (
        f" ORDER BY CASE WHEN s.due IS NULL THEN 2 WHEN s.due < :today AND s.step NOT IN ({periods}) THEN 0 ELSE 1 END,"
        " s.due, r.id, s.n"
    )
    params = {"today": iso, "until": (today + dt.timedelta(days=within or 0)).isoformat()}
    out = []
    ordinal = today.toordinal()
    for rid, key, name, incident, regime, matter, no, step, article, when, status in store.query(sql, params):
        period = step in PERIODS
        out.append(
            {
                "record": rid,
                "subject_key": key,
                "subject_name": name,
                "incident": incident,
                "regime": regime,
                "matter": matter,
                "decision_no": no,
                "step": step,
                "article": article,
                "due": when,
                "status": status,
                "overdue": when is not None and when < iso and not period,
                "days": dt.date.fromisoformat(when).toordinal() - ordinal if when else None,
                "period": period,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# A subject's history; counts.

_SHOWN = (
    "id, version, current, subject_key, path, incident, regime, file_sha256, subject, "
    "subject_name, matter_text, occurred, verdict, outcome, deciding, "
    "tool_version, rules_sha256, decision_no, decision_date, recorded_by, recorded_at"
)
_SHOWN_KEYS = (
    "id version current subject_key path incident regime file_sha256 subject subject_name matter occurred verdict outcome "
    "deciding tool_version rules_sha256 decision_no decision_date recorded_by recorded_at"
).split()


def _as_record(row: tuple) -> dict:
    d = dict(zip(_SHOWN_KEYS, row, strict=True))
    d["current"] = bool(d["current"])
    d["deciding"] = json.loads(d["deciding"])
    return d


def history(store: Store, key: str) -> list[dict]:
    """Every record of a subject key, every version, in the order the incidents were decided."""
    rows = store.query(f"SELECT {_SHOWN} FROM records WHERE subject_key = ?", (key,))
    out = [_as_record(r) for r in rows]
    out.sort(key=lambda d: (decided_on(d), d["id"]))
    return out


def decided_on(d: dict) -> str:
    """The decision's date: as given (--date, date(I, decision_made, …)), else the day it was recorded."""
    return d["decision_date"] or d["recorded_at"][:10]


def stats(store: Store, year: int | None) -> dict:
    """Counts of the current records: by document, verdict, outcome, deciding article, month."""
    rows = store.query(
        "SELECT regime, verdict, outcome, deciding, COALESCE(decision_date, substr(recorded_at, 1, 10)) "
        "FROM records WHERE current = 1"
    )
    by: dict[str, Counter] = {k: Counter() for k in ("regime", "verdict", "outcome", "article", "month")}
    total = 0
    for regime, verdict, outcome, articles, when in rows:
        if year is not None and not when.startswith(f"{year:04d}-"):
            continue
        total += 1
        by["regime"][regime] += 1
        by["verdict"][verdict] += 1
        by["outcome"][outcome or "none"] += 1
        by["month"][when[:7]] += 1
        for a in dict.fromkeys(json.loads(articles)):
            by["article"][f"{regime}|{a}"] += 1
    voc = vocabulary()
    return {
        "year": year,
        "total": total,
        "by_regime": {r: by["regime"][r] for r in voc.regimes if by["regime"][r]},
        "by_verdict": {v: by["verdict"][v] for v in voc.verdicts if by["verdict"][v]},
        "by_outcome": dict(sorted(by["outcome"].items())),
        "by_article": [
            {"regime": k.split("|", 1)[0], "article": k.split("|", 1)[1], "count": n} for k, n in by["article"].most_common()
        ],
        "by_month": dict(sorted(by["month"].items())),
    }


# ---------------------------------------------------------------------------------------------
# JSON lines: a header, then every fact file, then every record (by id).  Exported, imported
# into an empty register and exported again, the lines are the same.


def export_lines(store: Store) -> list[str]:
    dump = lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True)  # noqa: E731
    lines = [dump({"rongcuo_register": SCHEMA_VERSION})]
    for sha, text in store.query("SELECT sha256, text FROM fact_files ORDER BY sha256"):
        lines.append(dump({"file": {"sha256": sha, "text": text}}))
    rows = store.query(f"SELECT records.id, version, {_SELECTED} FROM {_WITH_RESULT} ORDER BY records.id")
    for row in rows:
        lines.append(dump({"record": dict(zip(("id", "version", *COLUMNS), row, strict=True))}))
    return lines


class ImportRefused(Exception):
    def __init__(self, line: int | None, text: str):
        self.line, self.text = line, text
        super().__init__(text)


_OPTIONAL = {"matter", "occurred", "outcome", "decision_no", "decision_date", "recorded_by"}


def _check_record(rec: object, n: int, files: set[str]) -> dict:
    if not isinstance(rec, dict) or set(rec) != {"id", "version", *COLUMNS}:
        raise ImportRefused(n, "记录的字段不符")
    for k in COLUMNS:
        v = rec[k]
        if not (isinstance(v, str) or (v is None and k in _OPTIONAL)):
            raise ImportRefused(n, f"记录字段 {k} 应为字符串")
    if not all(isinstance(rec[k], int) and not isinstance(rec[k], bool) and rec[k] > 0 for k in ("id", "version")):
        raise ImportRefused(n, "记录的 id、version 应为正整数")
    voc = vocabulary()
    if rec["regime"] not in voc.regimes or rec["verdict"] not in voc.verdicts:
        raise ImportRefused(n, f"未知的办法或结论：{rec['regime']}、{rec['verdict']}")
    if rec["file_sha256"] not in files:
        raise ImportRefused(n, f"记录所依据的事实文件 {rec['file_sha256'][:12]}… 不在导出文件中，也不在登记簿中")
    _check_values(rec, n, voc)
    try:
        result = json.loads(rec["result"])
    except ValueError:
        raise ImportRefused(n, "记录的 result 不是 JSON") from None
    if not _is_result(result, rec):
        raise ImportRefused(n, "记录的 result 不是这一失误错误的认定结果（结论、办法、认定依据或时限不符）")
    return rec


def _check_values(rec: dict, n: int, voc) -> None:
    """What a later check reads of a record, as `record` writes it: an edited export is refused
    here, never met later as a crash or a repeat silently dropped (a malformed date or matter)."""
    from .escaping import HIDDEN
    from .register_consult import _TERM

    for k in COLUMNS:
        if k != "result" and isinstance(rec[k], str) and HIDDEN.search(rec[k]):
            raise ImportRefused(n, f"记录字段 {k} 含控制字符、双向文本控制符或不可见字符")
    for k in ("occurred", "decision_date"):
        if rec[k] is not None and not _iso(rec[k], dt.date):
            raise ImportRefused(n, f"记录字段 {k} 不是日期（YYYY-MM-DD）：{rec[k]}")
    if not _iso(rec["recorded_at"], dt.datetime):
        raise ImportRefused(n, f"记录字段 recorded_at 不是登记时间：{rec['recorded_at']}")
    if rec["outcome"] is not None and (rec["outcome"] not in voc.outcomes or rec["verdict"] != "tolerable"):
        raise ImportRefused(n, f"未知的处理程度或与结论不符：{rec['outcome']}")
    if rec["matter"] is not None and not _TERM.fullmatch(rec["matter"]):
        raise ImportRefused(n, f"记录字段 matter 不是事由：{rec['matter']}")


def _iso(text: str, kind) -> bool:
    try:
        value = kind.fromisoformat(text)
    except ValueError:
        return False
    return kind is not dt.date or value.isoformat() == text  # 2024-3-5 is not 2024-03-05


def _is_result(result: object, rec: dict) -> bool:
    """The fields of a check record the register derives from (deciding articles, owed steps)."""
    if not isinstance(result, dict):
        return False
    same = all(result.get(k) == rec[k] for k in ("incident", "regime", "verdict"))
    grounds, steps = result.get("grounds"), result.get("procedure")
    return (
        same
        and isinstance(grounds, list)
        and all(isinstance(g, dict) and all(isinstance(g.get(k), str) for k in ("article", "role", "effect")) for g in grounds)
        and isinstance(steps, list)
        and all(
            isinstance(p, dict)
            and all(isinstance(p.get(k), str) for k in ("step", "article", "status"))
            and (p.get("due") is None or (isinstance(p["due"], str) and _iso(p["due"], dt.date)))
            for p in steps
        )
    )


def import_lines(store: Store, lines: list[str]) -> dict:
    """Read exported lines into the register, all in one transaction (any bad line: nothing
    written).  A record already there (same identity and file) is skipped; an id or version
    taken by another record is renumbered."""
    counts = Counter[str]()
    with store.write() as c:
        files = {r[0] for r in c.execute("SELECT sha256 FROM fact_files")}
        touched = set()
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise ImportRefused(n, f"不是 JSON：{exc}") from None
            except RecursionError:
                raise ImportRefused(n, "嵌套层数过多，不是本工具导出的 JSON") from None
            if not isinstance(item, dict) or len(item) != 1:
                raise ImportRefused(n, '每行应为 {"file": …} 或 {"record": …}')
            kind, body = next(iter(item.items()))
            if kind == "rongcuo_register":
                if not isinstance(body, int) or body > SCHEMA_VERSION:
                    raise ImportRefused(n, f"导出文件的结构版本 {body} 高于本工具支持的 {SCHEMA_VERSION}：请升级 rongcuo")
            elif kind == "file":
                if (
                    not isinstance(body, dict)
                    or not isinstance(body.get("text"), str)
                    or sha256(body["text"]) != body.get("sha256")
                ):
                    raise ImportRefused(n, "事实文件的 sha256 与其文本不符")
                if body["sha256"] not in files:
                    c.execute("INSERT INTO fact_files (sha256, text) VALUES (?, ?)", (body["sha256"], body["text"]))
                    files.add(body["sha256"])
                    counts["files"] += 1
            elif kind == "record":
                rec = _check_record(body, n, files)
                counts[_import_record(c, rec, n)] += 1
                touched.add(_identity(rec))
            else:
                raise ImportRefused(n, f"未知的行类型 {kind}")
        for ident in touched:
            c.execute(
                f"UPDATE records SET current = (version = (SELECT MAX(version) FROM records WHERE {_SAME})) WHERE {_SAME}",
                (*ident, *ident),
            )
    return dict(counts)


def _import_record(c: sqlite3.Connection, rec: dict, n: int) -> str:
    ident = _identity(rec)
    there = c.execute(
        f"SELECT {_SELECTED} FROM {_WITH_RESULT} WHERE {_SAME} AND file_sha256 = ?", (*ident, rec["file_sha256"])
    ).fetchone()
    if there is not None:
        if tuple(there) != tuple(rec[k] for k in COLUMNS):
            raise ImportRefused(n, "与登记簿中同一文件、同一失误错误的记录内容不同（文号、日期或登记人不一致）")
        return "skipped"
    rid = rec["id"] if c.execute("SELECT 1 FROM records WHERE id = ?", (rec["id"],)).fetchone() is None else None
    version = rec["version"]
    if c.execute(f"SELECT 1 FROM records WHERE {_SAME} AND version = ?", (*ident, version)).fetchone():
        version = c.execute(f"SELECT MAX(version) FROM records WHERE {_SAME}", ident).fetchone()[0] + 1
    _insert(c, rec, version, rid)
    return "records"
