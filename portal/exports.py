"""File exports that open right in French office software."""

from __future__ import annotations

import io

import pandas as pd
import vobject

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with `;` and a UTF-8 BOM: French Excel opens it with accents and columns right."""
    return frame.to_csv(sep=";", index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Export") -> bytes:
    """An .xlsx workbook with one sheet, header row frozen."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        writer.sheets[sheet[:31]].freeze_panes = "A2"
    return buffer.getvalue()


def vcards_bytes(contacts: list[dict]) -> bytes:
    """One .vcf file with a vCard 3.0 per contact, for phones and mail clients.

    Each contact: last_name, first_name, and optionally organization, title, phone,
    email, note.
    """
    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("n").value = vobject.vcard.Name(family=contact["last_name"] or "",
                                                 given=contact.get("first_name") or "")
        card.add("fn").value = " ".join(
            p for p in (contact.get("first_name"), contact["last_name"]) if p)
        if contact.get("organization"):
            card.add("org").value = [contact["organization"]]
        if contact.get("title"):
            card.add("title").value = contact["title"]
        if contact.get("phone"):
            tel = card.add("tel")
            tel.value = contact["phone"]
            tel.type_param = "WORK"
        for address in (contact.get("email"), contact.get("mssante")):
            if address:
                email = card.add("email")
                email.value = address
                email.type_param = "INTERNET"
        if contact.get("note"):
            card.add("note").value = contact["note"]
        cards.append(card.serialize())
    return "".join(cards).encode("utf-8")
