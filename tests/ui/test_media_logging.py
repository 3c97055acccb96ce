"""Signed recording URLs stay out of stderr: a child process plays one from the real
local server with the app's ``Player`` (real QMediaPlayer, real FFmpeg) while its fd 2
is captured. FFmpeg writes from C straight to fd 2, so only a real process shows it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call

ROOT = Path(__file__).resolve().parents[2]


def _play(url: str) -> tuple[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.play_url", url],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


@pytest.fixture(scope="module")
def recording_url(server: LocalServer, tone_wav: Path) -> str:
    call = wait_for_call(server, create_call(server, tone_wav), timeout=120)
    url = call["metadata"]["audioUrl"]
    assert "signature=" in url
    return url


def test_playing_a_signed_url_writes_no_signature_to_stderr(recording_url: str) -> None:
    stdout, stderr = _play(recording_url)
    position = float(re.search(r"position=([\d.]+)", stdout).group(1))
    assert position > 0.1, f"the recording did not play: {stdout} {stderr}"
    assert "signature=" not in stderr
    signature = re.search(r"signature=(\w+)", recording_url).group(1)
    assert signature not in stderr


def test_a_refused_signed_url_writes_no_signature_to_stderr(recording_url: str) -> None:
    forged = re.sub(r"signature=\w+", "signature=" + "0" * 64, recording_url)
    stdout, stderr = _play(forged)
    assert "error=''" not in stdout, "a forged signature must be refused"
    assert "signature=" not in stderr
