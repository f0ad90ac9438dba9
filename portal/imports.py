"""Importing the rows of a spreadsheet, all or nothing: every line is tried in one
transaction, its errors collected with the line number, and the whole rolled back if
any line failed (or for a dry run that only checks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .db import Store, Transaction
from .errors import PortalError
from .roles import Actor
from .tabular import Table


@dataclass
class Report:
    created: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Rollback(Exception):
    """Raised inside the transaction to undo a run with errors or a dry run."""


def import_rows(store: Store, actor: Actor, table: Table, mapping: dict,
                write_row: Callable[[Transaction, Callable[[str], str]], list[str]],
                audit: dict, dry_run: bool = False) -> Report:
    """Call `write_row(tx, cell)` for each line, `cell(target)` reading the mapped column;
    it returns warnings, or raises PortalError for the line's error."""
    report = Report(errors=list(table.errors))
    try:
        with store.write(actor) as tx:
            for number, (_, row) in zip(table.line_numbers, table.frame.iterrows()):
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
            tx.audit("spreadsheet_import", None, "import", after={**audit,
                                                                 "rows": report.created})
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if report.errors:
        report.created = 0
    return report
