"""Supporting documents: type decided by content, size limited, stored once by hash."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from helpers import logged_in, open_page, shown_errors, texts, widget
from portal.core import files
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import COORDINATOR, MEMBER, Actor
from portal.missions import evidence, indicators

COORD = Actor("coord", frozenset({COORDINATOR}))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def indicator_id(store):
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Plan de crise transmis", "mission_code": "socle_4", "kind": "moyens",
        "period": "year", "direction": "higher"})
    return indicator_id


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def test_a_pdf_is_accepted_stored_once_and_listed(store, env, indicator_id):
    first = evidence.add(store, COORD, env.files_dir, indicator_id, "plan.pdf", PDF,
                         date(2026, 6, 3))
    evidence.add(store, COORD, env.files_dir, indicator_id, "copie.pdf", PDF)
    listed = evidence.listing(store, indicator_id)
    assert len(listed) == 2 and listed["sha256"].nunique() == 1
    stored = list(env.files_dir.rglob("*"))
    assert len([p for p in stored if p.is_file()]) == 1  # same content, one file
    row = listed[listed["id"] == first].iloc[0]
    assert row["period_start"] == "2026-01-01" and row["mime"] == "application/pdf"
    assert files.content(env.files_dir, row["sha256"]) == PDF
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'evidence'") == 2


@pytest.mark.parametrize("name, data, message", [
    ("rapport.pdf", b"MZ\x90\x00 this program cannot be run in DOS mode", "programme"),
    ("setup.exe", b"MZ\x90\x00", "Type de fichier refusé"),
    ("photo.png", PDF, "ne correspond pas"),
    ("notes.docx", b"PK\x03\x04 not really a zip", "ne correspond pas"),
    ("vide.pdf", b"", "0 octet"),
])
def test_files_that_are_not_what_they_claim_are_refused(store, env, indicator_id, name, data,
                                                        message):
    with pytest.raises(PortalError, match=message):
        evidence.add(store, COORD, env.files_dir, indicator_id, name, data)
    assert evidence.listing(store, indicator_id).empty


def test_office_documents_by_content_and_size_limit(store, env, indicator_id):
    evidence.add(store, COORD, env.files_dir, indicator_id, "compte-rendu.docx", docx_bytes())
    with pytest.raises(PortalError, match="ne correspond pas"):  # a docx named .xlsx
        evidence.add(store, COORD, env.files_dir, indicator_id, "tableau.xlsx", docx_bytes())
    with pytest.raises(PortalError, match="trop lourd"):
        evidence.add(store, COORD, env.files_dir, indicator_id, "gros.pdf",
                     PDF + b"0" * 2000, max_bytes=1000)
    with pytest.raises(PermissionDenied):
        evidence.add(store, Actor("m", frozenset({MEMBER})), env.files_dir, indicator_id,
                     "plan.pdf", PDF)


def test_indicator_page_upload(demo_store):
    crisis = int(indicators.list_indicators(demo_store, "socle_4").iloc[0]["id"])
    at = open_page(logged_in("demo.coordination"), "indicator", id=crisis)
    assert "Aucune pièce justificative. Déposez-en une ci-dessous." in texts(at)
    at.get("file_uploader")[0].set_value(("plan-crise.pdf", PDF, "application/pdf"))
    widget(at.button, "Déposer").click()
    at.run().run()
    assert not at.exception
    assert evidence.listing(demo_store, crisis)["filename"].tolist() == ["plan-crise.pdf"]
    widget(at.button, "Déposer").click()
    at.run()
    assert "Choisissez d'abord un fichier." in shown_errors(at)
    at.get("file_uploader")[0].set_value(("faux.pdf", b"MZ\x90\x00", "application/pdf"))
    widget(at.button, "Déposer").click()
    at.run()
    assert "Ce fichier est un programme, pas un document : refusé." in shown_errors(at)


def test_removal_drops_the_file_once_unreferenced(store, env, indicator_id):
    first = evidence.add(store, COORD, env.files_dir, indicator_id, "plan.pdf", PDF)
    second = evidence.add(store, COORD, env.files_dir, indicator_id, "copie.pdf", PDF)
    path = files.path_for(env.files_dir, evidence.listing(store, indicator_id)["sha256"][0])
    with pytest.raises(PermissionDenied):
        evidence.remove(store, Actor("m", frozenset({MEMBER})), env.files_dir, first)
    evidence.remove(store, COORD, env.files_dir, first)
    assert path.exists()  # the copy still points to it
    evidence.remove(store, COORD, env.files_dir, second)
    assert not path.exists() and evidence.listing(store, indicator_id).empty
    with pytest.raises(PortalError, match="déjà été retiré"):
        evidence.remove(store, COORD, env.files_dir, second)
    deleted = store.query("SELECT before FROM audit_log WHERE entity = 'evidence'"
                          " AND action = 'delete' ORDER BY id")
    assert len(deleted) == 2 and "plan.pdf" in deleted[0]["before"]


def test_indicator_page_removal_asks_for_confirmation(demo_store, env):
    crisis = int(indicators.list_indicators(demo_store, "socle_4").iloc[0]["id"])
    coordinator = Actor("demo.coordination", frozenset({COORDINATOR}))
    document = evidence.add(demo_store, coordinator, env.files_dir, crisis, "plan.pdf", PDF)
    at = open_page(logged_in("demo.coordination"), "indicator", id=crisis)
    widget(at.selectbox, "Document").set_value(document)
    at.run()
    widget(at.button, "Retirer").click()
    at.run()
    assert "Cochez la case pour confirmer." in shown_errors(at)
    assert len(evidence.listing(demo_store, crisis)) == 1
    widget(at.checkbox, "Je confirme le retrait de ce document").check()
    widget(at.button, "Retirer").click()
    at.run()
    assert not at.exception and evidence.listing(demo_store, crisis).empty
