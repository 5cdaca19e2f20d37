"""A small on-disk cache of data derived from the package's own files, to keep start-up short.

Entries are JSON (nothing read back can run code) holding the text they were derived from, which
must equal the text at hand, so an edited encoding is simply a miss.  Entries are also keyed by
the reader: the package version, SCHEMA and a digest of the modules that derive and read them, so
an upgrade (or any edit of the reader) is a miss too, never an old answer.  The directory is
$RONGCUO_CACHE_DIR, else $XDG_CACHE_HOME/rongcuo-asp, else ~/.cache/rongcuo-asp (created 0700);
RONGCUO_CACHE_DIR=off turns it off.  A directory another user may write (group or other write
bit, or owned by someone else) is not used: one warning, and the tool runs without a cache.
Entries are written to a temporary file with an unpredictable name created exclusively, then
renamed.  Any problem reading or writing is a miss: the cache never changes an answer, only its cost.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

SCHEMA = 2  # the layout of entries and of the values stored; bump when either changes
_READERS = ("diskcache.py", "encoding.py", "vocabcheck.py", "procedure.py")


@cache
def reader() -> str:
    """What an entry must have been written by: version, schema, and the readers' source digest."""
    from . import __version__

    digest = hashlib.sha256()
    for name in _READERS:
        try:
            digest.update((Path(__file__).parent / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return f"{__version__}/{SCHEMA}/{digest.hexdigest()[:16]}"


def _configured() -> Path | None:
    explicit = os.environ.get("RONGCUO_CACHE_DIR")
    if explicit == "off":
        return None
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rongcuo-asp"


_warned: set[str] = set()


def _directory(create: bool) -> Path | None:
    """The cache directory if it is safe to use (see the module docstring), else None."""
    directory = _configured()
    if directory is None:
        return None
    try:
        if create:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(directory)
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode) and not info.st_mode & 0o022 and info.st_uid in (os.geteuid(), 0):
        return directory
    if str(directory) not in _warned:
        _warned.add(str(directory))
        sys.stderr.write(
            f"警告：缓存目录 {directory} 可被其他用户写入（或不属于当前用户），本次不使用缓存；请执行 chmod go-w。\n"
        )
    return None


def _entry(directory: Path, kind: str, source: str) -> Path:
    key = hashlib.sha256(f"{reader()}\n{kind}\n{source}".encode()).hexdigest()[:32]
    return directory / f"{kind}-{key}.json"


MAX_ENTRY_BYTES = 64 * 1024 * 1024  # an entry is the derived rule table of one encoding: well under this


def load(kind: str, source: str) -> object | None:
    """What was stored for `source` (the text it was derived from) by this reader, or None."""
    directory = _directory(create=False)
    if directory is None:
        return None
    from .inputs import InputRefused, read_regular

    try:  # the one safe reader: a FIFO or a link to /dev/zero planted as an entry is a miss, not a hang
        stored = json.loads(read_regular(_entry(directory, kind, source), MAX_ENTRY_BYTES).decode("utf-8"))
    except (OSError, ValueError, InputRefused, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("reader") != reader() or stored.get("source") != source:
        return None  # the name is only a digest
    return stored.get("value")


def store(kind: str, source: str, value: object) -> None:
    directory = _directory(create=True)
    if directory is None:
        return
    entry = _entry(directory, kind, source)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{entry.stem}.", suffix=".tmp")  # O_EXCL
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"reader": reader(), "source": source, "value": value}, fh, ensure_ascii=False)
        os.replace(tmp, entry)  # readers see the whole entry or none
    except OSError:
        Path(tmp).unlink(missing_ok=True)
