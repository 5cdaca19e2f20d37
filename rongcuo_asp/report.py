"""Human reports rendered from jinja2 templates in the package (jinja2 is imported only here)."""

from __future__ import annotations

from .encoding import citation_key, load_encoding
from .vocabulary import vocabulary

EXTENSIONS = {"text": "txt", "md": "md", "html": "html"}


def _env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rongcuo_asp", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        # jinja2's own cache of compiled templates (a private per-user temporary directory)
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    voc = vocabulary()
    env.filters.update(role_zh=lambda r: voc.label("role", r), treatment_zh=lambda t: voc.label("treatment", t or ""))
    return env


def render_document(doc: dict, fmt: str, atoms: bool = False) -> str:
    """Render a document (rongcuo_asp.documents) as text, md or html; `atoms`: each fact also as
    the atom a fact file writes (for test authors), else natural Chinese only."""
    from .documents import footer

    return _env().get_template(f"doc.{EXTENSIONS[fmt]}.j2").render(doc=doc, foot=footer(doc), atoms=atoms)


def render_provisions(regime: str) -> str:
    enc = load_encoding(regime)
    cited = enc.cited_items()
    rows = [
        (a, sorted(cited.get(a.number, set()), key=lambda c: (citation_key(c[0]), c[1])), enc.article_readings(a.number))
        for a in enc.articles.values()
    ]
    return _env().get_template("provisions.txt.j2").render(regime=regime, info=vocabulary().regimes[regime], rows=rows)


def render_opinion(doc: dict, fmt: str) -> str:
    """The written opinion (rongcuo_asp.opinion) as md or html."""
    from .documents import footer

    return _env().get_template(f"opinion.{fmt}.j2").render(doc=doc, foot=footer(doc))
