"""Blank fields never break a page or an export: every page for every role, and every
file the portal produces, on a portal where each optional column is blank somewhere."""

from __future__ import annotations

import io
import json
import re
import zipfile

import docx
import openpyxl
import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import app_test

import blank_fields
from helpers import logged_in, open_page, widget
from portal.accounts import users
from portal.core.roles import ADMIN, BUREAU, COORDINATOR, MEMBER, TREASURER
from portal.ui import navigation

ROLE_USERS = {ADMIN: "demo.admin", BUREAU: "demo.bureau", COORDINATOR: "demo.coordination",
              MEMBER: "demo.membre", TREASURER: "demo.bureau2"}
# What a blank turns into when it is printed instead of left out.
BLANK_WORDS = re.compile(r"\b(nan|NaN|None|NaT|null)\b")
# Proto fields that hold no text a user reads (ids, keys, links, styles, raw data).
NOT_READ = {"id", "form_id", "key", "url", "icon", "page_script_hash", "url_path", "page",
            "element_hash", "data", "spec", "css", "type", "format", "default",
            "column_config", "column_order", "selection_mode", "width_config", "height_config"}
# Record pages, opened on the sparse records (the demo ones are opened elsewhere).
RECORDS = {"person": "person", "organization": "organization", "action": "action",
           "meeting": "meeting", "campaign": "campaign", "indicator": "indicator",
           "doctor_request": "doctor_request", "prevention_event": "prevention_event",
           "pathway": "pathway"}


# Buttons a page needs clicked before it offers its files.
PREPARE = {"report": "Préparer le rapport"}


def read_texts(message: Message, path: str = "") -> list[tuple[str, str]]:
    """Every string field of an element's proto, with its path, except NOT_READ."""
    found = []
    for field, value in message.ListFields():
        if field.name in NOT_READ:
            continue
        where = f"{path}.{field.name}"
        repeated = not isinstance(value, (str, bytes, Message)) and hasattr(value, "__len__")
        values = value if repeated else [value]
        for item in values:
            if isinstance(item, Message):
                found += read_texts(item, where)
            elif isinstance(item, str):
                found.append((where, item))
    return found


def blank_words(at) -> list[str]:
    """What the page shows that reads 'nan' or 'None': texts, labels, options, and table
    cells (a blank cell is allowed only where the table says what to show instead)."""
    problems = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or node.type == "component_instance":  # the login cookie's
            continue
        for where, text in read_texts(proto):
            if BLANK_WORDS.search(text):
                problems.append(f"{node.type}{where}: {text[:120]!r}")
        if node.type in ("arrow_data_frame", "dataframe"):
            frame = node.value
            frame = getattr(frame, "data", frame)  # a Styler holds its frame
            shown = frame.astype(str)
            for column in frame.columns:
                if shown[column].str.fullmatch(BLANK_WORDS.pattern).any():
                    problems.append(f"table {column!r} prints a blank as a word")
                if frame[column].isna().any() and not proto.HasField("placeholder"):
                    problems.append(f"table {column!r} has blanks shown as 'None'")
    return problems


class KeptMediaFiles(app_test.MediaFileManager):
    """Streamlit's own file manager, kept after the run so a test can read the files the
    download buttons serve (AppTest drops its manager when a run ends)."""

    last = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        KeptMediaFiles.last = self


@pytest.fixture
def downloads(monkeypatch):
    monkeypatch.setattr(app_test, "MediaFileManager", KeptMediaFiles)


def downloaded(at) -> dict[str, bytes]:
    """Label -> bytes of every download button on the page; a file made on click
    (deferred) is made as the click would."""
    files = {}
    manager = KeptMediaFiles.last
    for button in at.get("download_button"):
        proto = button.proto
        url = (manager.execute_deferred(proto.deferred_file_id)
               if proto.HasField("deferred_file_id") else proto.url)
        file_id = url.rsplit("/", 1)[-1].split(".")[0]
        files[proto.label] = manager.read_file(file_id).content
    return files


def file_text(data: bytes) -> str:
    """What a user reads in a file: a Word document's paragraphs and tables, a
    workbook's cells, a text file's text; images have none."""
    if data.startswith((b"\x89PNG", b"%PDF")):
        return ""
    if data.startswith(b"PK"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        if "word/document.xml" in names:
            document = docx.Document(io.BytesIO(data))
            cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
            return "\n".join([p.text for p in document.paragraphs] + cells)
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows()
                         for c in row if c.value is not None)
    text = data.decode("utf-8-sig")
    if text.startswith("{"):  # JSON: a blank is null there, as it should be
        return "\n".join(strings(json.loads(text)))
    return text


def strings(data) -> list[str]:
    """The texts inside a JSON document, keys and values."""
    if isinstance(data, dict):
        return [*data, *(s for v in data.values() for s in strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("role", [ADMIN, BUREAU, COORDINATOR, MEMBER, TREASURER])
def test_every_page_and_download_reads_well_for_every_role_on_blank_fields(
        sparse_store, downloads, role):
    ids = sparse_store.sparse_ids
    at = logged_in(ROLE_USERS[role])
    roles = set(users.get_user(sparse_store, ROLE_USERS[role])["roles"])
    failures = {}
    for entry in navigation.PAGES:
        if not navigation.allowed(entry, roles):
            continue
        visits = [{"id": ids[RECORDS[entry.key]]}] if entry.key in RECORDS else [{}]
        if entry.key == "doctor_request":
            visits.append({"id": ids["anonymised_request"]})
        for params in visits:
            open_page(at, entry.key, **params)
            if entry.key in PREPARE and not at.exception:
                widget(at.button, PREPARE[entry.key]).click().run()
            name = f"{entry.key}{params or ''}"
            if at.exception:
                failures[name] = [e.value for e in at.exception]
                continue
            problems = blank_words(at)
            for label, data in downloaded(at).items():
                text = file_text(data)
                problems += [f"{label}: {line[:120]!r}" for line in text.splitlines()
                             if BLANK_WORDS.search(line)]
            if problems:
                failures[name] = problems
    assert not failures, "\n".join(f"{page}: {problem}" for page, problems in failures.items()
                                   for problem in problems)


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


def test_a_directory_person_without_profession_is_not_called_a_guest(sparse_store):
    at = open_page(logged_in("demo.coordination"), "meeting",
                   id=sparse_store.sparse_ids["meeting"])
    sheet = at.dataframe[0].value.set_index("Nom")
    assert sheet.loc["Abadie", "Profession"] == ""
    assert sheet.loc["Invité extérieur", "Profession"] == "Invité extérieur"
