"""Voxxi's refusals of a request's fields, in the server-wide error body
(``core.errors``: ``{"error": {"code", "message"}}``, the contract's ``ErrorBody``).
"""

from __future__ import annotations

from voxdesk.server.core.errors import ApiError


def validation_error(field_name: str, problem: str) -> ApiError:
    """A 400 that names the offending request field first, so clients can point at it."""
    return ApiError(400, "validation_error", f"{field_name}: {problem}")
