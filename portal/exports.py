"""File exports that open right in French office software."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import vobject
from openpyxl.drawing.image import Image

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with `;` and a UTF-8 BOM: French Excel opens it with accents and columns right."""
    return frame.to_csv(sep=";", index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Export") -> bytes:
    """An .xlsx workbook with one sheet, header row frozen."""
    return workbook_bytes({sheet: frame})


def workbook_bytes(sheets: dict[str, pd.DataFrame],
                   images: tuple[str, list[bytes]] | None = None) -> bytes:
    """An .xlsx workbook, a sheet per frame (header row frozen), and optionally a last
    sheet of PNG images one under the other (charts)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            writer.sheets[name[:31]].freeze_panes = "A2"
        if images:
            _image_sheet(writer.book.create_sheet(images[0][:31]), images[1])
    return buffer.getvalue()


def _image_sheet(sheet, pngs: list[bytes]) -> None:
    row = 1
    for png in pngs:
        picture = Image(io.BytesIO(png))
        # Charts are drawn at twice the size for sharpness: shown at half.
        picture.width, picture.height = picture.width // 2, picture.height // 2
        sheet.add_image(picture, f"A{row}")
        row += picture.height // 20 + 2


def docx_bytes(document, title: str) -> bytes:
    """A python-docx document, titled and dated, as bytes."""
    document.core_properties.title = title
    document.core_properties.created = datetime.now(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_table(document, header: list[str], rows: list[list[str]]) -> None:
    """A gridded table with a bold header row, at the end of a python-docx document."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text


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
