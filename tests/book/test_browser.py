"""The built book as a reader sees it: every page of _build/html opened from file:// in the system's
headless Chromium (Debian's chromium + chromium-driver, driven by selenium) at 1280 px.

Fails when a page shows raw TeX or a MathJax error, a claims table, another table of at most 12
columns, a text output or a figure is wider than the content column, a verdict is hidden or not
coloured, a chapter has no HTML claims table, an image is broken, the console logs an error, or
the page requests anything that is not a local file. Skipped when the book is not built or
chromium is missing, unless LAMBDABOOK_BROWSER_TEST=require (.ci/run: `make test-browser`, after
`make html`). Each page's first screen and its claims tables are saved to _build/browser/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "browser"
WIDTH, HEIGHT = 1280, 900  # the window, in CSS pixels
MAX_SCROLL_COLUMNS = 12  # a wider table may scroll (its key columns first)
# Console errors that are no fault of the book: pydata-sphinx-theme finds no stored light/dark mode
# in a fresh browser profile.
HARMLESS_CONSOLE = re.compile(r"Got invalid theme mode")
REQUIRED = os.environ.get("LAMBDABOOK_BROWSER_TEST") == "require"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# Raw TeX in the text a reader sees: display delimiters, \( \) \[ \], an environment, a command with a
# braced argument, or $...$ holding a backslash, _ or ^.
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\begin\{|\\[A-Za-z]+\{|\$[^$\s][^$]{0,200}?[\\_^][^$]{0,200}?\$")


def pages() -> list[str]:
    """Every page of the built book, relative to _build/html (no search or index pages)."""
    if not HTML.is_dir():
        return []
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if not p.relative_to(HTML).parts[0].startswith("_") and p.name not in {"search.html", "genindex.html"})


def skip_or_fail(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (LAMBDABOOK_BROWSER_TEST=require)")
    pytest.skip(reason)


# One call per page: what the reader's browser shows, measured against the content column.
MEASURE = r"""
const done = arguments[arguments.length - 1];
const mathjax = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
mathjax.then(() => null, e => String(e)).then(mathjaxError => {
  const column = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const box = column.getBoundingClientRect();
  const room = el => (el.closest(".cell_output") || column).getBoundingClientRect();  // a cell's output area is narrower
  const fits = el => { const r = el.getBoundingClientRect(), c = room(el);
                       return r.width <= c.width + 1 && r.right <= c.right + 1; };
  const describe = el => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""} `
                         + `${Math.round(el.getBoundingClientRect().width)} px in ${Math.round(room(el).width)} px`;
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                          return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  const clipped = el => {  // cut off by a scrolling or clipping ancestor inside the column
    const r = el.getBoundingClientRect();
    for (let a = el.parentElement; a && a !== column; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === "visible") continue;
      const q = a.getBoundingClientRect();
      if (r.left < q.left - 1 || r.right > q.right + 1) return true;
    }
    return false;
  };
  const text = column.cloneNode(true);
  text.querySelectorAll("mjx-container, pre, code, script, style, textarea, .highlight").forEach(e => e.remove());
  const tables = [...column.querySelectorAll("table")].map(t => ({
    claims: t.classList.contains("lambdabook-claims"), what: describe(t), fits: fits(t),
    columns: Math.max(0, ...[...t.rows].map(r => [...r.cells].reduce((n, c) => n + c.colSpan, 0)))}));
  const outputs = [...column.querySelectorAll(".cell_output pre")].filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => `text output ${p.scrollWidth} px wide in a ${p.clientWidth} px box: ${p.textContent.trim().slice(0, 50)}`);
  const verdicts = [...column.querySelectorAll("[data-verdict]")].map(v => {
    const label = v.querySelector("span") || v;
    const colour = getComputedStyle(label).backgroundColor;
    return {verdict: v.dataset.verdict, visible: visible(v) && fits(v) && !clipped(v),
            coloured: colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent"}; });
  const images = [...column.querySelectorAll("img")].map(i => ({
    src: i.getAttribute("src"), broken: !(i.complete && i.naturalWidth > 0), fits: fits(i), what: describe(i)}));
  done({
    width: window.innerWidth, column: Math.round(box.width), mathjaxError,
    rawTex: [...text.textContent.matchAll(new RegExp(arguments[0], "g"))].map(m => m[0].slice(0, 80)),
    unrendered: [...column.querySelectorAll(".math")].filter(m => !m.querySelector("mjx-container"))
      .map(m => m.textContent.slice(0, 80)),
    mathErrors: [...column.querySelectorAll("mjx-merror, [data-mjx-error]")].map(e => e.textContent.slice(0, 80)),
    tables, outputs, verdicts, images,
    resources: performance.getEntriesByType("resource").map(e => e.name),
  });
});
"""


@pytest.fixture(scope="module")
def browser():
    if not (HTML / "index.html").is_file():
        skip_or_fail("the book is not built: run `make html`")
    if not (CHROMIUM and CHROMEDRIVER):
        skip_or_fail("chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--disable-background-networking", "--no-first-run", "--lang=en-US",
                f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    # The driver's own path: selenium then never looks for (or downloads) a driver of its own.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.set_script_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


MEASURED: dict[str, dict] = {}


@pytest.fixture
def page(browser, request) -> dict:
    """What ``request.param`` shows and requests, measured once per page."""
    name = request.param
    if name not in MEASURED:
        browser.get_log("performance"), browser.get_log("browser")  # drop the previous page's
        browser.get((HTML / name).as_uri())
        facts = browser.execute_async_script(MEASURE, RAW_TEX.pattern)
        requests = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
        facts["requests"] = sorted({m["params"]["request"]["url"] for m in requests
                                    if m["method"] == "Network.requestWillBeSent"} | set(facts.pop("resources")))
        facts["console"] = [e["message"] for e in browser.get_log("browser")
                            if e["level"] == "SEVERE" and not HARMLESS_CONSOLE.search(e["message"])]
        stem = name.removesuffix(".html").replace("/", "-")
        browser.save_screenshot(str(SHOTS / f"{stem}.png"))
        tables = browser.find_elements("css selector", "table.lambdabook-claims")
        for i, table in enumerate(tables):
            browser.execute_script("arguments[0].scrollIntoView()", table)
            table.screenshot(str(SHOTS / f"{stem}-claims-{i + 1}.png"))
        MEASURED[name] = facts
    return MEASURED[name]


def pytest_generate_tests(metafunc):
    if "page" in metafunc.fixturenames:
        found = pages()
        metafunc.parametrize("page", found or ["(the book is not built)"], indirect=True)


def test_page_at_1280_px(page):
    assert page["width"] == WIDTH, f"the window is {page['width']} px wide, not {WIDTH}"


def test_math_is_rendered(page):
    assert page["mathjaxError"] is None, f"MathJax failed: {page['mathjaxError']}"
    assert not page["unrendered"], f"math left as TeX (MathJax did not typeset it): {page['unrendered'][:5]}"
    assert not page["mathErrors"], f"MathJax errors: {page['mathErrors'][:5]}"
    assert not page["rawTex"], f"raw TeX in the page's text: {page['rawTex'][:5]}"


def test_claims_tables_and_verdicts_are_visible(page, request):
    claims = [t for t in page["tables"] if t["claims"]]
    if request.node.callspec.params["page"].startswith("chapters/"):
        assert claims, "the chapter has no HTML claims table (lambdalib.book.claims.report)"
    wide = [t["what"] for t in claims if not t["fits"]]
    assert not wide, f"claims tables wider than the content column: {wide}"
    hidden = [v["verdict"] for v in page["verdicts"] if not v["visible"]]
    assert not hidden, f"{len(hidden)} verdicts not visible in the content column: {hidden[:5]}"
    plain = [v["verdict"] for v in page["verdicts"] if not v["coloured"]]
    assert not plain, f"{len(plain)} verdicts without their colour: {plain[:5]}"


def test_tables_and_outputs_fit(page):
    wide = [f"{t['what']} ({t['columns']} columns)" for t in page["tables"]
            if not t["claims"] and not t["fits"] and t["columns"] <= MAX_SCROLL_COLUMNS]
    assert not wide, f"tables of at most {MAX_SCROLL_COLUMNS} columns wider than the content column: {wide}"
    assert not page["outputs"], f"outputs that need horizontal scrolling: {page['outputs'][:5]}"


def test_images_load_and_fit(page):
    broken = [i["src"] for i in page["images"] if i["broken"]]
    assert not broken, f"broken images: {broken}"
    wide = [f"{i['src']}: {i['what']}" for i in page["images"] if not i["fits"]]
    assert not wide, f"images wider than the content column: {wide}"


def test_only_local_files_are_requested(page):
    remote = [url for url in page["requests"] if not url.startswith(("file://", "data:", "blob:", "about:"))]
    assert not remote, f"the page requests what is not a local file: {remote}"
    assert not page["console"], f"errors in the browser's console: {page['console'][:5]}"
