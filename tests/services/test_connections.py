"""Saved connections and tokens: the keyring, or the environment, never plain text."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from voxdesk.services.connections import (
    Connection,
    ConnectionStore,
    CredentialError,
    CredentialStore,
)


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring, which a headless test machine does not have."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username))


@pytest.fixture
def restore_keyring():
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_token_goes_to_the_keyring_not_the_connection_file(tmp_path, restore_keyring) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    store = ConnectionStore(tmp_path / "connections.json")
    store.save(Connection("Prod", "voxxi", "https://app.voxxi.example"))
    CredentialStore().set("Prod", "s3cret-token")
    assert CredentialStore().get("Prod") == "s3cret-token"
    assert "s3cret" not in (tmp_path / "connections.json").read_text()
    CredentialStore().delete("Prod")
    assert backend.items == {}


def test_no_keyring_refuses_to_store_and_points_at_the_env(restore_keyring, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialError, match="VOXDESK_TOKEN"):
        CredentialStore().set("Prod", "tok")
    monkeypatch.setenv("VOXDESK_TOKEN", "from-env")
    assert CredentialStore().get("Prod") == "from-env"


def test_store_tracks_the_active_connection(tmp_path) -> None:
    store = ConnectionStore(tmp_path / "c.json")
    assert store.active() is None
    a = Connection("A", "local", "http://127.0.0.1:1")
    b = Connection("B", "voxxi", "https://b.example")
    store.save(a)
    store.save(b)
    assert store.active() == a
    store.set_active(b.id)
    assert store.active() == b
    assert store.remove(b.id)
    assert store.active() == a
    assert not store.remove(b.id)


def test_connection_validates_platform_and_url() -> None:
    with pytest.raises(ValueError, match="platform"):
        Connection("x", "nope", "http://a")
    with pytest.raises(ValueError, match="http"):
        Connection("x", "voxxi", "ftp://a")


def test_a_connections_file_from_a_newer_voxdesk_is_refused_plainly(tmp_path) -> None:
    path = tmp_path / "connections.json"
    path.write_text('{"version": 99, "active": null, "connections": []}')
    with pytest.raises(ValueError, match="newer version of voxdesk"):
        ConnectionStore(path).list()
    assert '"version": 99' in path.read_text()
