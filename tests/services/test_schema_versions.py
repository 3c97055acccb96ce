"""Schema versions of the catalog and the upload queue (both migrated), and
0.1.0's files opened by today's code: real SQLite files, real JSON, a keyring stand-in."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest

from tests.fixtures.release import (
    ACME,
    CACHED_CALLS,
    DONE,
    FAILED,
    TEAM,
    UNFINISHED,
    install_release_home,
)
from tests.services.test_connections import MemoryKeyring
from voxdesk.domain import (
    AgentKind,
    Analysis,
    Call,
    CallStatus,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    SurveyResult,
)
from voxdesk.services import paths
from voxdesk.services.catalog import SCHEMA, SCHEMA_VERSION, CallCatalog, CallFilter, SortKey
from voxdesk.services.connections import (
    KEYRING_SERVICE,
    LOCAL_CONNECTION,
    Connection,
    ConnectionStore,
    CredentialStore,
)
from voxdesk.services.sqlite_migrations import SchemaTooNew, migrate, schema_version
from voxdesk.services.uploads.jobs import UploadState
from voxdesk.services.uploads.store import MIGRATIONS, UploadStore


@pytest.fixture
def release_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    install_release_home(home)
    monkeypatch.setenv("VOXDESK_HOME", str(home))
    return home


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        version = schema_version(db)
    db.close()
    return version


def _set_user_version(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {version}")
    db.close()


# --- 0.1.0's files ---------------------------------------------------------------------


async def test_release_catalog_keeps_its_calls_under_the_connection_ids(release_home) -> None:
    connections = ConnectionStore()
    team, acme = connections.find(TEAM), connections.find(ACME)
    assert team is not None and acme is not None and team.id != acme.id
    catalog = CallCatalog(paths.catalog_path())
    await catalog.open()
    try:
        for connection in (team, acme):
            assert await catalog.count(connection.id, CallFilter()) == CACHED_CALLS
            # The text-search index followed the rows to their new key.
            assert await catalog.count(connection.id, CallFilter(text="refund")) == CACHED_CALLS
            assert await catalog.distinct_values(connection.id, SortKey.AGENT) == ["Dana Reyes"]
        for old_key in (TEAM, ACME):
            assert await catalog.count(old_key, CallFilter()) == 0
        call = await catalog.get_call(team.id, "team-call-1")
        assert call is not None and call.status is CallStatus.COMPLETED
        assert await catalog.pending_ids(acme.id) == ["acme-call-3"]
    finally:
        await catalog.close()
    assert _user_version(paths.catalog_path()) == SCHEMA_VERSION


async def test_release_upload_queue_keeps_every_job_under_the_connection_id(
    release_home,
) -> None:
    team = ConnectionStore().find(TEAM)
    store = UploadStore()
    await store.open()
    try:
        unfinished = await store.unfinished(team.id)
        assert [job.id for job in unfinished] == list(UNFINISHED)
        assert [job.state for job in unfinished] == [
            UploadState.WAITING,
            UploadState.UPLOADING,
            UploadState.CREATING,
        ]
        assert unfinished[2].public_url and unfinished[2].create_attempts == 1
        done, failed = await store.get(DONE), await store.get(FAILED)
        assert (done.state, done.call_id, done.connection) == (
            UploadState.DONE,
            "team-call-1",
            team.id,
        )
        assert failed.state is UploadState.FAILED and "connection refused" in failed.reason
        assert await store.unfinished(TEAM) == []
    finally:
        await store.close()
    assert _user_version(release_home / "data" / "uploads.sqlite3") == MIGRATIONS[-1][0]


def test_release_connections_get_ids_and_keep_their_tokens(release_home, memory_keyring) -> None:
    # 0.1.0 kept each token under the connection's name.
    memory_keyring.set_password(KEYRING_SERVICE, TEAM, "team-token")
    memory_keyring.set_password(KEYRING_SERVICE, ACME, "acme-token")
    memory_keyring.set_password(KEYRING_SERVICE, LOCAL_CONNECTION, "local-server-token")
    store = ConnectionStore()
    team, acme = store.find(TEAM), store.find(ACME)
    assert store.active() == team
    assert (team.platform, team.base_url, dict(team.settings)) == (
        "local",
        "http://127.0.0.1:8765",
        {},
    )
    assert CredentialStore().get(team.id) == "team-token"
    assert CredentialStore().get(acme.id) == "acme-token"
    assert (KEYRING_SERVICE, TEAM) not in memory_keyring.items
    # The local server's token is not a connection's: it stays under its fixed key.
    assert CredentialStore().get(LOCAL_CONNECTION) == "local-server-token"
    # Loading again changes nothing: the ids are kept.
    assert ConnectionStore().find(TEAM).id == team.id
    assert ConnectionStore().legacy_keys() == {TEAM: team.id, ACME: acme.id}


# --- the connections file ----------------------------------------------------------------


def test_a_rename_keeps_the_id_and_a_taken_name_is_refused(tmp_path) -> None:
    store = ConnectionStore(tmp_path / "connections.json")
    first = Connection("Prod", "voxxi", "https://a.example", settings={"org": "acme"})
    store.save(first)
    store.save(Connection("Staging", "voxxi", "https://b.example"))
    renamed = Connection("Production", first.platform, first.base_url, first.settings, first.id)
    store.save(renamed)
    assert store.get(first.id) == renamed and store.find("Prod") is None
    assert store.get(first.id).settings == {"org": "acme"}
    assert [c.name for c in store.list()] == ["Production", "Staging"]
    with pytest.raises(ValueError, match="already exists"):
        store.save(Connection("Staging", "voxxi", "https://c.example"))


# --- the catalog: a cache ----------------------------------------------------------------


def _calls(count: int) -> list[Call]:
    return [Call(id=f"c{n}", status=CallStatus.COMPLETED) for n in range(count)]


def _schema_1_catalog(path: Path, calls: list[Call]) -> None:
    """A catalog as voxdesk wrote it before schema 2: 0.1.0's layout, version 1."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO calls VALUES ('conn', ?, 'completed', NULL, NULL, NULL, NULL, ?, NULL, "
        "NULL, NULL, NULL, ?, 0)",
        [(c.id, c.date.isoformat() if c.date else None, c.model_dump_json()) for c in calls],
    )
    db.commit()
    db.execute("PRAGMA user_version = 1")
    db.close()


