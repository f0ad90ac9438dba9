"""Uploaded documents: their type checked by content, never by name alone (a renamed
program is refused), their size limited, and each stored once per content under its
SHA-256, outside the database, where the backups find it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from .db import private_file, private_folder
from .errors import PortalError
from .exports import DOCX_MIME, XLSX_MIME
from .formats import size_fr

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


def keep(files_dir: Path, filename: str, data: bytes,
         max_bytes: int = MAX_BYTES) -> dict:
    """Check and store an upload; returns what a row records of it (sha256, filename,
    mime, size). Written under a temporary name first, so a file is whole or absent."""
    if not data:
        raise PortalError("Le fichier envoyé est vide (0 octet).", field="file")
    if len(data) > max_bytes:
        raise PortalError(f"Fichier trop lourd ({size_fr(len(data))}) : "
                          f"{size_fr(max_bytes)} au plus.", field="file")
    mime = detect(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    target = path_for(files_dir, sha256)
    if not target.exists():
        private_folder(target.parent)
        partial = target.with_suffix(".partial")
        private_file(partial)
        partial.write_bytes(data)
        partial.rename(target)
    return {"sha256": sha256, "filename": Path(filename).name[:200], "mime": mime,
            "size": len(data)}


def content(files_dir: Path, sha256: str) -> bytes:
    return path_for(files_dir, sha256).read_bytes()
