"""One voxdesk per user and data dir: a second start hands its files to the first.

The first instance listens on a local socket named after the user and the data dir
(``VOXDESK_HOME`` moves it), so two windows never run two local servers on one data
dir. A later start connects, sends the absolute paths it was given as one JSON line,
waits for the first instance's ``ok`` and exits 0; the first raises its window and
queues the files for upload (``filesReceived``).
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from voxdesk.services import paths

#: How long a second instance waits for the first to connect and to answer.
HANDOVER_TIMEOUT_MS = 3000
ACK = b"ok\n"


def instance_key(data_dir: Path | None = None) -> str:
    """The socket name: per user and per data dir, short enough for a Unix socket path."""
    folder = str((data_dir or paths.data_dir()).resolve())
    digest = hashlib.sha256(f"{getpass.getuser()}\0{folder}".encode()).hexdigest()[:16]
    return f"voxdesk-{digest}"


def hand_over(files: list[str], key: str | None = None) -> bool:
    """Give ``files`` to a running instance; False when none answers (start one)."""
    socket = QLocalSocket()
    socket.connectToServer(key or instance_key())
    if not socket.waitForConnected(HANDOVER_TIMEOUT_MS):
        return False
    message = json.dumps({"files": [str(Path(f).absolute()) for f in files]}) + "\n"
    socket.write(message.encode())
    socket.flush()
    answered = b""
    while ACK not in answered and socket.waitForReadyRead(HANDOVER_TIMEOUT_MS):
        answered += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return ACK in answered


class InstanceServer(QObject):
    """The first instance's end: emits ``filesReceived(list[Path])`` for each hand-over
    (an empty list when voxdesk was simply started again: raise the window)."""

    filesReceived = Signal(list)

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or instance_key()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Listen, taking over a socket file a crashed instance left behind."""
        if self._server.listen(self.key):
            return True
        QLocalServer.removeServer(self.key)
        return self._server.listen(self.key)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        try:
            files = [Path(f) for f in json.loads(line)["files"]]
        except (ValueError, KeyError, TypeError):
            files = []
        socket.write(ACK)
        socket.flush()
        self.filesReceived.emit(files)
