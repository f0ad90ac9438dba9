"""The files the portal writes for spreadsheets: opened safely, read as typed."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from portal.core import exports


def test_exports_never_run_a_cell_as_a_formula():
    """Issue 14, point 4 (OWASP CSV injection), in the one place CSV and XLSX are made."""
    hostile = '=HYPERLINK("http://example.invalid","x")'
    frame = pd.DataFrame({"Nom": [hostile, "@SUM(A1)", "-cmd|' /C calc'!A0", "Dupont"],
                          "Téléphone": ["+33 6 12 34 56 78", "02 38 67 00 00", "", "-4,2"]})
    rows = exports.csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert rows[1].startswith('"\'=HYPERLINK') and rows[2].startswith("'@SUM")
    assert rows[3].startswith("'-cmd") and rows[4] == "Dupont;-4,2"
    assert rows[1].endswith(";+33 6 12 34 56 78")  # a phone still reads as typed
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(frame))).active
    assert sheet["A2"].value == hostile and sheet["A2"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