async def test_a_schema_1_catalog_is_migrated_and_keeps_every_call(tmp_path, caplog) -> None:
    """Voxxi calls cannot be listed again, so a version change must keep them: the new
    columns are filled from each call's JSON, and its filters and sorts work at once."""
    path = tmp_path / "catalog.sqlite3"
    voice = Call(
        id="vc-1",
        status=CallStatus.COMPLETED,
        direction=Direction.OUTBOUND,
        disposition=Disposition.NO_ANSWER,
        grouping=Grouping(kind=GroupingKind.CAMPAIGN, id="camp_a"),
        started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        talk_time=12.0,
        analysis=Analysis(survey=SurveyResult(score=80.0)),
        agent_kind=AgentKind.BOT,
    )
    _schema_1_catalog(path, [*_calls(3), voice])

    catalog = CallCatalog(path)
    with caplog.at_level(logging.INFO, logger="voxdesk.sqlite"):
        await catalog.open()
    try:
        assert await catalog.count("conn", CallFilter()) == 4
        assert await catalog.count("conn", CallFilter(text="c1")) == 1
        assert await catalog.count("conn", CallFilter(grouping="camp_a")) == 1
        assert await catalog.count("conn", CallFilter(disposition=Disposition.NO_ANSWER)) == 1
        assert await catalog.count("conn", CallFilter(direction=Direction.INBOUND)) == 0
        row = await catalog.get_row("conn", "vc-1")
        assert row is not None
        assert (row.direction, row.grouping, row.talk_time, row.survey_score, row.agent_kind) == (
            Direction.OUTBOUND,
            "camp_a",
            12.0,
            80.0,
            AgentKind.BOT,
        )
        assert await catalog.sync_state("conn") is None
        # Written after the upgrade: found by text search (indexed per batch now).
        await catalog.upsert_calls("conn", [Call(id="later-1", status=CallStatus.PENDING)])
        await catalog.upsert_calls("conn", [Call(id="later-1", status=CallStatus.COMPLETED)])
        assert await catalog.count("conn", CallFilter(text="later")) == 1
        with sqlite3.connect(path) as db:
            triggers = {
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            }
        db.close()
        assert "calls_search_insert" not in triggers
    finally:
        await catalog.close()
    assert _user_version(path) == SCHEMA_VERSION == 4
    assert "schema 1 -> 2" in caplog.text and "schema 2 -> 3" in caplog.text
    assert "dropped" not in caplog.text


async def test_a_catalog_from_a_newer_voxdesk_is_refused_and_left_alone(tmp_path) -> None:
    path = tmp_path / "catalog.sqlite3"
    catalog = CallCatalog(path)
    await catalog.open()
    await catalog.upsert_calls("conn", _calls(3))
    await catalog.close()
    _set_user_version(path, SCHEMA_VERSION + 5)

    refused = CallCatalog(path)
    with pytest.raises(SchemaTooNew, match="newer version of voxdesk") as raised:
        await refused.open()
    await refused.close()
    assert "Update voxdesk" in str(raised.value) and "Traceback" not in str(raised.value)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone() == (3,)
    db.close()
    assert _user_version(path) == SCHEMA_VERSION + 5


# --- the upload queue: migrated --------------------------------------------------------


async def test_an_upload_queue_from_a_newer_voxdesk_is_refused_and_keeps_its_jobs(
    release_home,
) -> None:
    path = release_home / "data" / "uploads.sqlite3"
    newest = MIGRATIONS[-1][0]
    store = UploadStore(path)
    await store.open()
    await store.close()
    _set_user_version(path, newest + 1)
    refused = UploadStore(path)
    with pytest.raises(SchemaTooNew, match="upload queue"):
        await refused.open()
    await refused.close()
    _set_user_version(path, newest)
    again = UploadStore(path)
    await again.open()
    try:
        assert len(await again.unfinished(ConnectionStore().find(TEAM).id)) == len(UNFINISHED)
    finally:
        await again.close()


def test_a_failing_step_leaves_the_file_at_the_last_step_that_completed(tmp_path) -> None:
    def broken(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO jobs VALUES ('kept?')")
        raise RuntimeError("disk on fire")

    db = sqlite3.connect(tmp_path / "queue.sqlite3")
    steps = [(1, "CREATE TABLE jobs (name TEXT);\nINSERT INTO jobs VALUES ('a');"), (2, broken)]
    with pytest.raises(RuntimeError):
        migrate(db, "queue", steps)
    assert schema_version(db) == 1
    assert db.execute("SELECT name FROM jobs").fetchall() == [("a",)]
    steps[1] = (2, "ALTER TABLE jobs ADD COLUMN size INTEGER;")
    assert migrate(db, "queue", steps) == 1
    assert schema_version(db) == 2
    db.close()
