"""Human reports rendered from jinja2 templates in the package (jinja2 is imported only here);
every value a template prints is escaped by its format's rule (rongcuo_asp.escaping)."""

from __future__ import annotations

import functools

from markupsafe import Markup

from .encoding import citation_key, load_encoding
from .escaping import html_safe, md_code, md_safe, text_safe
from .vocabulary import vocabulary

EXTENSIONS = {"text": "txt", "md": "md", "html": "html"}


# Each human format's rule for every value a template prints (rongcuo_asp.escaping); what a
# template marks safe (its macros' output, `md_code`) is printed as built.
_RULES = {"txt": text_safe, "md": md_safe, "html": html_safe}
ESCAPING = "finalize1"  # change with how the environments escape: the compiled templates' cache is named by it


@functools.cache
def _env(ext: str):
    """The environment of one format ("txt", "md", "html"): every printed value goes through that
    format's rule (`finalize`), so no field can reach a report unescaped. Autoescape is on for all
    three, only so that jinja2 keeps its own markup (macros, blocks) apart from values: the rule,
    not HTML escaping, is what `finalize` applies to a value."""
    import jinja2

    rule = _RULES[ext]

    def safe(value: object) -> Markup:
        return value if isinstance(value, Markup) else Markup(rule(value))

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rongcuo_asp", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=True,
        finalize=safe,
        undefined=jinja2.StrictUndefined,
        # jinja2's own cache of compiled templates (a private per-user temporary directory); named
        # by format and escaping scheme, so code compiled without the rule is never loaded
        bytecode_cache=jinja2.FileSystemBytecodeCache(pattern=f"__rongcuo_{ext}_{ESCAPING}_%s.cache"),
    )
    voc = vocabulary()
    env.filters.update(
        role_zh=lambda r: voc.label("role", r),
        treatment_zh=lambda t: voc.label("treatment", t or ""),
        # jinja2's join would HTML-escape the items: each item and the separator by the rule instead
        join=lambda items, sep="": Markup(safe(sep).join(safe(i) for i in items)),
        md_code=md_code,
    )
    return env


def template(name: str):
    """A template by its name, in the environment of its format (doc.md.j2 -> md): every template
    of the package is rendered through here, so every value it prints is escaped."""
    return _env(name.rsplit(".", 2)[-2]).get_template(name)


def render_document(doc: dict, fmt: str, atoms: bool = False) -> str:
    """Render a document (rongcuo_asp.documents) as text, md or html; `atoms`: each fact also as
    the atom a fact file writes (for test authors), else natural Chinese only."""
    from .documents import footer

    return template(f"doc.{EXTENSIONS[fmt]}.j2").render(doc=doc, foot=footer(doc), atoms=atoms)


def render_provisions(regime: str) -> str:
    enc = load_encoding(regime)
    cited = enc.cited_items()
    rows = [
        (a, sorted(cited.get(a.number, set()), key=lambda c: (citation_key(c[0]), c[1])), enc.article_readings(a.number))
        for a in enc.articles.values()
    ]
    return template("provisions.txt.j2").render(regime=regime, info=vocabulary().regimes[regime], rows=rows)


def render_opinion(doc: dict, fmt: str) -> str:
    """The written opinion (rongcuo_asp.opinion) as md or html."""
    from .documents import footer

    return template(f"opinion.{fmt}.j2").render(doc=doc, foot=footer(doc))


def provisions_data(regime: str) -> dict:
    """Every article of a regime's document with its treatment, the items the encoding cites (and
    their roles) and the readings it takes: `rongcuo provisions --format json`."""
    enc = load_encoding(regime)
    cited = enc.cited_items()
    rows = [
        {
            "article": a.number,
            "treatment": a.treatment,
            "text": a.text,
            "items": [
                {"citation": c, "role": r} for c, r in sorted(cited.get(a.number, ()), key=lambda x: (citation_key(x[0]), x[1]))
            ],
            "readings": [{"citation": c, "text": t} for c, t in enc.article_readings(a.number)],
        }
        for a in enc.articles.values()
    ]
    return {"regime": regime, "articles": rows}


def render_vocabulary() -> str:
    """The fact vocabulary as Markdown tables: predicates, scales, features, every other value."""
    voc = vocabulary()
    lines = ["| predicate | arguments | 中文 |", "|---|---|---|"]
    lines += [
        f"| `{p}` | {', '.join(s['args'] + [f'[{a}]' for a in s.get('optional_args', [])])} | {s['zh']} |"
        for p, s in voc.predicates.items()
    ]
    lines += ["", "| dimension | values (ascending) | 中文 |", "|---|---|---|"]
    lines += [
        f"| `{d}` | {' '.join(voc.scale_values(d))} | {s['zh']}：{' / '.join(z for _, z in s['values'])} |"
        for d, s in voc.scales.items()
    ]
    lines += ["", "| feature | holder | group | 中文 |", "|---|---|---|---|"]
    for holder, table in (("subject", voc.subject_features), ("incident", voc.incident_features)):
        lines += [f"| `{f}` | {holder} | {voc.label('group', e['group'])} | {e['zh']} |" for f, e in table.items()]
    # every other value a fact file or an expectation may write, with its Chinese label
    values = [
        ("org（机关单位类型）", voc.orgs),
        ("rank（职级，由低到高）", dict(voc.data["ranks"])),
        ("subject_kind（当事人类别）", voc.subject_kinds),
        ("date 事件（event）", voc.events),
        ("regime（办法）", {r: e["title"] for r, e in voc.regimes.items()}),
        ("expect 结论（verdict）", voc.verdicts),
        ("expect 处理程度（outcome）", voc.outcomes),
        ("expect_procedure 步骤（step）", voc.data["procedure_steps"]),
        ("expect_procedure 状态（status）", voc.data["procedure_statuses"]),
    ]
    for title, table in values:
        lines += ["", f"| {title} | 中文 |", "|---|---|"]
        lines += [f"| `{k}` | {zh} |" for k, zh in table.items()]
    return "\n".join(lines)
