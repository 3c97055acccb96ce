"""JSON the server can always answer again: the I-JSON rules (RFC 7493) at the door,
and a repair for values stored before those rules.

Python's ``json`` reads more than JSON: ``NaN``/``Infinity``, lone UTF-16 surrogates
(``"\\ud800"``), integers of any length. Once stored, such a value can never be sent
back (Starlette renders strictly: no NaN, UTF-8 only), so one call would break every
listing holding it. ``decode_body`` therefore refuses them with the field they are in;
``loads_stored`` makes a stored value sendable without losing the rest of its record.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Integers beyond ±(2**53 - 1) lose precision in JavaScript and most JSON readers.
MAX_SAFE_INTEGER = 2**53 - 1
# Deeper than any real body; below the ~1000 frames where Python's decoder gives up.
MAX_DEPTH = 32
# A decimal of more digits cannot be a safe integer; longer text is not even converted
# (converting a 4,300+-digit integer raises, and smaller ones cost quadratic time).
_MAX_INTEGER_DIGITS = len(str(MAX_SAFE_INTEGER))


class WireValueError(ValueError):
    """A body value outside I-JSON; ``field`` says where (``udfs.ticket``, ``body``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class _UnsafeInteger:
    """Stands in for an integer literal too long to convert, so the check can name it."""


def _parse_int(text: str) -> int | _UnsafeInteger:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        return _UnsafeInteger()
    return int(text)


def decode_body(raw: bytes) -> Any:
    """The JSON value of a request body, or ``WireValueError`` naming what is wrong."""
    try:
        value = json.loads(raw, parse_int=_parse_int)
    except RecursionError as exc:
        raise WireValueError("body", f"is nested more than {MAX_DEPTH} levels deep.") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError among them
        raise WireValueError("body", "is not valid JSON.") from exc
    _check(value, "body", "body", 0)
    return value


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return key if path == "body" else f"{path}.{key}"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(value: Any, path: str, field: str, depth: int) -> None:
    """``path`` names ``value`` exactly; ``field`` is the body field holding it, named
    instead when the exact path would be an unreadable 33-level chain."""
    if depth > MAX_DEPTH:
        raise WireValueError(field, f"is nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        if not _encodable(value):
            raise WireValueError(path, "contains a lone UTF-16 surrogate (not valid Unicode).")
    elif isinstance(value, _UnsafeInteger) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER
    ):
        raise WireValueError(
            path, f"integers must lie between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}."
        )
    elif isinstance(value, float) and not math.isfinite(value):
        raise WireValueError(path, "must be a finite number (NaN and Infinity are not JSON).")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _encodable(key):
                raise WireValueError(
                    path, "has a key with a lone UTF-16 surrogate (not valid Unicode)."
                )
            _check(item, _child(path, key), field if depth else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, _child(path, index), field, depth + 1)


# What json.dumps writes for a non-finite number or a surrogate (it escapes non-ASCII).
_MAYBE_UNSENDABLE = re.compile(r"NaN|Infinity|\\u[dD][89a-fA-F]")


def loads_stored(text: str) -> Any:
    """A value the server stored as JSON, made sendable if it predates the rules above.

    The store writes with ``json.dumps``, which escapes every non-ASCII character, so an
    unsendable value shows in the text as ``NaN``/``Infinity`` or a ``\\udXXX`` escape;
    only then is the (possibly large) value walked and repaired.
    """
    value = json.loads(text)
    return _repair(value) if _MAYBE_UNSENDABLE.search(text) else value


def _repair(value: Any) -> Any:
    """Non-finite numbers become ``null``, lone surrogates U+FFFD; the rest is kept."""
    if isinstance(value, str):
        # Through UTF-16 a valid surrogate pair joins up and a lone one is replaced.
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {_repair(key): _repair(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_repair(item) for item in value]
    return value
