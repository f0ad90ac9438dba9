"""File exports that open right in French office software."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pandas as pd
import vobject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A cell starting so is run by spreadsheets as a formula (OWASP "CSV injection"): a name
# typed =HYPERLINK(...) would become a live link. Digits and punctuation alone hide no
# function: a phone "+33 6 12 34 56 78" or an amount "-4,2" stays as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_LIKE = re.compile(r"[+-]?[\d .,()/-]*")


def inert(value):
    """A cell value no spreadsheet runs: a leading quote marks it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START) \
            and not NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with `;` and a UTF-8 BOM: French Excel opens it with accents and columns right;
    no cell is run as a formula."""
    return frame.map(inert).to_csv(sep=";", index=False).encode("utf-8-sig")


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
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            _as_text(sheet)
            _fit_columns(sheet)
        if images:
            _image_sheet(writer.book.create_sheet(images[0][:31]), images[1])
    return buffer.getvalue()


def _as_text(sheet) -> None:
    """Text that starts like a formula stays text (openpyxl writes any "=..." string as a
    formula): shown as typed, never run."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
                cell.quotePrefix = True


SHEET_WIDEST = 60  # characters: a longer text wraps in its cell rather than widen it


def _fit_columns(sheet) -> None:
    """Each column as wide as its longest value (header included), up to SHEET_WIDEST;
    longer texts wrap."""
    for column in sheet.iter_cols():
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(longest, SHEET_WIDEST) + 2
        if longest > SHEET_WIDEST:
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


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


# The width of a wide character of the default 11 pt body font (bold headers, or the
# serif font LibreOffice puts in its place), and a cell's padding.
CHAR_CM, PADDING_CM = 0.25, 0.45
BOLD = 1.2       # a bold word's width against the same word in regular weight
LONG_TEXT = 60   # characters past which a text takes no more room, only more lines


def docx_table(document, header: list[str] | None, rows: list[list[str]],
               room: tuple[int, ...] = ()) -> None:
    """A gridded table at the end of a python-docx document, laid out as a reader needs it
    on paper (LibreOffice and Word alike): each column at least as wide as its longest
    word, the room left going to the columns of long texts; the bold header row repeated
    at the top of each page; no row split across two pages. `header=None`: no header;
    `room`: the columns that share the room left instead (a column to sign in)."""
    lines = ([header] if header else []) + rows
    columns = len(lines[0])
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    for number, values in enumerate(lines):
        row = table.add_row()
        _row_property(row, "w:cantSplit")
        for cell, text in zip(row.cells, values):
            cell.text = text
        if header and number == 0:
            _row_property(row, "w:tblHeader")
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    section = document.sections[-1]
    usable = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    widths = column_widths(lines, usable, bool(header), room)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(width)  # each cell, which Word reads


def column_widths(lines: list[list[str]], usable_cm: float, header: bool = False,
                  room: tuple[int, ...] = ()) -> list[float]:
    """Widths in cm: each column gets its longest word (a bold header's a fifth wider);
    what is left of the page goes to the columns whose texts are longer than that, in
    proportion to how much longer."""
    columns = list(zip(*lines))
    words = [max((len(w) * (BOLD if header and row == 0 else 1)
                  for row, t in enumerate(column) for w in str(t).split()), default=1)
             for column in columns]
    texts = [min(max((len(str(t)) for t in column), default=1), LONG_TEXT)
             for column in columns]
    needed = [n * CHAR_CM + PADDING_CM for n in words]
    if sum(needed) >= usable_cm:  # too many columns: all shrink alike
        return [usable_cm * n / sum(needed) for n in needed]
    extra = [int(i in room) for i in range(len(columns))] if room else \
        [max(t - n, 0) for t, n in zip(texts, words)]
    spare = usable_cm - sum(needed)
    return [n + (spare * e / sum(extra) if sum(extra) else spare / len(needed))
            for n, e in zip(needed, extra)]


def _row_property(row, tag: str) -> None:
    """Set an on/off property of a table row (w:tblHeader, w:cantSplit)."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


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
