"""The layer rules of DESIGN.md, kept by a test rather than by habit: pages hold the UI,
services the rules and the SQL, the database module the connections and the audit log."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
PAGES = PORTAL / "pages"
ENTRY = ROOT / "app.py"
# The entry script and the UI helpers: with the pages, the only code that draws.
UI_MODULES = {ENTRY, *(PORTAL / "ui").glob("*.py")}
# The connection, the transactions and the audit rows: the database modules only.
DATABASE = {PORTAL / "core" / "db.py", PORTAL / "core" / "transactions.py"}
# What each domain package may import of the portal (its package docstring says why).
DOMAINS = ["core", "accounts", "directory", "care", "meetings", "questionnaires", "missions",
           "association", "admin"]
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core"},
    "directory": {"core", "association"},
    "care": {"core", "directory"},
    "meetings": {"core", "directory", "association"},
    "questionnaires": {"core", "directory"},
    "missions": {"core", "directory", "care", "meetings", "questionnaires", "association"},
    "association": {"core"},
    "admin": set(DOMAINS) - {"admin"},
}
SQL = re.compile(r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b"
                 r"|\bDELETE\s+FROM\b")
RAW_AUDIT = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+audit_log\b")


def modules() -> list[Path]:
    return sorted([ENTRY, *PORTAL.rglob("*.py")])


def is_page(path: Path) -> bool:
    return PAGES in path.parents


def imported(path: Path) -> set[str]:
    """The top-level names of every module `path` imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def portal_packages(path: Path) -> set[str]:
    """The portal packages (core, directory, ui...) that `path` imports, relatively or not."""
    parts = path.with_suffix("").parts
    own = list(parts[len(parts) - 1 - parts[::-1].index("portal"):-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = own[:len(own) - node.level + 1] if node.level else []
        parts = base + (node.module.split(".") if node.module else [])
        if parts[:1] != ["portal"]:
            continue
        found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
    return found


def strings(path: Path) -> list[str]:
    """The text of every string constant in `path` (f-strings' literal parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def relative(paths) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in paths)


def test_only_pages_and_ui_helpers_import_streamlit():
    drawing = [p for p in modules() if any(n.startswith("streamlit") for n in imported(p))]
    assert relative(p for p in drawing if not is_page(p) and p not in UI_MODULES) == []


def test_no_page_holds_sql():
    holding = [p for p in modules() if is_page(p) and any(SQL.search(s) for s in strings(p))]
    assert relative(holding) == []


@pytest.mark.parametrize("pattern", [r"\.conn\b", r"sqlite3\.connect", RAW_AUDIT.pattern])
def test_connections_and_audit_rows_belong_to_the_database_module(pattern):
    found = [p for p in modules() if p not in DATABASE
             and re.search(pattern, p.read_text(encoding="utf-8"))]
    assert relative(found) == []


def test_every_portal_module_lives_in_a_domain_package():
    loose = {p.stem for p in PORTAL.glob("*.py")} - {"__init__", "__main__", "cli"}
    folders = {p.name for p in PORTAL.iterdir() if (p / "__init__.py").is_file()}
    assert loose == set() and folders == {*DOMAINS, "ui"}


@pytest.mark.parametrize("package", DOMAINS)
def test_a_domain_imports_only_what_lies_below_it(package):
    found = {str(p.relative_to(ROOT)): sorted(portal_packages(p) - MAY_IMPORT[package] - {package})
             for p in (PORTAL / package).glob("*.py")}
    assert {path: extra for path, extra in found.items() if extra} == {}


def test_no_pages_folder_beside_the_entry_script():
    """It would put Streamlit in its legacy multipage mode, running pages without app.py."""
    assert ENTRY.is_file() and not (ENTRY.parent / "pages").exists()
    assert sorted(p.stem for p in PAGES.glob("*.py")) and not (PORTAL / "views").exists()


def test_the_rules_catch_what_they_are_for(tmp_path):
    """Each rule fails on a sample of what it forbids: a test that cannot fail is none."""
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nrows = store.query("SELECT tag FROM person_tags")\n'
                    'tx.conn.executemany("x", [])\n')
    assert "streamlit" in imported(page)
    assert any(SQL.search(s) for s in strings(page))
    assert re.search(r"\.conn\b", page.read_text())
    assert RAW_AUDIT.search("UPDATE audit_log SET before = NULL")
    assert not any(SQL.search(s) for s in ["Sélectionnez une personne", "Mise à jour"])
    service = tmp_path / "portal" / "directory" / "search.py"
    service.parent.mkdir(parents=True)
    service.write_text("from ..meetings import schedule\nfrom portal.ui import session\n"
                       "from . import persons\nfrom .. import roles\n")
    assert portal_packages(service) == {"meetings", "ui", "directory", "roles"}


def test_every_multiselect_goes_through_the_one_without_english():
    """Streamlit's multiselect adds a "Select all" entry in English: ui.multiselect hides it."""
    found = [p for p in modules() if p != PORTAL / "ui" / "__init__.py"
             and re.search(r"\bst\.multiselect\(", p.read_text(encoding="utf-8"))]
    assert relative(found) == []
