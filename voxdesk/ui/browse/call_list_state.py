"""The call list as plain Python state: the loaded rows, the filter and the order.

The Qt model (``call_list_model.CallListModel``) is a thin adapter that reads this
object; everything that decides *what* is listed lives here or in SQL, so it can be
tested without Qt and no Qt proxy model ever sorts 100k rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voxdesk.services.catalog import CallFilter, CallOrder, CallRow

PAGE_SIZE = 200


@dataclass
class CallListState:
    """Rows loaded so far (a prefix of the filtered, ordered result), and how many exist.

    ``generation`` grows whenever the filter, the order or the connection changes, so a
    page load that started under an older query can tell that it is stale and drop its
    rows instead of appending them to the wrong list.
    """

    filter: CallFilter = field(default_factory=CallFilter)
    order: CallOrder = field(default_factory=CallOrder)
    rows: list[CallRow] = field(default_factory=list)
    total: int = 0
    page_size: int = PAGE_SIZE
    generation: int = 0
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def has_more(self) -> bool:
        return len(self.rows) < self.total

    def new_query(self, *, where: CallFilter | None = None, order: CallOrder | None = None) -> int:
        """Switch filter and/or order; returns the generation loads must carry."""
        if where is not None:
            self.filter = where
        if order is not None:
            self.order = order
        self.generation += 1
        return self.generation

    def reset(self, rows: list[CallRow], total: int) -> None:
        self.rows = list(rows)
        self.total = max(total, len(self.rows))
        self._reindex()

    def append(self, rows: list[CallRow]) -> list[CallRow]:
        """Add the next page; rows already listed (the catalog changed under us) are skipped."""
        fresh = [row for row in rows if row.call_id not in self._index]
        for row in fresh:
            self._index[row.call_id] = len(self.rows)
            self.rows.append(row)
        self.total = max(self.total, len(self.rows))
        return fresh

    def replace(self, row: CallRow) -> int | None:
        """Put a newer version of a listed call in place; its position or ``None``."""
        position = self._index.get(row.call_id)
        if position is not None:
            self.rows[position] = row
        return position

    def index_of(self, call_id: str) -> int | None:
        return self._index.get(call_id)

    def _reindex(self) -> None:
        self._index = {row.call_id: i for i, row in enumerate(self.rows)}
