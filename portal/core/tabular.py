"""Reading the spreadsheets people actually send: CSV from French Excel or an online form,
or XLSX. Encoding (UTF-8, UTF-8 with BOM, Windows-1252) and separator (; , tab) are
detected; every value stays text, as the user sees it in the spreadsheet; line errors are
reported, never skipped silently; a file too large for the portal is refused at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import archives
from .errors import PortalError
from .formats import number_fr, size_fr

SEPARATORS = (";", ",", "\t")
MAX_ERRORS = 50
# The directory of a large CPTS is 2 000 people, a national export 20 000 for a region:
# beyond these a file is not what this import is for (and would take minutes).
MAX_BYTES = 20 * 1024 ** 2
MAX_ROWS = 50_000
TOO_BIG = ("Ce fichier est trop grand pour un import ({what}) : {limit} au plus. Découpez-le, "
           "ou gardez seulement les lignes du territoire.")
# An XLSX is a zip: a sheet of 20 000 people expands to about 10 MB, in a dozen parts.
XLSX_EXPANDED = 200 * 1024 ** 2
XLSX_PARTS = 200


@dataclass
class Table:
    frame: pd.DataFrame                     # text cells, '' for empty, header as given
    line_numbers: list[int]                 # the file line of each row, for error reports
    encoding: str = "xlsx"
    separator: str = ""
    errors: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """'Prénom ' and 'PRENOM' compare equal: lower case, no accents, letters and digits."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed
                                            if not unicodedata.combining(c)))


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding's name: UTF-16 when it starts with its mark (Excel's
    "texte Unicode"), else UTF-8, else the Windows-1252 of older French Excel."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise PortalError("Ce fichier en UTF-16 est illisible (tronqué ?) : enregistrez-le "
                              "en CSV UTF-8.", field="file") from None
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(SEPARATORS, key=first.count)


def _unique(headers: list[str]) -> list[str]:
    """Blank or repeated headers (merged cells, copies) get a usable, distinct name."""
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(headers, start=1):
        name = re.sub(r"\s+", " ", str(name or "")).strip() or f"Colonne {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _from_rows(rows: list[tuple[int, list[str]]]) -> Table:
    """The header is the first row with two cells filled or more (a title above it, in
    one cell or merged across, is skipped); blank rows are dropped, long rows reported."""
    rows = [(n, [str(c or "").strip() for c in r]) for n, r in rows]
    rows = [(n, r) for n, r in rows if any(r)]
    _check_count(len(rows))
    if not rows:
        raise PortalError("Le fichier ne contient aucune ligne.", field="file")
    start = next((i for i, (_, r) in enumerate(rows) if sum(map(bool, r)) >= 2), 0)
    (_, head), body = rows[start], rows[start + 1:]
    while head and not head[-1]:
        head = head[:-1]
    headers = _unique(head)
    errors, kept, numbers = [], [], []
    for number, row in body:
        while len(row) > len(headers) and not row[-1]:
            row = row[:-1]
        if len(row) > len(headers):
            errors.append(f"Ligne {number} : {len(row)} valeurs pour {len(headers)} "
                          "colonnes (un séparateur en trop ?).")
            continue
        kept.append(row + [""] * (len(headers) - len(row)))
        numbers.append(number)
    frame = pd.DataFrame(kept, columns=headers, dtype=str)
    return Table(frame, numbers, errors=capped(errors))


def capped(errors: list[str]) -> list[str]:
    """The first MAX_ERRORS errors, and how many more there are: none goes unsaid."""
    if len(errors) <= MAX_ERRORS:
        return errors
    more = f"… et {number_fr(len(errors) - MAX_ERRORS)} autre(s) erreur(s)."
    return [*errors[:MAX_ERRORS], more]


def _check_count(rows: int) -> None:
    if rows > MAX_ROWS + 1:  # the header
        limit = f"{number_fr(MAX_ROWS)} lignes"
        raise PortalError(TOO_BIG.format(what=f"plus de {limit}", limit=limit), field="file")


def read(data: bytes, filename: str) -> Table:
    """A spreadsheet upload as text cells, with per-line errors."""
    if not data:
        raise PortalError("Le fichier envoyé est vide (0 octet).", field="file")
    if len(data) > MAX_BYTES:
        raise PortalError(TOO_BIG.format(what=size_fr(len(data)), limit=size_fr(MAX_BYTES)),
                          field="file")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xls")):
        raise PortalError("Ce fichier n'est pas un classeur XLSX lisible. Enregistrez-le au "
                          "format .xlsx ou .csv.", field="file")
    text, encoding = _decode(data)
    if "\x00" in text[:4096]:
        raise PortalError("Ce fichier n'est pas un tableau (CSV ou XLSX).", field="file")
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    try:
        rows = [(reader.line_num, row) for row in itertools.islice(reader, MAX_ROWS + 2)]
    except csv.Error as error:
        raise PortalError(f"Fichier CSV illisible (ligne {reader.line_num}) : {error}.",
                          field="file") from None
    table = _from_rows(rows)
    table.encoding, table.separator = encoding, separator
    return table


def _read_xlsx(data: bytes) -> Table:
    """The first sheet, every row (not only those its declared size claims), each cell as
    Excel shows it: a formula gives the value Excel saved with it, and a formula saved
    without one (written by a program, never opened in Excel) is an error, not a blank."""
    try:
        archives.check_zip(zipfile.ZipFile(io.BytesIO(data)), XLSX_EXPANDED, XLSX_PARTS)
        shown = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        typed = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise PortalError("Ce fichier n'est pas un classeur XLSX lisible (fichier tronqué ?).",
                          field="file") from None
    sheets = shown.worksheets[0], typed.worksheets[0]
    for sheet in sheets:
        sheet.reset_dimensions()  # a wrong <dimension> would cut the sheet short
    rows, unsaved = [], []
    pairs = zip(*(sheet.iter_rows(values_only=True) for sheet in sheets))
    for number, (values, formulas) in enumerate(itertools.islice(pairs, MAX_ROWS + 2), 1):
        for column, (value, formula) in enumerate(zip(values, formulas), 1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                unsaved.append(f"Ligne {number}, colonne {get_column_letter(column)} : "
                               "formule sans valeur enregistrée. Ouvrez le fichier dans "
                               "Excel ou LibreOffice et enregistrez-le, ou collez les "
                               "valeurs à la place des formules.")
        rows.append((number, ["" if v is None else _cell(v) for v in values]))
    shown.close()
    typed.close()
    table = _from_rows(rows)
    table.errors = capped(unsaved + table.errors)
    return table


def _cell(value) -> str:
    """Spreadsheet values as text: 1.0 -> '1', dates -> 'YYYY-MM-DD'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def guess_mapping(headers: list[str], targets: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Target field -> the file column whose normalised header matches one of its names."""
    by_name = {normalise(h): h for h in headers}
    mapping = {}
    for target, names in targets.items():
        for name in names:
            if normalise(name) in by_name:
                mapping[target] = by_name[normalise(name)]
                break
    return mapping
