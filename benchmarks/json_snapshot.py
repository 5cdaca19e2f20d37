"""The JSON of `check --regime all` on every scenario file and 600 generated incidents, as one file.

    python benchmarks/json_snapshot.py OUT.json

For refactoring: take a snapshot before, one after, and compare them byte for byte (`cmp`); any
difference is a change of behaviour.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generate import generate  # noqa: E402

from rongcuo_asp.factfile import parse_fact_text, read_fact_file  # noqa: E402
from rongcuo_asp.results import check_file  # noqa: E402


def snapshot() -> dict:
    out = {}
    for path in sorted((ROOT / "facts").rglob("*.lp")):
        out[str(path.relative_to(ROOT))] = check_file(read_fact_file(path), "all")
    for n in range(6):
        out[f"generated-{n}"] = check_file(parse_fact_text(generate(100, seed=11, known=0.7, offset=100 * n).encode()), "all")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the snapshot to write (JSON)")
    out = ap.parse_args().out
    text = json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True)
    out.write_text(text, encoding="utf-8")
