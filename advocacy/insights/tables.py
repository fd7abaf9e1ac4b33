"""A table of the corps-health page as it is shown: its columns, rows and chart, a period
row left out, and the same table as a CSV file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advocacy import csvsafe


@dataclass
class Table:
    key: str
    title: Any
    columns: list[tuple[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: dict | None = None  # {"type": "line"|"bar", "series": [column keys]}
    note: Any = None
    total_rows: int | None = None  # set when only the first rows are kept (the page)

    def shown_columns(self) -> list[tuple[str, Any]]:
        """The columns of the page and the CSV file (the person's id only links a name)."""
        return [(key, label) for key, label in self.columns if key != "user_id"]

    def chart_data(self) -> dict | None:
        if not self.chart or not self.rows:
            return None
        label_key = self.columns[0][0]
        labels = dict(self.columns)
        return {
            "id": f"chart-{self.key}",
            "type": self.chart["type"],
            "labels": [str(row[label_key]) for row in self.rows],
            "datasets": [
                {"label": str(labels[key]),
                 "data": [v if isinstance(v, int | float) else None
                          for v in (row.get(key) for row in self.rows)]}
                for key in self.chart["series"]
            ],
        }


def left_out(table: Table, label: str) -> dict[str, Any]:
    """A period row whose figures are left out ("–"): the period's blocks do not make up
    the scope, so its figures could be differenced into a smaller group."""
    first = table.columns[0][0]
    return {first: label, **{key: None for key, _label in table.columns[1:]}}


def to_csv(table: Table) -> str:
    """The table as the page folds it, through the product's one CSV writer (csvsafe)."""
    columns = table.shown_columns()
    return csvsafe.to_csv([str(label) for _, label in columns],
                          ([row.get(k) for k, _ in columns] for row in table.rows))
