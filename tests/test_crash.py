"""A bug in a page shows a French message with a reference; the traceback goes to the log."""

from __future__ import annotations

import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from helpers import shown_errors


def crashing_page():
    from portal import ui

    class Broken:
        url_path = "broken"

        def run(self):
            raise ZeroDivisionError("a bug")

    ui.run_page(Broken())


def test_a_bug_shows_a_french_message_and_logs_its_reference(caplog):
    st.config.set_option("client.showErrorDetails", "none")  # as the portal is configured
    try:
        at = AppTest.from_function(crashing_page).run()
    finally:
        st.config.set_option("client.showErrorDetails", "full")
    assert not at.exception  # no English box
    message = shown_errors(at)[0]
    assert message.startswith("Une erreur inattendue a interrompu cette page.")
    reference = re.search(r"la référence ([0-9A-F]{6})", message).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "ZeroDivisionError: a bug" in caplog.text


def test_developers_still_get_the_traceback(caplog):
    at = AppTest.from_function(crashing_page).run()  # the tests' "full" details
    assert at.exception and shown_errors(at)[0].startswith("Une erreur inattendue")
