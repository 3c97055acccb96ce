"""Bearer tokens with scopes, as the contract assigns them per endpoint.

The server's main token (``--token``) holds every scope; each ``--scoped-token
TOKEN=SCOPE[,SCOPE…]`` holds only the scopes it lists. No or an unknown token is a
401; a known token without the endpoint's scope is a 403 naming the scope it lacks.
Tokens are compared in constant time, every one of them, so timing says nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from starlette.requests import Request

from voxdesk.contracts.voicecalls import Scope
from voxdesk.server.platforms.voicecalls.errors import VoiceCallsError

# A local extension: adding calls (``POST /api/v1/voice-calls``) needs its own scope.
WRITE_SCOPE = "voice:write"
ALL_SCOPES = frozenset({Scope.VOICE_READ.value, Scope.AUDIO_DOWNLOAD.value, WRITE_SCOPE})
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="voxdesk-voice-calls"'}


class ScopeError(ValueError):
    """A ``--scoped-token`` argument that does not parse; the message says why."""


def parse_scoped_token(text: str) -> tuple[str, frozenset[str]]:
    """``TOKEN=SCOPE[,SCOPE…]`` → (token, scopes)."""
    token, sep, scope_list = text.partition("=")
    token = token.strip()
    scopes = frozenset(s.strip() for s in scope_list.split(",") if s.strip())
    if not sep or not token or not scopes:
        raise ScopeError(f"expected TOKEN=SCOPE[,SCOPE…], got {text!r}")
    unknown = sorted(scopes - ALL_SCOPES)
    if unknown:
        raise ScopeError(
            f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(sorted(ALL_SCOPES))}"
        )
    return token, scopes


class TokenScopes:
    def __init__(self, main_token: str, scoped: Iterable[tuple[str, frozenset[str]]]) -> None:
        self._grants = [(f"Bearer {main_token}".encode(), ALL_SCOPES)]
        self._grants += [(f"Bearer {token}".encode(), scopes) for token, scopes in scoped]

    def _scopes_of(self, header: bytes) -> frozenset[str] | None:
        found = None
        for expected, scopes in self._grants:
            if hmac.compare_digest(header, expected) and found is None:
                found = scopes
        return found

    def require(self, request: Request, scope: str) -> None:
        """Return if the request's token holds ``scope``, else raise 401 or 403."""
        header = (request.headers.get("authorization") or "").encode("latin-1", "replace")
        if not header:
            raise VoiceCallsError(
                401,
                "unauthorized",
                f"This API needs an 'Authorization: Bearer <token>' header (scope {scope}).",
                required_scope=scope,
                headers=_CHALLENGE,
            )
        scopes = self._scopes_of(header)
        if scopes is None:
            raise VoiceCallsError(
                401,
                "unauthorized",
                "The bearer token is not valid for this server.",
                required_scope=scope,
                headers=_CHALLENGE,
            )
        if scope not in scopes:
            raise VoiceCallsError(
                403,
                "insufficient_scope",
                f"This token lacks the '{scope}' scope this endpoint needs "
                f"(it has: {', '.join(sorted(scopes))}).",
                required_scope=scope,
            )
