"""Suite-wide settings: headless Qt, and voxdesk's files in a temporary home."""

from __future__ import annotations

import os
import tempfile

# Set before anything imports Qt or voxdesk.services.paths.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ["VOXDESK_HOME"] = tempfile.mkdtemp(prefix="voxdesk-test-home-")
# The keyring must never touch the developer's real keyring from a test.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
