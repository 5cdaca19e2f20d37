"""The case register's store: one SQLite file per user (standard library sqlite3).

Where: $RONGCUO_DB, else the platform's data directory (Linux $XDG_DATA_HOME/rongcuo/register.sqlite3,
default ~/.local/share/rongcuo/register.sqlite3; macOS ~/Library/Application Support/rongcuo/;
Windows %LOCALAPPDATA%\\rongcuo\\).  Created on first write, mode 0600 (it holds personal data), WAL
mode, a `schema_version` table and forward migrations (MIGRATIONS).  Every write is one
transaction (BEGIN IMMEDIATE … COMMIT): a killed process leaves the record whole or absent.  A file
that is not this register (corrupt, foreign, a newer schema, read-only for a write) is refused
with RegisterError naming the path, before anything is written.  Parameterised SQL only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DB_ENV = "RONGCUO_DB"


class RegisterError(Exception):
    """The register cannot be used as asked (exit status 2); the message names the path."""


def register_path() -> Path:
    """$RONGCUO_DB, else the platform's per-user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "rongcuo" / "register.sqlite3"


# ---------------------------------------------------------------------------------------------
# Schema.  Version 1: files and records.  Version 2: the current version of each incident marked;
# the deciding articles, the display names and the owed procedure steps kept beside each record,
# all derived from its result JSON (`register due` and `stats` read 100 000 records without
# parsing one).

_V1 = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE fact_files (
        sha256 TEXT PRIMARY KEY,
        text TEXT NOT NULL)""",
    """CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        subject_key TEXT NOT NULL,
        path TEXT NOT NULL,
        incident TEXT NOT NULL,
        regime TEXT NOT NULL,
        version INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL REFERENCES fact_files (sha256),
        subject TEXT NOT NULL,
        matter TEXT,
        occurred TEXT,
        verdict TEXT NOT NULL,
        outcome TEXT,
        result TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        rules_sha256 TEXT NOT NULL,
        decision_no TEXT,
        decision_date TEXT,
        recorded_by TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (subject_key, path, incident, regime, file_sha256),
        UNIQUE (subject_key, path, incident, regime, version))""",
    "CREATE INDEX records_subject ON records (subject_key)",
)

# Version 2 keeps each result JSON in a table of its own (a record row stays small: listing 100 000
# of them reads no JSON), marks the current version of each incident, and keeps beside each record
# what is derived from its result: the deciding articles, the display names, the owed steps.
_V2 = (
    "CREATE TABLE results (record_id INTEGER PRIMARY KEY REFERENCES records (id), json TEXT NOT NULL)",
    "INSERT INTO results (record_id, json) SELECT id, result FROM records",
    """CREATE TABLE records_v2 (
        id INTEGER PRIMARY KEY,
        subject_key TEXT NOT NULL,
        path TEXT NOT NULL,
        incident TEXT NOT NULL,
        regime TEXT NOT NULL,
        version INTEGER NOT NULL,
        current INTEGER NOT NULL DEFAULT 0,
        file_sha256 TEXT NOT NULL REFERENCES fact_files (sha256),
        subject TEXT NOT NULL,
        matter TEXT,
        occurred TEXT,
        verdict TEXT NOT NULL,
        outcome TEXT,
        tool_version TEXT NOT NULL,
        rules_sha256 TEXT NOT NULL,
        decision_no TEXT,
        decision_date TEXT,
        recorded_by TEXT,
        recorded_at TEXT NOT NULL,
        deciding TEXT NOT NULL DEFAULT '[]',
        subject_name TEXT,
        matter_text TEXT,
        UNIQUE (subject_key, path, incident, regime, file_sha256),
        UNIQUE (subject_key, path, incident, regime, version))""",
    """INSERT INTO records_v2 (id, subject_key, path, incident, regime, version, file_sha256, subject, matter, occurred,
        verdict, outcome, tool_version, rules_sha256, decision_no, decision_date, recorded_by, recorded_at)
        SELECT id, subject_key, path, incident, regime, version, file_sha256, subject, matter, occurred,
        verdict, outcome, tool_version, rules_sha256, decision_no, decision_date, recorded_by, recorded_at FROM records""",
    "DROP TABLE records",
    "ALTER TABLE records_v2 RENAME TO records",
    "CREATE INDEX records_subject ON records (subject_key, current)",
    """CREATE TABLE steps (
        record_id INTEGER NOT NULL REFERENCES records (id),
        n INTEGER NOT NULL,
        step TEXT NOT NULL,
        article TEXT NOT NULL,
        due TEXT,
        status TEXT NOT NULL,
        PRIMARY KEY (record_id, n))""",
)

# Procedure findings a decided case still owes: not done, and owed for its verdict.
OWED_STATUSES = ("pending", "owed", "unknown_calendar")


def owed_steps(result: dict) -> list[tuple[str, str, str | None, str]]:
    """(step, article, due, status) of each procedure step the result still owes."""
    return [
        (p["step"], p["article"], p.get("due") or p.get("estimate"), p["status"])
        for p in result.get("procedure", [])
        if p.get("actual") is None and p["status"] in OWED_STATUSES
    ]


def deciding(result: dict) -> list[str]:
    from .results import deciding_articles

    return deciding_articles(result)


def _fill_v2(conn: sqlite3.Connection) -> None:
    """Version 1 → 2: mark each incident's latest version current, derive deciding and steps."""
    conn.execute(
        """UPDATE records SET current = 1 WHERE version = (SELECT MAX(version) FROM records AS r
           WHERE r.subject_key = records.subject_key AND r.path = records.path
           AND r.incident = records.incident AND r.regime = records.regime)"""
    )
    for rid, text in conn.execute("SELECT record_id, json FROM results").fetchall():
        derive(conn, rid, json.loads(text))


