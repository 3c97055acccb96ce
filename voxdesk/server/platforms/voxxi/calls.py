"""Creating calls: validating a ``POST /calls`` body, resolving the member and
recording the call for the pipeline.

The demo library goes through ``create_call`` too, so seeded calls obey exactly the
rules a client's calls do.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from voxdesk.server.core.pipeline import Pipeline
from voxdesk.server.dates import DateFormatError, parse_call_date, to_storage, utc_now
from voxdesk.server.platforms.voxxi.errors import validation_error
from voxdesk.server.platforms.voxxi.store import (
    COMPLETED,
    FAILED,
    PENDING,
    STAGE_ANALYZE,
    STAGE_DONE,
    STAGE_INGEST,
    CallRecord,
    Member,
    Store,
)
from voxdesk.server.scorecard import Scorecard

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Room for any member id and an email address (RFC 5321 caps those at 254).
MAX_ID_LENGTH = 320
# Signed storage URLs run to a few hundred characters; 8 KiB is what common servers
# accept in a request line.
MAX_URL_LENGTH = 8192


@dataclass(frozen=True)
class NewCall:
    member: str
    category_id: str
    audio_url: str
    udfs: dict[str, Any]
    date: str | None


def _required_string(body: dict[str, Any], name: str, max_length: int) -> str:
    """A stripped, non-empty string of at most ``max_length`` characters and no control
    characters: a NUL or a 500 KB URL is accepted by nothing downstream, so it is
    refused here rather than failing the call later."""
    value = body.get(name)
    if value is None:
        raise validation_error(name, "is required.")
    if not isinstance(value, str) or not value.strip():
        raise validation_error(name, "must be a non-empty string.")
    value = value.strip()
    if len(value) > max_length:
        raise validation_error(name, f"must be at most {max_length} characters long.")
    if CONTROL.search(value):
        raise validation_error(name, "must not contain control characters.")
    return value


def parse_new_call(body: Any, scorecards: dict[str, Scorecard]) -> NewCall:
    """Check a create-call body field by field; the first problem is a 400 naming it."""
    if not isinstance(body, dict):
        raise validation_error("body", "must be a JSON object.")
    member = _required_string(body, "memberId", MAX_ID_LENGTH)
    category_id = _required_string(body, "categoryId", MAX_ID_LENGTH)
    if category_id not in scorecards:
        known = ", ".join(sorted(scorecards)) or "none"
        raise validation_error(
            "categoryId", f"{category_id!r} is not a known category (known: {known})."
        )
    audio_url = _required_string(body, "audio_url", MAX_URL_LENGTH)
    try:
        parts = urlsplit(audio_url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[::1" and the like
        valid = False
    if not valid:
        raise validation_error("audio_url", "must be an http:// or https:// URL.")
    udfs = body.get("udfs")
    if udfs is None:
        udfs = {}
    elif not isinstance(udfs, dict):
        raise validation_error("udfs", "must be a JSON object.")
    date = body.get("date")
    if date is not None:
        if not isinstance(date, str):
            raise validation_error("date", "must be a string.")
        try:
            parse_call_date(date)
        except DateFormatError as exc:
            raise validation_error("date", str(exc)) from exc
    return NewCall(member, category_id, audio_url, udfs, date)


def display_name(email: str) -> str:
    """``jane.doe@acme.test`` → ``Jane Doe``."""
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._+-]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def resolve_member(store: Store, value: str) -> Member:
    """A known member by id or email; an unknown email registers a new member."""
    member = store.find_member(value)
    if member is not None:
        return member
    if not EMAIL.match(value):
        raise validation_error(
            "memberId", f"{value!r} is neither a known member id nor an email address."
        )
    member = Member(id=f"mem_{uuid.uuid4().hex[:12]}", email=value, name=display_name(value))
    try:
        store.add_member(member)
    except sqlite3.IntegrityError:
        # Another request registered the same email a moment ago.
        existing = store.find_member(value)
        if existing is None:
            raise
        return existing
    return member


def _insert(store: Store, new: NewCall, result: dict[str, Any] | None = None) -> str:
    """Insert the call as pending or, when the pipeline's answer is already known
    (``{"duration", "analysis"}`` or ``{"error"}``), as completed or failed with it."""
    if result is None:
        status, stage = PENDING, STAGE_INGEST
    elif "error" in result:
        status, stage = FAILED, STAGE_ANALYZE
    else:
        status, stage = COMPLETED, STAGE_DONE
    result = result or {}
    member = resolve_member(store, new.member)
    now = to_storage(utc_now())
    created = to_storage(parse_call_date(new.date)) if new.date else now
    call_id = f"call_{uuid.uuid4().hex}"
    store.insert_call(
        CallRecord(
            id=call_id,
            member_id=member.id,
            category_id=new.category_id,
            audio_url=new.audio_url,
            call_date=created,
            udfs=new.udfs,
            status=status,
            stage=stage,
            error=result.get("error"),
            duration=result.get("duration"),
            analysis=result.get("analysis"),
            created_at=created,
            updated_at=created,
        )
    )
    return call_id


async def create_call(store: Store, pipeline: Pipeline, new: NewCall) -> str:
    """Record the call and queue it; returns its id."""
    call_id = await asyncio.to_thread(_insert, store, new)
    pipeline.submit(call_id)
    return call_id


async def add_analysed_call(store: Store, new: NewCall, result: dict[str, Any]) -> str:
    """Record a call whose pipeline answer is already known (a cached result), completed
    or failed, without queueing it; returns its id."""
    return await asyncio.to_thread(_insert, store, new, result)
