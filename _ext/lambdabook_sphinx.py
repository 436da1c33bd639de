"""Two checks the book's build needs from Sphinx (listed in _config.yml, ``sphinx: local_extensions``),
and the book's own CSS.

- **MathJax offline.** The pages load MathJax from the book's own copy (``mathjax_path``,
  relative to ``html_static_path``; ``make mathjax`` puts it in ``_mathjax/``). Without it they
  would show raw TeX while the build reports success, so the HTML build stops and says what to run.
- **The dashboard follows the claims.** The landing page reads ``claims/*.json`` when it is
  executed, which happens only when Sphinx re-reads it. A claims file added, removed or changed
  since the last build marks the pages in ``lambdabook_claims_pages`` outdated, so a plain
  ``jupyter-book build .`` shows the new claims (no ``--all`` needed).
- **Tables fit the page.** ``_css/lambdabook.css`` (``_css/`` is in ``html_static_path``) is linked
  from every page: pandas DataFrames in cell outputs fit the content column at 1280 px (issue 19).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.errors import ConfigError

__all__ = ["setup"]


def check_mathjax(app) -> None:
    """builder-inited: an HTML build needs ``mathjax_path`` in one of the static folders."""
    path = app.config.mathjax_path
    if app.builder.format != "html" or not path or "://" in path or path.startswith("/"):
        return
    static = [Path(app.srcdir, folder) for folder in app.config.html_static_path]
    if not any((folder / path).is_file() for folder in static):
        raise ConfigError(
            f"MathJax is missing: no html_static_path folder holds {path} (mathjax_path), so every page "
            f"would show raw TeX. Run `make mathjax` (it copies MathJax 3 from npm into _mathjax/), then "
            f"build again; `make html` does both.")


def claims_stamp(folder: Path) -> tuple:
    """What the dashboard depends on: every claims file's name, size and modification time."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.json")))


def outdated_by_claims(app, env, added, changed, removed) -> list[str]:
    """env-get-outdated: the claims pages, when the claims differ from those of the last build."""
    stamp = claims_stamp(Path(app.srcdir, app.config.lambdabook_claims_dir))
    before = getattr(env, "lambdabook_claims_stamp", None)
    env.lambdabook_claims_stamp = stamp  # saved with the environment
    if stamp == before:
        return []
    return [page for page in app.config.lambdabook_claims_pages
            if page in env.found_docs and page not in added | changed]


def setup(app):
    app.add_config_value("lambdabook_claims_dir", "claims", "env")
    app.add_config_value("lambdabook_claims_pages", ["index"], "env")
    app.add_css_file("lambdabook.css")
    app.connect("builder-inited", check_mathjax)
    app.connect("env-get-outdated", outdated_by_claims)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
