"""The VOIX client tests run against the same real server and recording server as the
contract tests (``tests/server/voix``)."""

from tests.server.voix.conftest import recordings, voix_server, workspace

__all__ = ["recordings", "voix_server", "workspace"]
