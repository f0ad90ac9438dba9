"""File exports that open right in French office software."""

from __future__ import annotations

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with `;` and a UTF-8 BOM: French Excel opens it with accents and columns right."""
    return frame.to_csv(sep=";", index=False).encode("utf-8-sig")
