"""Supporting documents (pièces justificatives) for indicator values.

The type is decided by the file's content, never by its name alone: a renamed program is
refused. Files are stored once per content, under their SHA-256, outside the database.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import roles
from ..core.db import Store, private_file, private_folder
from ..core.errors import PortalError
from ..core.exports import DOCX_MIME, XLSX_MIME
from ..core.formats import size_fr
from ..core.roles import Actor
from ..core.transactions import iso, now
from . import indicators

MAX_BYTES = 10 * 1024 * 1024
# Extension -> mime type; `detect` checks that the content really is of that type.
ACCEPTED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": DOCX_MIME,
    "xlsx": XLSX_MIME,
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def detect(data: bytes, filename: str) -> str:
    """The mime type of an accepted document, checked against its content."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in ACCEPTED:
        raise PortalError("Type de fichier refusé : déposez un PDF, une image (PNG, JPEG) ou "
                          "un document bureautique (DOCX, XLSX, PPTX, ODT, ODS).", field="file")
    if data.startswith((b"MZ", b"\x7fELF")):
        raise PortalError("Ce fichier est un programme, pas un document : refusé.", field="file")
    if extension == "pdf":
        ok = data.startswith(b"%PDF-")
    elif extension == "png":
        ok = data.startswith(b"\x89PNG\r\n\x1a\n")
    elif extension in ("jpg", "jpeg"):
        ok = data.startswith(b"\xff\xd8\xff")
    else:
        ok = _zip_holds(data, extension)
    if not ok:
        raise PortalError(f"Le contenu de « {filename} » ne correspond pas à un fichier "
                          f".{extension} : refusé.", field="file")
    return ACCEPTED[extension]


def _zip_holds(data: bytes, extension: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    if extension in OOXML_PARTS:
        return "[Content_Types].xml" in names and any(
            n.startswith(OOXML_PARTS[extension]) for n in names)
    return "mimetype" in names


def path_for(files_dir: Path, sha256: str) -> Path:
    return files_dir / sha256[:2] / sha256


def add(store: Store, actor: Actor, files_dir: Path, indicator_id: int, filename: str,
        data: bytes, period: date | None = None, max_bytes: int = MAX_BYTES) -> int:
    """Check and store one document for an indicator (and a period of it)."""
    roles.require(actor, *indicators.EDITORS)
    if not data:
        raise PortalError("Le fichier envoyé est vide (0 octet).", field="file")
    if len(data) > max_bytes:
        raise PortalError(f"Fichier trop lourd ({size_fr(len(data))}) : "
                          f"{size_fr(max_bytes)} au plus.", field="file")
    mime = detect(data, filename)
    indicator = indicators.get_indicator(store, indicator_id)
    if indicator is None:
        raise PortalError("Indicateur introuvable.")
    sha256 = hashlib.sha256(data).hexdigest()
    target = path_for(files_dir, sha256)
    if not target.exists():
        private_folder(target.parent)
        partial = target.with_suffix(".partial")
        private_file(partial)
        partial.write_bytes(data)
        partial.rename(target)
    start = indicators.period_start(period, indicator["period"]).isoformat() if period else None
    name = Path(filename).name[:200]
    with store.write(actor) as tx:
        return tx.insert("evidence", {
            "indicator_id": indicator_id, "period_start": start, "sha256": sha256,
            "filename": name, "mime": mime, "size": len(data), "uploaded_by": actor.username,
            "uploaded_at": iso(now())}, entity="evidence")


def listing(store: Store, indicator_id: int) -> pd.DataFrame:
    return store.frame(
        "SELECT id, filename, period_start, size, uploaded_by, uploaded_at, mime, sha256"
        " FROM evidence WHERE indicator_id = ? ORDER BY period_start DESC, id DESC",
        (indicator_id,))


def content(files_dir: Path, sha256: str) -> bytes:
    return path_for(files_dir, sha256).read_bytes()


def remove(store: Store, actor: Actor, files_dir: Path, evidence_id: int) -> None:
    """Withdraw a document put on the wrong indicator, or holding what it should not.

    The file goes too once no other row points to it (backups keep their own copy)."""
    roles.require(actor, *indicators.EDITORS)
    with store.write(actor) as tx:
        row = tx.delete("evidence", evidence_id, "evidence", "Ce document a déjà été retiré.")
        shared = tx.one("SELECT 1 FROM evidence WHERE sha256 = ?", (row["sha256"],))
    if shared is None:
        path_for(files_dir, row["sha256"]).unlink(missing_ok=True)


def for_year(store: Store, year: int) -> pd.DataFrame:
    """The documents supporting a year: those of one of its periods, or those without a
    period that were put in during the year."""
    return store.frame(
        "SELECT m.title AS mission, i.name AS indicator, e.filename, e.period_start, e.size,"
        " e.uploaded_by, e.uploaded_at, e.sha256 FROM evidence e"
        " JOIN indicators i ON i.id = e.indicator_id JOIN missions m ON m.code = i.mission_code"
        " WHERE (e.period_start >= :y0 AND e.period_start < :y1) OR (e.period_start IS NULL"
        " AND e.uploaded_at >= :y0 AND e.uploaded_at < :y1)"
        " ORDER BY m.position, i.name, e.period_start, e.filename",
        {"y0": f"{year}-01-01", "y1": f"{year + 1}-01-01"})
