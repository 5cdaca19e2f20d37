"""verify: prove the encodings' properties with the solver."""

from __future__ import annotations

import json
import sys

import click

from ..vocabulary import vocabulary
from .common import command, envelope, regime_option


@command()
@regime_option(help="检验的办法（regime）；all 为全部五部。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
def verify(regime: str | None, fmt: str) -> None:
    """证明（verify）：用 clingo 证明编码的性质（无解即得证）；发现反例时退出状态为 1，并给出可运行的反例事实文件。

    \b
    示例：
      rongcuo verify
      rongcuo verify --regime beijing --format json
    """
    import dataclasses

    from ..verify import verify as run_verify

    regimes = list(vocabulary().regimes) if regime in (None, "all") else [regime]
    findings = run_verify(regimes)
    if fmt == "json":  # findings also name repeat.lp, a shared part: the digest is of the regimes verified
        data = envelope({"findings": [dataclasses.asdict(f) for f in findings]}, regimes)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{'✓' if f.ok else '✗'} {f.regime:14} {f.property:36} {f.seconds * 1000:7.1f} ms  {f.detail}")
            if f.counterexample:
                click.echo(
                    "  反例（可直接运行的事实文件）：\n" + "".join(f"    {line}\n" for line in f.counterexample.splitlines())
                )
        failed = sum(not f.ok for f in findings)
        click.echo(f"{len(findings) - failed} proven, {failed} failed")
    sys.exit(1 if any(not f.ok for f in findings) else 0)
