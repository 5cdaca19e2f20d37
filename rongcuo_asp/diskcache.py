"""A small on-disk cache of data derived from the package's own files, to keep start-up short.

Entries are JSON (nothing read back can run code) holding the text they were derived from, which
must equal the text at hand, so an edited encoding is simply a miss.  The directory is $RONGCUO_CACHE_DIR, else
$XDG_CACHE_HOME/rongcuo-asp, else ~/.cache/rongcuo-asp; RONGCUO_CACHE_DIR=off turns it off.  Any
problem reading or writing is a miss: the cache never changes an answer, only its cost.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path


def _directory() -> Path | None:
    explicit = os.environ.get("RONGCUO_CACHE_DIR")
    if explicit == "off":
        return None
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rongcuo-asp"


def _entry(kind: str, source: str) -> Path | None:
    directory = _directory()
    if directory is None:
        return None
    return directory / f"{kind}-{zlib.crc32(source.encode()):08x}-{len(source)}.json"


def load(kind: str, source: str) -> object | None:
    """What was stored for `source` (the text it was derived from), or None."""
    entry = _entry(kind, source)
    try:
        stored = json.loads(entry.read_text(encoding="utf-8")) if entry else None
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("source") != source:  # the name is only a checksum
        return None
    return stored.get("value")


def store(kind: str, source: str, value: object) -> None:
    entry = _entry(kind, source)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"source": source, "value": value}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, entry)  # readers see the whole entry or none
    except OSError:
        pass
