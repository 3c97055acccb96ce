"""Telephone numbers in E.164 (``+`` country code and subscriber number, at most 15
digits), the form Voxpria, Vozzo and VOIX require and the voice-bot platform dials."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# What people type between digits: "+31 6 1234-5678", "+1 (415) 555.1234".
_SEPARATORS = re.compile(r"[\s\-.()]")


def parse_e164(text: str) -> str:
    """``text`` as a bare E.164 number (separators removed), or a ``ValueError`` that
    says what is wrong."""
    number = _SEPARATORS.sub("", text.strip())
    if not number.startswith("+"):
        raise ValueError(
            f"{text!r} is not an international number: start with + and the country code "
            "(e.g. +911234567890)"
        )
    if not _E164.match(number):
        raise ValueError(f"{text!r} is not an E.164 number: + then 7 to 15 digits, the first not 0")
    return number


def e164_or_none(text: str | None) -> str | None:
    """For numbers read from a platform: a malformed one is dropped, not fatal to the call."""
    if not text:
        return None
    try:
        return parse_e164(text)
    except ValueError:
        return None


#: A validated, normalised E.164 number (``"+14155551234"``).
PhoneNumber = Annotated[str, AfterValidator(parse_e164)]
