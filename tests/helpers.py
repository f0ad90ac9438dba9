"""Helpers shared by the tests: log in through the real form, find widgets; build a
person or a meeting through the services."""

from __future__ import annotations

import io
import re
import socket
from datetime import date, time
from pathlib import Path

from docx import Document
from streamlit.testing.v1 import AppTest

from portal.admin import demo
from portal.association import memberships
from portal.core.formats import WORD_JOINER
from portal.core.roles import COORDINATOR, Actor
from portal.directory import persons
from portal.meetings import schedule
from portal.ui import navigation


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = Path(APP).parent / "portal" / "pages"
COORD = Actor("coord", frozenset({COORDINATOR}))


def meeting(store, missions=(), **values) -> int:
    """A CA meeting on 29/03/2026, 10:00 to 12:00, unless `values` say otherwise."""
    meeting_id, _ = schedule.save_meeting(store, COORD, {
        "kind": "ca", "title": "Conseil d'administration", "day": date(2026, 3, 29),
        "start": time(10, 0), "end": time(12, 0), **values}, missions=missions)
    return meeting_id


def person(store, last_name, profession="60", member=True) -> int:
    """A card; a member of the CPTS this year (to regularise) unless `member` is False."""
    with store.write(COORD) as tx:
        person_id = persons.write_person(tx, {"last_name": last_name, "first_name": "A",
                                              "profession_code": profession})[0]
        if member:
            memberships.regularise(tx, person_id, date.today().year)
        return person_id


def docx_text(data: bytes) -> str:
    """A Word document's paragraphs, then its tables' cells, one per line."""
    document = Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs] +
                      [c.text for t in document.tables for r in t.rows for c in r.cells])


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def unescaped(value) -> str:
    """What a reader sees of markdown the portal escaped (md_escape): `Fin\\.` reads `Fin.`"""
    return re.sub(r"\\(.)", r"\1", str(value)).replace(WORD_JOINER, "")


def texts(at) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text",
                                  "error", "warning", "success", "info", "toast")
             for e in getattr(at, kind)]
    return "\n".join(unescaped(p) for p in parts)


def shown_errors(at) -> list[str]:
    """The error boxes as a reader sees them."""
    return [unescaped(e.value) for e in at.error]


def log_in(at: AppTest, username: str, password: str) -> AppTest:
    widget(at.text_input, "Identifiant").input(username)
    widget(at.text_input, "Mot de passe").input(password)
    widget(at.button, "Se connecter").click()
    return at.run()


def logged_in(username: str, password: str = demo.PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=20).run()
    return log_in(at, username, password)


def open_page(at: AppTest, key: str, **params) -> AppTest:
    """Go to a page of the menu (or a hidden one) with query parameters, as a link would."""
    at.switch_page(navigation.path(key))
    at.query_params.clear()
    at.query_params.update({k: str(v) for k, v in params.items()})
    return at.run()


def toasts(at) -> list[str]:
    """The confirmations shown after a save, as a reader sees them."""
    return [unescaped(t.value) for t in at.toast]
