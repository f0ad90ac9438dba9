"""Blank fields never break a page or an export: every page for every role, and every
file the portal produces, on a portal where each optional column is blank somewhere."""

from __future__ import annotations

import blank_fields
from helpers import logged_in, open_page


def test_the_sparse_portal_leaves_every_optional_column_blank_somewhere(sparse_store):
    assert blank_fields.null_gaps(sparse_store) == []


def test_a_person_without_phone_lists_in_the_directory_for_a_member(sparse_store):
    """An RPPS import leaves people without a phone; the frame's NaN once crashed here."""
    at = open_page(logged_in("demo.membre"), "directory")
    assert not at.exception
    shown = at.dataframe[0].value
    row = shown[shown["Nom"] == "Abadie"].iloc[0]
    assert row["Téléphone"] == "" and row["Commune"] == ""
    assert at.dataframe[0].proto.placeholder == ""  # a blank cell reads empty, not "None"
