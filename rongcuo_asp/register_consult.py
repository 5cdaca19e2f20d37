"""Consulting the case register while deciding (issue 24).

`register_context` is called once per command, from commands.common.read(), for the commands that
offer --no-register (check, explain, whatif, compare, interview, opinion, record).  It opens the
register read-only where it exists ($RONGCUO_DB, else the default path; never created here) and
keeps it on the command's click context: outside a command (a library call, batch workers, the
scenario tests) nothing is consulted.

What enters the reasoner: for each subject with a key (subject_key/2), the earlier recorded
incidents of that key (the current version of each, not the incident being decided) as facts of
the repeat pre-pass, `incident(S, P). matter(P, M). date(P, occurred, D).` (earlier_facts, read
by repeats.derive_repeats): the existing repeat rules (encodings/repeat.lp, then each document's
repeat article) decide.  An earlier incident the dates show to precede this one and that was
decided 可容错 makes `previously_tolerated` true (previously_tolerated, read by results.known_facts).
The report cites the earlier decision on the repeat conflict (annotate), and a typed value that
contradicts the register is a fact conflict the report shows, the register prevailing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from .factfile import FactFile, Incident
from .repeats import Repeats
from .vocabulary import vocabulary

if TYPE_CHECKING:  # the store (and sqlite3) is imported only when a register is opened
    from .register_store import Store

_META = "rongcuo.register"

# What may stand in the pre-pass program as a matter or a date: a constant or a string literal,
# an ISO date.  A record imported from elsewhere cannot put a rule into the program.
_TERM = re.compile(r'[a-z_][A-Za-z0-9_\']*|-?\d+|"(?:[^"\\\n]|\\.)*"')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Prior:
    """An earlier recorded incident of a subject key: its decisions (one per document)."""

    name: str  # the constant standing for it in the pre-pass
    key: str
    path: str
    incident: str
    matter: str | None  # as a term of the program
    occurred: str | None
    decisions: list[dict] = field(default_factory=list)

    @property
    def tolerated(self) -> bool:
        return any(d["verdict"] == "tolerable" for d in self.decisions)

    def cited(self) -> dict:
        """The decision a report cites: a tolerated one first, one with a 文号 first."""
        return min(self.decisions, key=lambda d: (d["verdict"] != "tolerable", d["decision_no"] is None, d["id"]))


class Consulted:
    """The register as this command consults it: opened on first need (a subject with a key)."""

    def __init__(self) -> None:
        self._store: Store | None = None
        self._opened = False
        self.by_key: dict[str, list[Prior]] = {}
        self.named: dict[str, Prior] = {}

    @property
    def store(self) -> Store | None:
        if not self._opened:
            self._opened = True
            from .register_store import RegisterError, open_store
            from .results import CheckError

            try:
                self._store = open_store(False)  # None where there is none: never created here
            except RegisterError as exc:
                raise CheckError(f"{exc}（可用 --no-register 不查阅登记簿）") from None
            ctx = click.get_current_context(silent=True)
            if self._store is not None and ctx is not None:
                ctx.call_on_close(self._store.close)
        return self._store

    def priors(self, key: str) -> list[Prior]:
        if key not in self.by_key:
            assert self.store is not None
            rows = self.store.query(
                "SELECT id, path, incident, regime, matter, occurred, verdict, outcome, decision_no, decision_date, "
                "recorded_at FROM records WHERE subject_key = ? AND current = 1 ORDER BY id",
                (key,),
            )
            grouped: dict[tuple[str, str], Prior] = {}
            for rid, path, incident, regime, matter, occurred, verdict, outcome, no, date, at in rows:
                if matter is None or not _TERM.fullmatch(matter) or (occurred is not None and not _DATE.fullmatch(occurred)):
                    continue  # no matter: never a repeat; a malformed one: not put in the program
                prior = grouped.setdefault(
                    (path, incident), Prior(f"rongcuo_register_{rid}", key, path, incident, matter, occurred)
                )
                prior.decisions.append(
                    {
                        "id": rid,
                        "regime": regime,
                        "verdict": verdict,
                        "outcome": outcome,
                        "decision_no": no,
                        "decision_date": date,
                        "recorded_at": at,
                    }
                )
            self.by_key[key] = list(grouped.values())
            self.named.update((p.name, p) for p in self.by_key[key])
        return self.by_key[key]


def file_path(ff: FactFile) -> str:
    """A fact file's path as the register keeps it: absolute, symbolic links resolved."""
    return os.path.realpath(ff.path)


def subject_keys(ff: FactFile) -> dict[str, list[str]]:
    """Each subject's stated keys (subject_key/2), distinct, in file order."""
    return {s: list(dict.fromkeys(k[0] for k in subj.records.get("subject_key", []))) for s, subj in ff.subjects.items()}


