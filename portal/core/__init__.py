"""What every domain stands on: the database and its audited transactions (db), the
journals (audit), settings, errors, roles and permissions, French formats, checks on typed
values (validation), exports, spreadsheet reading and all-or-nothing imports, reference
lists, upload limits (archives) and who reaches the portal (network).

Imports nothing else of the portal: every other package may import it.
"""
