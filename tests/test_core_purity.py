"""The pure core imports no HTTP, SQLite, templates, pandas, clock or environment access."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "evidence_tracker"
CORE = ["claims.py", "records.py", "thresholds.py", "pipeline.py", "sanitize.py",
        "report/changes.py", "report/data.py", "report/view.py", "report/runs.py",
        "report/labels.py", "report/evidence.py",
        "pubmed/query.py", "pubmed/index.py", "pubmed/nodes.py", "pubmed/interface.py",
        "language/engine.py", "language/context.py", "language/findings.py",
        "language/sentence_model.py",
        "references/extract.py", "references/compare.py", "references/citation.py",
        "references/blocks.py", "references/identifiers.py", "references/model.py",
        *[f"grading/{p.name}" for p in sorted((PACKAGE / "grading").glob("*.py"))]]
FORBIDDEN_MODULES = {"requests", "urllib3", "sqlite3", "jinja2", "pandas", "os", "time",
                     "socket", "http", "subprocess"}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "getenv", "open"}


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", CORE)
def test_core_module_is_pure(name):
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    assert not imported_modules(tree) & FORBIDDEN_MODULES, name
    calls = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
             for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not calls & FORBIDDEN_CALLS, (name, calls & FORBIDDEN_CALLS)
