"""``LocalServer``: a real ``python -m voxdesk.server`` process for tests.

    with LocalServer(tmp_path / "data", extra_args=["--no-demo"]) as server:
        httpx.get(server.api("/members"), headers=server.auth)

It waits (60 s) for the exact listening line, keeps every stdout line in
``stdout_lines`` and appends stderr to ``stderr_path`` (read it with
``stderr_text()``). ``stop()`` sends SIGTERM, ``kill()`` SIGKILL (and reaps the
analysis workers it leaves behind), ``restart()`` starts again on the same data dir
and, when it is still free, the same port. ``token=None`` lets the server generate
its token (read back from the data dir).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import psutil

LISTENING = re.compile(r"^voxdesk local server listening on (http://\S+:(\d+))$")
API_PREFIX = "/api/external/v1"


class ServerStartError(RuntimeError):
    pass


class LocalServer:
    def __init__(
        self,
        data_dir: Path,
        *,
        token: str | None = "test-token-0123456789",
        extra_args: list[str] | tuple[str, ...] = (),
        port: int = 0,
        startup_timeout: float = 60.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.token = token or ""
        self._generated_token = token is None
        self.extra_args = list(extra_args)
        self.port = port
        self.startup_timeout = startup_timeout
        self.stderr_path = self.data_dir.with_name(self.data_dir.name + ".stderr.log")
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.stdout_lines: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()

    # lifecycle

    def start(self) -> LocalServer:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        argv = [
            sys.executable, "-m", "voxdesk.server",
            "--port", str(self.port),
            "--data-dir", str(self.data_dir),
            *([] if self._generated_token else ["--token", self.token]),
            *self.extra_args,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.stderr_path.open("ab") as stderr:
            self.process = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env,
                start_new_session=True,
            )  # fmt: skip
        self.stdout_lines = []
        # Each process gets its own queue: a previous process's reader, still draining
        # its EOF after a restart, must not end the new process's wait for its line.
        self._lines = queue.Queue()
        threading.Thread(
            target=self._read_stdout, args=(self.process, self._lines, self.stdout_lines),
            daemon=True,
        ).start()  # fmt: skip
        self._await_listening()
        return self

    @staticmethod
    def _read_stdout(
        process: subprocess.Popen[str], lines: queue.Queue[str | None], seen: list[str]
    ) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line.rstrip("\n"))
            lines.put(line.rstrip("\n"))
        lines.put(None)

    def _await_listening(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(0.01, remaining))
            except queue.Empty:
                self.kill()
                raise ServerStartError(self._why("did not start in time")) from None
            if line is None:
                assert self.process is not None
                code = self.process.wait()
                raise ServerStartError(self._why(f"exited with code {code}"))
            match = LISTENING.match(line)
            if match:
                self.base_url = match.group(1)
                self.port = int(match.group(2))
                if self._generated_token:
                    self.token = (self.data_dir / "api-token").read_text().strip()
                return

    def _why(self, what: str) -> str:
        return f"the local server {what}; stderr:\n{self.stderr_text()[-4000:]}"

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; returns the exit code (SIGKILLs after ``timeout``)."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return process.wait()

    def kill(self) -> None:
        """SIGKILL the server, like ``kill -9``, then reap its orphaned workers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        process.kill()
        process.wait()
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        psutil.wait_procs(children, timeout=5)

    def restart(self, *, kill: bool = False) -> LocalServer:
        """Stop (or kill) and start again on the same data dir, same port if free."""
        if kill:
            self.kill()
        else:
            self.stop()
        try:
            return self.start()
        except ServerStartError:
            self.port = 0
            return self.start()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # conveniences

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def api(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""


def wait_for_call(server: LocalServer, call_id: str, timeout: float = 60.0) -> dict:
    """Poll ``GET /calls/{id}/analysis`` until completed or failed; returns ``data``."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(server.api(f"/calls/{call_id}/analysis"), headers=server.auth)
        response.raise_for_status()
        data = response.json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"call {call_id} still {data['status']} after {timeout} s")
        time.sleep(0.1)


def create_call_from_wav(server: LocalServer, wav: bytes) -> str:
    """Upload ``wav`` through a presigned URL and create a Voxxi call on it, as a client
    does; returns the new call's id (the pipeline then fetches and analyses it)."""
    import httpx

    urls = httpx.post(
        server.api("/calls/presigned-url"),
        headers=server.auth,
        json={"filename": "call.wav", "contentType": "audio/wav"},
    ).json()["data"]
    httpx.put(urls["presignedUrl"], content=wav, headers={"Content-Type": "audio/wav"})
    return httpx.post(
        server.api("/calls"),
        headers=server.auth,
        json={"memberId": "a.b@acme.test", "categoryId": "support-qa",
              "audio_url": urls["publicUrl"]},
    ).json()["data"]["callId"]  # fmt: skip
