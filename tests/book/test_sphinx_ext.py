"""Tests for _ext/lambdabook_sphinx.py on a two-page Sphinx project: the HTML build stops when the
offline MathJax is missing, and a changed claims file makes Sphinx re-read the dashboard page."""

import sys
from pathlib import Path

import pytest

sphinx_application = pytest.importorskip("sphinx.application")
from sphinx.errors import ConfigError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "_ext")!r})
extensions = ["lambdabook_sphinx"]
mathjax_path = "mathjax/tex-chtml.js"
html_static_path = ["_mathjax"]
lambdabook_claims_pages = ["index"]
"""


@pytest.fixture
def project(tmp_path):
    src = tmp_path / "src"
    (src / "claims").mkdir(parents=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text("Dashboard\n=========\n\n.. toctree::\n\n   other\n", encoding="utf-8")
    (src / "other.rst").write_text("Other\n=====\n\n$x$\n", encoding="utf-8")
    (src / "claims" / "a.json").write_text("{}", encoding="utf-8")
    return src


def build(src: Path) -> list[str]:
    """Build ``src`` to HTML (incrementally) and return the pages Sphinx read."""
    out = src.parent / "_build"
    app = sphinx_application.Sphinx(str(src), str(src), str(out / "html"), str(out / "doctrees"), "html",
                                    status=None, warning=sys.stderr)
    read = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    app.build()
    return sorted(read)


def add_mathjax(src: Path) -> None:
    (src / "_mathjax" / "mathjax").mkdir(parents=True)
    (src / "_mathjax" / "mathjax" / "tex-chtml.js").write_text("// MathJax", encoding="utf-8")


def test_html_build_without_mathjax_says_what_to_run(project):
    with pytest.raises(ConfigError, match=r"MathJax is missing.*Run `make mathjax`"):
        build(project)
    add_mathjax(project)
    assert build(project) == ["index", "other"]


def test_a_changed_claims_file_rereads_the_dashboard(project):
    add_mathjax(project)
    assert build(project) == ["index", "other"]
    assert build(project) == []  # nothing changed
    (project / "claims" / "a.json").write_text('{"claims": []}', encoding="utf-8")
    assert build(project) == ["index"]
    (project / "claims" / "b.json").write_text("{}", encoding="utf-8")
    assert build(project) == ["index"]
    (project / "claims" / "a.json").unlink()
    assert build(project) == ["index"]
    assert build(project) == []


def test_every_page_links_the_books_css(project):
    """_css/lambdabook.css (DataFrames that fit the content column, issue 19) is copied and linked."""
    add_mathjax(project)
    conf = project / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        'html_static_path = ["_mathjax"]', f'html_static_path = ["_mathjax", {str(ROOT / "_css")!r}]'), encoding="utf-8")
    build(project)
    html = project.parent / "_build" / "html"
    assert (html / "_static" / "lambdabook.css").read_text(encoding="utf-8") == \
        (ROOT / "_css" / "lambdabook.css").read_text(encoding="utf-8")
    for page in ("index.html", "other.html"):
        assert 'href="_static/lambdabook.css' in (html / page).read_text(encoding="utf-8")
    assert "_css" in (ROOT / "_config.yml").read_text(encoding="utf-8").split("html_static_path:")[1].split("\n")[0]
