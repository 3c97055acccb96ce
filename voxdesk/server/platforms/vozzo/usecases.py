"""Use cases in Vozzo's database: create, read, change only what was sent, delete (the
recordings stay, as the contract says), and the paged list with each one's recording
counts by state — filtered by tag, counted and paged in SQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

from voxdesk.contracts.vozzo import (
    AnalysisConfig,
    RecordingState,
    StateCounts,
    Usecase,
    UsecaseCreate,
    UsecaseListItem,
)
from voxdesk.server.core.store import parse_stored_time
from voxdesk.server.platforms.vozzo.db import VozzoDb, now_text

_COLUMNS = (
    "usecase_uuid, usecase_name, usecase_desc, tags, buckets, analysis_config, "
    "created_at, updated_at"
)
_JSON_FIELDS = ("tags", "buckets", "analysis_config")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class UsecaseStore:
    def __init__(self, db: VozzoDb) -> None:
        self._db = db

    def _usecase(self, row: Any) -> Usecase:
        return Usecase(
            usecase_uuid=row["usecase_uuid"],
            org_uuid=self._db.org.org_uuid,
            usecase_name=row["usecase_name"],
            usecase_desc=row["usecase_desc"],
            tags=json.loads(row["tags"]),
            buckets=json.loads(row["buckets"]),
            analysis_config=AnalysisConfig.model_validate(json.loads(row["analysis_config"])),
            created_at=parse_stored_time(row["created_at"]),
            updated_at=parse_stored_time(row["updated_at"]),
        )

    def create(self, body: UsecaseCreate) -> Usecase:
        usecase_uuid = str(uuid.uuid4())
        at = now_text()
        self._db.execute(
            f"INSERT INTO vozzo_usecases ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                usecase_uuid,
                body.usecase_name,
                body.usecase_desc,
                _dumps(body.tags),
                _dumps(body.buckets),
                _dumps(body.analysis_config.dump()),
                at,
                at,
            ),
        )
        found = self.get(usecase_uuid)
        assert found is not None
        return found

    def get(self, usecase_uuid: str) -> Usecase | None:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM vozzo_usecases WHERE usecase_uuid = ?", (usecase_uuid,)
        )
        return self._usecase(rows[0]) if rows else None

    def update(self, usecase_uuid: str, changes: dict[str, Any]) -> Usecase | None:
        """Set only the fields in ``changes`` (JSON-ready values); ``None`` if unknown."""
        assignments = ["updated_at = ?"]
        params: list[Any] = [now_text()]
        for name, value in changes.items():
            assignments.append(f"{name} = ?")
            params.append(_dumps(value) if name in _JSON_FIELDS else value)
        changed = self._db.execute(
            f"UPDATE vozzo_usecases SET {', '.join(assignments)} WHERE usecase_uuid = ?",
            [*params, usecase_uuid],
        )
        return self.get(usecase_uuid) if changed else None

    def delete(self, usecase_uuid: str) -> bool:
        return bool(
            self._db.execute("DELETE FROM vozzo_usecases WHERE usecase_uuid = ?", (usecase_uuid,))
        )

    def page(
        self, *, offset: int, limit: int, tag: str | None
    ) -> tuple[list[UsecaseListItem], int]:
        """Oldest first (a stable order as use cases are added), with the counts of each
        one's stored recordings by state."""
        where, params = "1", []
        if tag is not None:
            where = "EXISTS (SELECT 1 FROM json_each(u.tags) WHERE json_each.value = ?)"
            params = [tag]
        total = self._db.query(f"SELECT COUNT(*) AS n FROM vozzo_usecases u WHERE {where}", params)[
            0
        ]["n"]
        counts = ", ".join(
            f"(SELECT COUNT(*) FROM vozzo_recordings r WHERE r.usecase_uuid = u.usecase_uuid "
            f"AND r.state = '{state.value}') AS n_{state.value}"
            for state in RecordingState
        )
        rows = self._db.query(
            f"SELECT {_COLUMNS}, {counts} FROM vozzo_usecases u WHERE {where} "
            "ORDER BY u.seq LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = []
        for row in rows:
            state_counts = StateCounts(**{s.value: row[f"n_{s.value}"] for s in RecordingState})
            items.append(
                UsecaseListItem(
                    **self._usecase(row).model_dump(),
                    recording_counts=state_counts,
                    total_recordings=state_counts.total,
                )
            )
        return items, total
