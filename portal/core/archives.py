"""Limits on what an upload may expand to, checked before anything is decompressed.

A zip of a megabyte can expand to gigabytes (a "zip bomb"); an XLSX is a zip too. Each
member's size is read from the archive's directory, which Python's zipfile then holds
the member to (a member that expands further fails its check instead of filling the
memory), and a text read line by line takes no line longer than its cap.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from .errors import PortalError
from .formats import size_fr


def check_zip(archive: zipfile.ZipFile, max_bytes: int, max_members: int) -> None:
    """Refuse, in French, an archive with too many members or that expands past
    `max_bytes` in all."""
    members = archive.infolist()
    if len(members) > max_members:
        raise PortalError(f"L'archive contient {len(members)} fichiers : {max_members} au plus "
                          "sont acceptés. Rien n'a été lu.", field="file")
    expanded = sum(m.file_size for m in members)
    if expanded > max_bytes:
        raise PortalError(f"L'archive se décompresse en {size_fr(expanded)} : "
                          f"{size_fr(max_bytes)} au plus sont acceptés. Rien n'a été lu.",
                          field="file")


def lines(stream: BinaryIO, max_line: int, first: int = 1) -> Iterator[bytes]:
    """The stream's lines, none longer than `max_line` bytes: a longer one is refused
    before more of it is read (a text file has no megabyte-long line)."""
    number = first
    while raw := stream.readline(max_line + 1):
        if len(raw) > max_line and not raw.endswith(b"\n"):
            raise PortalError(f"Ligne {number} : plus de {size_fr(max_line)} sans retour à la "
                              "ligne. Ce fichier n'est pas celui attendu (corrompu ou piégé ?) ; "
                              "la lecture s'est arrêtée là et rien n'a été enregistré.",
                              field="file")
        yield raw
        number += 1
