"""A WHERE clause built from a listing's optional filters.

The listings (directory, organisations, meetings, decisions, the médecin traitant queue)
each add the conditions their filters ask, with named parameters; a filter left on
"Tous" adds nothing. Values always travel as parameters, never inside the SQL text.
"""

from __future__ import annotations


class Where:
    def __init__(self, *conditions: str, **params):
        self.conditions = list(conditions)
        self.params = dict(params)

    def add(self, condition: str, **params) -> Where:
        self.conditions.append(condition)
        self.params.update(params)
        return self

    def equal(self, column: str, value) -> Where:
        """`column = :name`, named after the column, unless `value` is None or blank."""
        if value is None or value == "":
            return self
        name = column.rsplit(".", 1)[-1]
        return self.add(f"{column} = :{name}", **{name: value})

    @property
    def sql(self) -> str:
        """' WHERE a AND b', or nothing when no condition applies."""
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""
