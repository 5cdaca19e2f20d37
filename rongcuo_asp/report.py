"""Human reports rendered from jinja2 templates in the package (jinja2 is imported only here)."""

from __future__ import annotations

from .describe import fact_zh, missing_zh, verdict_zh
from .encoding import citation_key, load_encoding
from .vocabulary import vocabulary


def _env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rongcuo_asp", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
    voc = vocabulary()
    env.filters.update(
        fact_zh=fact_zh,
        missing_zh=missing_zh,
        role_zh=lambda r: voc.label("role", r),
        kind_zh=lambda k: voc.label("factor_kind", k),
        step_zh=lambda k: voc.label("step", k),
        status_zh=lambda k: voc.label("status", k),
        event_zh=lambda k: voc.label("event", k),
        treatment_zh=lambda t: voc.label("treatment", t or ""),
    )
    env.globals.update(verdict_zh=verdict_zh, voc=voc)
    return env


def render(template: str, **context) -> str:
    return _env().get_template(template).render(**context)


def render_check(results: list[dict]) -> str:
    from . import __version__

    regimes = {r["regime"]: vocabulary().regimes[r["regime"]] for r in results}
    return render("check.txt.j2", results=results, regimes=regimes, version=__version__)


def render_provisions(regime: str) -> str:
    enc = load_encoding(regime)
    cited = enc.cited_items()
    rows = [(a, sorted(cited.get(a.number, set()), key=lambda c: (citation_key(c[0]), c[1]))) for a in enc.articles.values()]
    return render("provisions.txt.j2", regime=regime, info=vocabulary().regimes[regime], rows=rows, enc=enc)