def derive(conn: sqlite3.Connection, rid: int, result: dict) -> None:
    """What a record keeps beside its result JSON, derived from it."""
    conn.execute(
        "UPDATE records SET deciding = ?, subject_name = ?, matter_text = ? WHERE id = ?",
        (json.dumps(deciding(result), ensure_ascii=False), result.get("subject_name"), result.get("matter"), rid),
    )
    conn.executemany(
        "INSERT INTO steps (record_id, n, step, article, due, status) VALUES (?, ?, ?, ?, ?, ?)",
        [(rid, n, *s) for n, s in enumerate(owed_steps(result))],
    )


Migration = tuple[tuple[str, ...], Callable[[sqlite3.Connection], None] | None]
MIGRATIONS: dict[int, Migration] = {1: (_V1, None), 2: (_V2, _fill_v2)}  # version -> (DDL, data step)
SCHEMA_VERSION = max(MIGRATIONS)


def migrate(conn: sqlite3.Connection, have: int) -> None:
    """Bring a database of version `have` (0: empty) to SCHEMA_VERSION, inside the caller's transaction."""
    for version in range(have + 1, SCHEMA_VERSION + 1):
        ddl, fill = MIGRATIONS[version]
        for statement in ddl:
            conn.execute(statement)
        if fill is not None:
            fill(conn)
    if have == 0:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    else:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


# ---------------------------------------------------------------------------------------------
# Opening.


class Store:
    """An open register.  `write()` is a transaction; sqlite errors become RegisterError."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    def error(self, what: str) -> RegisterError:
        return RegisterError(f"案件登记簿 {self.path}：{what}")

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self.error(f"数据库错误：{exc}") from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it committed, or (on any error, or a killed process) none."""
        with self.guard():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[tuple]:
        with self.guard():
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.conn.close()


def _refuse(path: Path, what: str) -> RegisterError:
    return RegisterError(f"案件登记簿 {path}：{what}")


def _tables(conn: sqlite3.Connection, path: Path) -> set[str]:
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise _refuse(path, "不是 SQLite 数据库或文件已损坏；请核对路径（环境变量 RONGCUO_DB），或移走该文件") from None


def _version(conn: sqlite3.Connection, path: Path, tables: set[str]) -> int:
    if not tables:
        return 0
    if "schema_version" not in tables:
        raise _refuse(path, "不是 rongcuo 的案件登记簿（没有 schema_version 表）；请核对路径（环境变量 RONGCUO_DB）")
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise _refuse(path, "schema_version 表内容异常，登记簿可能已损坏")
    version = rows[0][0]
    if version > SCHEMA_VERSION:
        raise _refuse(
            path, f"登记簿的结构版本为 {version}，本工具只支持到 {SCHEMA_VERSION}：请升级 rongcuo（为免损坏，未作任何改动）"
        )
    return version


def _read_only(path: Path) -> bool:
    """Not writable by this user, or marked read-only (no write bit: refused to root too)."""
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def _create(path: Path) -> None:
    """The empty file, 0600, its directory 0700 where it is made (no-op when it exists)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _refuse(path, f"无法创建：{exc.strerror or exc}") from None


def open_store(write: bool, path: Path | None = None) -> Store | None:
    """The register for reading (None where it does not exist or is empty) or for writing
    (created on first use, migrated forward).  Refused with RegisterError before any write when
    the file is not this register, has a newer schema, or (for writing) cannot be written."""
    path = path or register_path()
    if not path.exists():
        if not write:
            return None
        _create(path)
    if not path.is_file():
        raise _refuse(path, "不是普通文件")
    if write and _read_only(path):
        raise _refuse(path, "只读，无法写入（未作任何改动）")
    if write and not os.access(path.parent, os.W_OK):
        raise _refuse(path, f"所在目录 {path.parent} 只读，无法写入（未作任何改动）")
    try:
        if write:
            conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        else:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60, isolation_level=None)
    except sqlite3.Error as exc:
        raise _refuse(path, f"无法打开：{exc}") from None
    try:
        return _prepare(conn, path, write)
    except _NeedsMigration:
        conn.close()
        return open_store(True, path)  # an older schema: migrated forward before it is read
    except BaseException:
        conn.close()
        raise


def _wal(conn: sqlite3.Connection) -> None:
    """WAL mode, set by whichever of two processes creating the register at once gets there first:
    switching the journal mode is refused while the other holds the file (busy_timeout does not
    cover it), so a busy switch is tried again a few times, and none is needed once it is WAL."""
    for attempt in range(50):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)


class _NeedsMigration(Exception):
    pass


def _prepare(conn: sqlite3.Connection, path: Path, write: bool) -> Store | None:
    conn.execute("PRAGMA busy_timeout = 60000")
    version = _version(conn, path, _tables(conn, path))  # read only: nothing written yet
    if version == SCHEMA_VERSION:
        store = Store(path, conn)
        if write:
            with store.guard():
                conn.execute("PRAGMA foreign_keys = ON")
        return store
    if not write:
        if version == 0:
            return None  # an empty file: nothing recorded
        if _read_only(path):
            raise _refuse(path, f"结构版本 {version} 需要升级到 {SCHEMA_VERSION}，但文件只读")
        raise _NeedsMigration
    store = Store(path, conn)
    with store.guard():
        if version == 0:
            _wal(conn)  # persistent: set once, when the file is made
    with store.write() as c:
        have = _version(c, path, _tables(c, path))  # again under the lock: another process may have done it
        if have < SCHEMA_VERSION:
            migrate(c, have)
    with store.guard():
        conn.execute("PRAGMA foreign_keys = ON")
    return store
