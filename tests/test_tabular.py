"""Spreadsheets as people send them: encodings, separators, merged headers, blank lines,
yes/no variants, extra fields; and the all-or-nothing import into the directory."""

from __future__ import annotations

import io
import itertools
import threading
import time
import zipfile

import pytest
from openpyxl import Workbook

from portal.accounts import login, users
from portal.core import tabular
from portal.core.errors import PortalError
from portal.core.roles import COORDINATOR, Actor
from portal.directory import organizations, persons, search, spreadsheets
from portal.directory.search import Filters

COORD = Actor("coord", frozenset({COORDINATOR}))
GOOD = "riviere-pont-canal-2026"
CSV = ("Nom;Prénom;Profession;Téléphone;Ville;Membre\n"
       "Lefèvre;Hélène;Infirmier;02 38 67 00 00;Gien;oui\n"
       "\n"
       "D'Amiens;Paul;Médecin;;45155;OUI\n"
       "Martin;Zoé;masseur-kinésithérapeute;0238670001;Briare;Oui \n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_encodings_and_separators_are_detected(encoding, separator):
    table = tabular.read(CSV.replace(";", separator).encode(encoding), "liste.csv")
    assert table.separator == separator
    assert table.encoding == ("Windows-1252" if encoding == "cp1252" else "UTF-8")
    assert list(table.frame.columns) == ["Nom", "Prénom", "Profession", "Téléphone", "Ville",
                                         "Membre"]
    assert table.frame["Nom"].tolist() == ["Lefèvre", "D'Amiens", "Martin"]
    assert table.line_numbers == [2, 4, 5]  # the blank line 3 is dropped, numbers kept
    assert table.errors == []


def test_an_xlsx_with_merged_header_cells_and_blank_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", None, "Téléphone", "Nom"])  # merged cell left a blank; a repeat
    sheet.append([None, None, None, None])
    sheet.append(["Lefèvre", "Hélène", 238670000.0, "bis"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = tabular.read(buffer.getvalue(), "liste.xlsx")
    assert list(table.frame.columns) == ["Nom", "Colonne 2", "Téléphone", "Nom (2)"]
    assert table.frame.iloc[0].tolist() == ["Lefèvre", "Hélène", "238670000", "bis"]
    assert table.line_numbers == [3]


@pytest.mark.parametrize("data, name, message", [
    (b"", "x.csv", "0 octet"),
    (b"\n \n", "x.csv", "aucune ligne"),
    (b"PK\x03\x04tronque", "x.xlsx", "XLSX lisible"),
    (b"\x00\x01\x02binaire", "x.csv", "pas un tableau"),
])
def test_unreadable_files_get_a_french_message(data, name, message):
    with pytest.raises(PortalError, match=message):
        tabular.read(data, name)


def test_a_line_with_too_many_fields_is_reported():
    table = tabular.read(b"Nom;Ville\nA;Gien\nB;Gien;en trop\nC;Briare;;\n", "x.csv")
    assert table.errors == ["Ligne 3 : 3 valeurs pour 2 colonnes (un séparateur en trop ?)."]
    assert table.frame["Nom"].tolist() == ["A", "C"]  # trailing empty cells are harmless


def mapping(table):
    return spreadsheets.guess_mapping("people", list(table.frame.columns))


def test_headers_are_mapped_automatically():
    table = tabular.read(CSV.encode(), "x.csv")
    assert mapping(table) == {"last_name": "Nom", "first_name": "Prénom",
                              "profession": "Profession", "phone": "Téléphone",
                              "commune": "Ville", "member": "Membre"}


def test_people_import_all_lines_checked_then_written(store):
    table = tabular.read(CSV.encode("cp1252"), "x.csv")
    dry = spreadsheets.import_table(store, COORD, table, mapping(table), dry_run=True)
    assert dry.created == 3 and dry.errors == []
    assert search.count_people(store, Filters(include_hidden=True)) == 0
    report = spreadsheets.import_table(store, COORD, table, mapping(table))
    assert report.created == 3
    people = search.search_people(store, Filters(include_hidden=True))
    assert people["profession"].tolist() == ["Médecin", "Infirmier", "Masseur-Kinésithérapeute"]
    assert people["commune"].tolist() == ["Gien", "Gien", "Briare"]
    assert people["member"].tolist() == [1, 1, 1]  # oui, OUI, "Oui "
    hand = persons.get_person(store, int(people.iloc[1]["id"]))
    assert "phone" in hand["manual_fields"]  # a hand-kept list: the RPPS import keeps it


def test_one_bad_line_means_nothing_is_written(store):
    bad = CSV + "Petit;Anne;Astronaute;;Gien;non\nRoux;Léa;Infirmier;02 38;Gien;\n"
    table = tabular.read(bad.encode(), "x.csv")
    report = spreadsheets.import_table(store, COORD, table, mapping(table))
    assert report.created == 0
    assert report.errors == [
        "Ligne 6 : « Astronaute » : valeur inconnue.",
        "Ligne 7 : Numéro de téléphone invalide : « 02 38 » (ex. : 02 38 67 00 00)."]
    assert search.count_people(store, Filters(include_hidden=True)) == 0
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'person'") == 0


def test_organisations_import_with_kind_and_sector_labels(store):
    table = tabular.read(b"Raison sociale;Type;Secteur;Commune\n"
                         b"MSP du Val;msp;Sanitaire;Gien\n"
                         b"CCAS;CCAS / service social;social;45053\n", "s.csv")
    found = spreadsheets.guess_mapping("organizations", list(table.frame.columns))
    report = spreadsheets.import_table(store, COORD, table, found, kind="organizations")
    assert report.errors == [] and report.created == 2
    frame, total = organizations.list_organizations(store)
    assert total == 2 and set(frame["kind"]) == {"msp", "ccas"}


def test_a_utf16_text_export_of_excel_is_read(tmp_path):
    """Issue 14, point 17: Excel's « Texte Unicode » is UTF-16 with tabs."""
    data = "Nom\tPrénom\nLefèvre\tHélène\n".encode("utf-16")
    table = tabular.read(data, "export.txt")
    assert table.encoding == "UTF-16" and table.separator == "\t"
    assert table.frame.to_dict("records") == [{"Nom": "Lefèvre", "Prénom": "Hélène"}]
    with pytest.raises(PortalError, match="n'est pas un tableau"):
        tabular.read(b"\x00\x01binaire\x00" * 10, "image.csv")


def xlsx(rows: list[list], patch=lambda sheet: sheet) -> bytes:
    """A workbook of `rows`, its sheet's XML then changed by `patch` (as other programs
    write it: cached formula values, a wrong declared size)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = patch(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def test_a_spreadsheet_too_large_is_refused_at_once_in_french():
    started = time.monotonic()
    with pytest.raises(PortalError, match="trop grand pour un import .21 Mo.*20 Mo au plus"):
        tabular.read(b"Nom;Ville\n" + b"Martin;Gien\n" * (21 * 1024 ** 2 // 12), "x.csv")
    many = "Nom;Ville\n" + "Martin;Gien\n" * (tabular.MAX_ROWS + 1)
    with pytest.raises(PortalError, match="plus de 50.000 lignes"):
        tabular.read(many.encode(), "x.csv")
    tabular.read(("Nom;Ville\n" + "Martin;Gien\n" * tabular.MAX_ROWS).encode(), "x.csv")
    assert time.monotonic() - started < 5


def test_formula_cells_read_as_excel_shows_them_or_are_an_error_never_a_blank():
    def cached(sheet: str) -> str:  # as Excel saves a formula: with the value it showed
        return sheet.replace("<v></v>", "<v>02 38 67 00 00</v>").replace(
            '<c r="B2">', '<c r="B2" t="str">')
    rows = [["Nom", "Téléphone", "E-mail"], ["Alpha", '="02 38 67 00 00"', "a@example.org"]]
    assert tabular.read(xlsx(rows, cached), "x.xlsx").frame.to_dict("records") == [
        {"Nom": "Alpha", "Téléphone": "02 38 67 00 00", "E-mail": "a@example.org"}]
    rows[1][2] = '=LOWER("A@EXAMPLE.ORG")'
    table = tabular.read(xlsx(rows), "x.xlsx")  # written by a program: no value saved
    assert [e.split(" : ")[0] for e in table.errors] == ["Ligne 2, colonne B",
                                                         "Ligne 2, colonne C"]
    assert "formule sans valeur enregistrée" in table.errors[0]


def test_an_xlsx_declaring_a_smaller_size_than_it_holds_is_read_whole():
    rows = [["Nom", "Ville"]] + [[f"Nom{i}", "Gien"] for i in range(5)]
    table = tabular.read(xlsx(rows, lambda s: s.replace('ref="A1:B6"', 'ref="A1:B2"')),
                         "x.xlsx")
    assert table.frame["Nom"].tolist() == [f"Nom{i}" for i in range(5)]


def test_more_line_errors_than_shown_are_counted():
    text = "Nom;Ville\n" + "a;b;c\n" * 60
    errors = tabular.read(text.encode(), "x.csv").errors
    assert len(errors) == 51 and errors[-1] == "… et 10 autre(s) erreur(s)."


def rows_csv(count: int) -> bytes:
    lines = ["Nom;Prénom;Profession;Ville;Téléphone"]
    lines += [f"Nom{i};Prénom{i};Infirmier;45155;02 38 {i % 100:02d} {i // 100 % 100:02d} 11"
              for i in range(count)]
    return "\n".join(lines).encode()


def test_a_dry_run_takes_no_write_lock(store):
    table = tabular.read(rows_csv(50), "x.csv")
    holder = store.connect()
    holder.execute("BEGIN IMMEDIATE")  # someone else is writing, for as long as it takes
    try:
        started = time.monotonic()
        report = spreadsheets.import_table(store, COORD, table, mapping(table), dry_run=True)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.errors == [] and report.created == 50 and waited < 4
    assert search.count_people(store, Filters(include_hidden=True)) == 0


def test_eight_writers_and_logins_all_succeed_during_an_import_of_20000_rows(store):
    """The lines are tried without the lock; only the final replay holds it, briefly."""
    table = tabular.read(rows_csv(20_000), "x.csv")
    users.create_first_admin(store, "ana", "Ana Admin", "ana@example.org", GOOD, GOOD, 4)
    done, failures, waits, saved = threading.Event(), [], [], []

    def writer(n: int) -> None:
        actor = Actor(f"writer{n}", frozenset({COORDINATOR}))
        for i in itertools.count():
            if done.is_set():
                return
            started = time.monotonic()
            try:
                if n == 0:
                    assert login.verify_login(store, "ana", GOOD, 4).ok
                else:
                    with store.write(actor) as tx:
                        tx.insert("app_settings", {"key": f"{n}-{i}", "value": "v"})
                        saved.append(f"{n}-{i}")
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                failures.append(repr(error))
            waits.append(time.monotonic() - started)
            time.sleep(0.02)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    report = spreadsheets.import_table(store, COORD, table, mapping(table))
    took = time.monotonic() - started
    done.set()
    for thread in threads:
        thread.join()
    print(f"\n20 000 rows imported in {took:.1f} s beside 8 writers: {len(waits)} operations,"
          f" longest wait {max(waits):.2f} s")
    assert failures == [] and report.errors == [] and report.created == 20_000
    assert search.count_people(store, Filters(include_hidden=True)) == 20_000
    assert store.scalar("SELECT COUNT(*) FROM app_settings WHERE value = 'v'") == len(saved)
    assert len(saved) > 100
