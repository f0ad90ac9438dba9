"""AppTest helpers shared by the page tests: log in through the real form, find widgets."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from portal import demo

APP = str(Path(__file__).resolve().parent.parent / "portal" / "app.py")
VIEWS = Path(APP).parent / "views"


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def texts(at) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text",
                                  "error", "warning", "success", "info") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


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
    at.switch_page(f"views/{key}.py")
    at.query_params.clear()
    at.query_params.update({k: str(v) for k, v in params.items()})
    return at.run()
