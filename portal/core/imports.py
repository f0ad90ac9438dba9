"""Importing the rows of a spreadsheet, all or nothing: every line is tried, its errors
collected with the line number, and nothing written if any line failed (or for a dry run
that only checks).

Lines are tried on a private copy of the database (Store.rehearsal), so that 20 000 of
them, however long they take, never hold the write lock that other users' saves and
logins wait on; the writes then land in one short transaction (Store.replay).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .db import Store
from .errors import PortalError
from .roles import Actor
from .tabular import Table
from .transactions import Transaction


@dataclass
class Report:
    created: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Others may change the same kind of records between a rehearsal and its replay: after
# this many tries the import writes under the lock, as long as it takes.
REHEARSALS = 3

WriteRow = Callable[[Transaction, Callable[[str], str]], list[str]]


def import_rows(store: Store, actor: Actor, table: Table, mapping: dict,
                new_writer: Callable[[], WriteRow], audit: dict,
                dry_run: bool = False) -> Report:
    """Try every line on a private copy of the database (no lock held, however long the
    file), then apply the writes in one short transaction, or none if a line failed.

    `new_writer()` gives a fresh `write_row(tx, cell)` for each try; it writes one line,
    `cell(target)` reading the mapped column, and returns warnings or raises PortalError
    for the line's error.
    """
    for _ in range(REHEARSALS):
        with store.rehearsal(actor) as tx:
            report = _write_all(tx, table, mapping, new_writer(), audit)
            if report.errors or dry_run or store.replay(tx):
                return report
    with store.write(actor) as tx:
        tx.execute("SAVEPOINT lines")
        report = _write_all(tx, table, mapping, new_writer(), audit)
        tx.execute("ROLLBACK TO lines" if report.errors else "RELEASE lines")
    return report


def _write_all(tx: Transaction, table: Table, mapping: dict, write_row: WriteRow,
               audit: dict) -> Report:
    report = Report(errors=list(table.errors))
    for number, row in zip(table.line_numbers, table.frame.to_dict("records")):
        def cell(target, row=row) -> str:
            column = mapping.get(target)
            return str(row[column]).strip() if column else ""
        try:
            warnings = write_row(tx, cell)
        except PortalError as error:
            report.errors.append(f"Ligne {number} : {error.message}")
            continue
        report.created += 1
        report.warnings += [f"Ligne {number} : {w}" for w in warnings]
    tx.audit("spreadsheet_import", None, "import", after={**audit, "rows": report.created})
    if report.errors:
        report.created = 0
    return report
