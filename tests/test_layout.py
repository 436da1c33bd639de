"""The package's layering, read from the source with ``ast`` (nothing is imported).

- ``core`` and ``data`` import neither ``book`` nor ``papers``; ``core`` does not import ``data``;
- ``book`` does not import ``papers``;
- a package under ``papers/`` never imports another paper;
- no import circle between modules, function-level imports included;
- no module is over 350 lines (the style guide's "readable in one sitting").
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1] / "lambdalib"
MAX_LINES = 350


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The lambdalib modules that ``name`` imports (``from lambdalib.x import y`` counts as
    ``lambdalib.x.y`` when that is a module, else ``lambdalib.x``)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t.split(".")[0] == "lambdalib" and t != name}
    return {t if t in MODULES else t.rpartition(".")[0] for t in found} - {name}


GRAPH = nx.DiGraph()
for _name, _path in MODULES.items():
    GRAPH.add_node(_name)
    GRAPH.add_edges_from((_name, target) for target in _imports(_name, _path))


def _layer(name: str) -> tuple[str, ...]:
    """('core',), ('data',), ('book',), ('papers', '<paper>') or () for the top package."""
    parts = name.split(".")[1:]
    if not parts:
        return ()
    return tuple(parts[:2]) if parts[0] == "papers" and len(parts) > 1 else (parts[0],)


FORBIDDEN = {"core": {"data", "book", "papers"}, "data": {"book", "papers"}, "book": {"papers"}}


def test_every_module_sits_in_a_layer():
    stray = [n for n in MODULES if _layer(n) and _layer(n)[0] not in {"core", "data", "book", "papers"}]
    assert not stray, f"modules outside core / data / book / papers: {stray}"


def test_lower_layers_do_not_import_higher_ones():
    bad = [(a, b) for a, b in GRAPH.edges if _layer(a) and _layer(b) and _layer(b)[0] in FORBIDDEN.get(_layer(a)[0], ())]
    assert not bad, f"imports against the layering (core < data < book < papers): {bad}"


def test_no_paper_imports_another():
    bad = [(a, b) for a, b in GRAPH.edges
           if _layer(a)[:1] == ("papers",) and _layer(b)[:1] == ("papers",) and _layer(a) != _layer(b)]
    assert not bad, f"a paper package imports another paper: {bad}"


def test_no_import_circle():
    cycles = list(nx.simple_cycles(GRAPH))
    assert not cycles, f"import circles: {cycles}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_readable_in_one_sitting(name):
    n = len(MODULES[name].read_text().splitlines())
    assert n <= MAX_LINES, f"{name} has {n} lines (at most {MAX_LINES}): split it by idea"


def test_the_rules_catch_a_violation():
    """The checks above can fail: a made-up edge from core into a paper, and a circle."""
    g = GRAPH.copy()
    g.add_edge("lambdalib.core.seed", "lambdalib.papers.conda.pipeline")
    g.add_edge("lambdalib.papers.conda.pipeline", "lambdalib.core.seed")
    assert any(_layer(a)[0] == "core" and _layer(b)[0] == "papers" for a, b in g.edges)
    assert list(nx.simple_cycles(g))