def register_context(enabled: bool) -> None:
    """Called by commands.common.read(): consult the register for this command unless
    --no-register.  It is opened when a subject with a key is decided (a file without keys never
    touches it); one that is there but unusable is then the input's fault (exit status 2)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and _META not in ctx.meta:
        ctx.meta[_META] = Consulted() if enabled else None


def _consulted() -> Consulted | None:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_META) if ctx is not None else None


def _same(prior: Prior, ff: FactFile, inc: Incident) -> bool:
    """The recorded incident is this one: same id, and the same file or the same occurred date."""
    if prior.incident != inc.id:
        return False
    occurred = inc.dates["occurred"].value.isoformat() if "occurred" in inc.dates else None
    return prior.path == file_path(ff) or (occurred is not None and occurred == prior.occurred)


def earlier_incidents(ff: FactFile) -> list[tuple[str, str, str, str | None]]:
    """(subject, constant, matter as a term, occurred) of each of the register's earlier incidents
    of the file's subjects, for the repeat pre-pass (none when the register is not consulted or no
    subject has a key)."""
    consulted = _consulted()
    if consulted is None:
        return []
    keyed = {s: ks for s, ks in subject_keys(ff).items() if ks}
    store = consulted.store if keyed else None
    if store is None:
        return []
    taken = {*ff.cases, *ff.subjects, *ff.incidents}
    out = []
    with store.guard():
        for subject, keys in keyed.items():
            own = [i for i in ff.incidents.values() if i.subject == subject]
            for key in keys:
                for prior in consulted.priors(key):
                    if prior.name not in taken and not any(_same(prior, ff, i) for i in own):
                        assert prior.matter is not None
                        out.append((subject, prior.name, prior.matter, prior.occurred))
    return out


def earlier_facts(ff: FactFile) -> list[str]:
    """The same as facts of encodings/repeat.lp's program."""
    facts = []
    for subject, name, matter, occurred in earlier_incidents(ff):
        facts.append(f"incident({subject},{name}). matter({name},{matter}).")
        if occurred:
            facts.append(f'date({name},occurred,"{occurred}").')
    return facts


def _earlier_priors(inc: Incident, reps: Repeats) -> list[Prior]:
    consulted = _consulted()
    if consulted is None:
        return []
    return [consulted.named[n] for n in reps.earlier.get(inc.id, []) if n in consulted.named]


def previously_tolerated(inc: Incident, reps: Repeats) -> bool:
    """An earlier recorded incident of the same subject and matter, before this one, was decided 可容错."""
    return any(p.tolerated for p in _earlier_priors(inc, reps))


def register_sources(inc: Incident, reps: Repeats) -> dict[str, list[str]]:
    """The evidence the register gives for what it derives: an earlier incident of the same matter
    (repeated_error) and, where decided 可容错, previously_tolerated — each its record and decision."""
    from .documents import zh_date  # (documents imports this module: not at import time)

    priors = _earlier_priors(inc, reps)
    voc = vocabulary()

    def source(p: Prior) -> str:
        d = p.cited()
        decided = voc.label("verdict", d["verdict"])
        if d["verdict"] == "tolerable" and d["outcome"]:
            decided += f"（{voc.label('outcome', d['outcome'])}）"
        when = f"{zh_date(d['decision_date'])}认定{decided}" if d["decision_date"] else f"认定{decided}，未载认定日期"
        return f"案件登记簿所载同一事由的认定：{d['decision_no'] or '未载文号'}，{when}"

    out: dict[str, list[str]] = {}
    if priors:
        out["repeated_error"] = [source(p) for p in priors]
    if tolerated := [source(p) for p in priors if p.tolerated]:
        out["previously_tolerated"] = tolerated
    return out


def citation(prior: Prior, conflict: dict, regime: str) -> str:
    """「2024年3月已就同一事由予以容错免责（文号），依第八条只适用一次容错认定」."""
    from .documents import zh_date  # (documents imports this module: not at import time)

    voc = vocabulary()
    d = prior.cited()
    # when the earlier decision was made; the day it was recorded is no decision date
    when = f"{zh_date(d['decision_date'], day=False)}已" if d["decision_date"] else "此前已"
    if d["verdict"] == "tolerable":
        decided = "予以容错" + (voc.label("outcome", d["outcome"]) if d["outcome"] else "")
    else:
        decided = f"认定{voc.label('verdict', d['verdict'])}"
    no = f"（{d['decision_no']}）" if d["decision_no"] else "（登记簿未载文号）"
    if not d["decision_date"]:
        occurred = f"，该次失误发生于{zh_date(prior.occurred)}" if prior.occurred else ""
        no = no[:-1] + f"和认定日期{occurred}）"
    article = conflict.get("article")
    if conflict.get("effect") == "bars":
        text = _article_text(regime, article)
        effect = f"依{article}只适用一次容错认定" if "只适用一次容错认定" in text else f"依{article}不予容错"
    elif conflict.get("effect") == "factor":
        effect = f"依{article}列为不利因素（重复犯错）"
    else:
        effect = "本办法无重复失误的规定"
    return f"{when}就同一事由{decided}{no}，{effect}"


def _article_text(regime: str, article: str | None) -> str:
    from .encoding import load_encoding

    if article is None:
        return ""
    return load_encoding(regime).quote(article)


def annotate(inc: Incident, reps: Repeats, regime: str, conflicts: list[dict]) -> None:
    """The result's conflicts with the register's part: each repeat of a recorded incident cites
    its decision; a stated value the register contradicts is a fact conflict (the register prevails)."""
    priors = {p.name: p for p in _earlier_priors(inc, reps)}
    if not priors:
        return
    for c in conflicts:
        prior = priors.get(c.get("repeats", "")) if c.get("kind") == "repeat" else None
        if prior is not None:
            d = prior.cited()
            c["record"] = {"id": d["id"], "file": prior.path, "incident": prior.incident, **d}
            n = c.get("earlier_count", 1)
            c["citation"] = citation(prior, c, regime) + (f"（此前同一事由共 {n} 次）" if n > 1 else "")
        elif c.get("kind") == "fact_conflict" and c.get("fact") == f"holds({inc.id},repeated_error)":
            c["resolution"] = "登记簿记载同一事由此前已有认定，认定为重复，以登记为准"
    stated = inc.holds.get("previously_tolerated")
    if stated is not None and stated.value is False and any(p.tolerated for p in priors.values()):
        conflicts.append(
            {
                "kind": "fact_conflict",
                "fact": f"holds({inc.id},previously_tolerated)",
                "line": stated.line,
                "stated": False,
                "derived": True,
                "resolution": "登记簿记载同一事由此前已作过容错认定，以登记为准",
            }
        )
