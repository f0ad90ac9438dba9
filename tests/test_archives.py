"""Uploads that expand: a zip bomb is refused in French before it fills the memory."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from rpps_files import header

from portal.core import tabular
from portal.core.db import Store
from portal.core.errors import PortalError
from portal.core.roles import CLI
from portal.directory import rpps, territory

ROOT = Path(__file__).resolve().parent.parent
MEGABYTE = 1 << 20


def bomb(path: Path, times: int, line: bytes = b"a" * MEGABYTE) -> Path:
    """A zipped extraction: its header, then `line` written `times` times (by default a
    line of `times` megabytes without end), a few megabytes on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("PS_LibreAcces_Personne_activite.txt", "w", force_zip64=True) as member:
        member.write(header().encode())
        for _ in range(times):
            member.write(line)
    return path


def test_a_line_without_end_is_refused_before_it_is_read_whole(tmp_path):
    with pytest.raises(PortalError, match="Ligne 2 : plus de 64 Ko sans retour à la ligne"):
        rpps.scan(bomb(tmp_path / "long.zip", 2), {"45155"})


def test_an_archive_that_expands_too_far_is_refused_unread(tmp_path):
    with pytest.raises(PortalError, match="L'archive se décompresse en 8 Mo : 5 Mo au plus"):
        rpps.scan(bomb(tmp_path / "big.zip", 8 * 1024, b"a" * 1023 + b"\n"), {"45155"},
                  max_expanded=5 * MEGABYTE)
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as archive:
        for number in range(rpps.MAX_MEMBERS + 1):
            archive.writestr(f"part{number}.txt", "x")
    with pytest.raises(PortalError, match="L'archive contient 11 fichiers : 10 au plus"):
        rpps.scan(crowded, {"45155"})


def test_an_xlsx_that_expands_too_far_is_refused(monkeypatch):
    book = Workbook()
    book.active.append(["Nom"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    tabular.read(data, "ok.xlsx")  # a real workbook reads
    padded = io.BytesIO(data)
    with zipfile.ZipFile(padded, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (tabular.XLSX_EXPANDED + 1))
    with pytest.raises(PortalError, match="L'archive se décompresse en"):
        tabular.read(padded.getvalue(), "bomb.xlsx")


def limit_memory():
    """In the child: 1.5 GB of address space, far below what reading the bomb took."""
    resource.setrlimit(resource.RLIMIT_AS, (1536 * MEGABYTE, 1536 * MEGABYTE))


def test_the_reported_zip_bomb_ends_in_a_french_message_under_a_memory_cap(env, tmp_path):
    """The issue's file: 5 MB zipped, one 1.2 GB line. The command line used to end in a
    MemoryError traceback; the page's server went from 297 MB to 12.6 GB."""
    path = bomb(tmp_path / "PS_LibreAcces_Personne_activite_bombe.zip", 1200)
    subprocess.run([sys.executable, "-m", "portal", "init"], cwd=ROOT, check=True,
                   capture_output=True)
    territory.add_communes(Store(env.db_path), CLI, ["45155"])
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "portal", "import-rpps", str(path),
                           "--dry-run"], check=False, cwd=ROOT, capture_output=True,
                          text=True, preexec_fn=limit_memory, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "plus de 64 Ko sans retour à la ligne" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    print(f"zip bomb refused in {elapsed:.2f} s")
