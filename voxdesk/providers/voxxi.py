"""Voxxi: create a call from an audio URL, read its sectioned analysis, upload through
presigned URLs (``shared/api-contracts/voxxi-calls.txt``).

``LocalProvider`` is the same contract served by voxdesk's own local server, which adds
a few read-only routes Voxxi lacks (a call list, categories, members, the transcript);
they are marked as local extensions wherever they are used.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from voxdesk.contracts import voxxi as wire
from voxdesk.contracts.voix import STAGING_PATH
from voxdesk.contracts.voxxi import API_PREFIX
from voxdesk.contracts.voxxi_dates import DateFormatError, parse_call_date
from voxdesk.domain import (
    Analysis,
    Call,
    CallStatus,
    Category,
    Criterion,
    CriterionResult,
    Extraction,
    Member,
    NewCall,
    Recording,
    Section,
    Speaker,
    TranscriptTurn,
    TranscriptWord,
    UploadTarget,
)
from voxdesk.providers.answers import WireT, parse_answer
from voxdesk.providers.base import CallPage, CallQuery, CreatedCall, Provider
from voxdesk.providers.errors import MalformedResponse, UnsupportedOperation
from voxdesk.providers.http import ProgressCallback
from voxdesk.providers.signed_urls import url_expiry

# --- mapping to the domain -------------------------------------------------------------

_STATUSES = {s.value: s for s in CallStatus}


def map_status(raw: str) -> CallStatus:
    status = _STATUSES.get(raw.strip().lower())
    if status is None:
        raise MalformedResponse(f"The server reported an unknown call status {raw!r}.")
    return status


def _texts(value: Any) -> tuple[str, ...]:
    """Voxxi leaves observation fields loosely typed: null, a string or a list."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if v not in (None, ""))
    return (str(value),)


def _extractions(value: Any) -> tuple[Extraction, ...]:
    if not value:
        return ()
    if isinstance(value, dict):
        return tuple(Extraction(kind=str(k), value=str(v)) for k, v in value.items())
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            found.append(
                Extraction(
                    kind=str(item.get("type") or item.get("kind") or "value"),
                    value=str(item.get("value", "")),
                    text=item.get("text"),
                    time=item.get("time"),
                )
            )
        else:
            found.append(Extraction(kind="value", value=str(item)))
    return tuple(found)


#: The analysis body's wire model, under the name the Voxpria provider imports it by
#: (it scores its calls with the same analysis object).
WireAnalysis = wire.AnalysisBody


def map_analysis(body: wire.AnalysisBody) -> Analysis:
    return Analysis(
        score=body.score,
        outcome_label=body.outcome_label,
        outcome_rationale=body.outcome_rationale,
        observations=_texts(body.call_observations),
        areas_for_improvement=_texts(body.areas_for_improvement),
        extractions=_extractions(body.extractions),
        sections=tuple(
            Section(
                id=s.section_id,
                name=s.section_name or s.section_id,
                score=s.score,
                total_score=s.total_score,
                criteria=tuple(
                    Criterion(
                        id=c.criteria_id,
                        question=c.question or "",
                        result=CriterionResult.parse(c.result),
                        rationale=c.rationale or "",
                        auto_fail=c.auto_fail,
                        confidence=c.confidence,
                        uncertain=c.uncertain,
                        uncertain_reason=c.uncertain_reason,
                    )
                    for c in s.criterias
                ),
            )
            for s in body.sections or ()
        ),
    )


def _call_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parse_call_date(raw)
    except DateFormatError:
        return None


def map_call(body: wire.CallAnalysis) -> Call:
    status = map_status(body.status)
    meta = body.metadata or wire.Metadata()
    has_analysis = status is CallStatus.COMPLETED and body.analysis is not None
    return Call(
        id=body.call_id,
        status=status,
        error=body.error,
        member_id=body.member_id,
        category_id=body.category_id,
        date=_call_date(meta.date) or meta.created_at,
        duration=meta.duration,
        summary=meta.summary or None,
        recording=(
            Recording(url=meta.audio_url, expires_at=url_expiry(meta.audio_url))
            if meta.audio_url
            else None
        ),
        udfs=meta.udfs or {},
        created_at=meta.created_at,
        updated_at=meta.updated_at,
        analysis=map_analysis(body.analysis) if has_analysis else None,
        transcript=(
            tuple(
                TranscriptTurn(
                    speaker=Speaker.parse(t.speaker),
                    start=t.start,
                    end=t.end,
                    text=t.text or "",
                    words=tuple(
                        TranscriptWord(text=w.word, start=w.start, end=w.end) for w in t.words or ()
                    ),
                )
                for t in body.transcript
            )
            if body.transcript is not None
            else None
        ),
    )


def _data(body: Any) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise MalformedResponse("The server's answer has no 'data' envelope.")
    return body["data"]


def _parse(model: type[WireT], value: Any) -> WireT:
    return parse_answer(model, value, "the Voxxi contract")


# --- the providers ---------------------------------------------------------------------


class VoxxiProvider(Provider):
    platform: ClassVar[str] = "voxxi"

    async def get_call(self, call_id: str) -> Call:
        body = await self.http.request_json("GET", f"{API_PREFIX}/calls/{call_id}/analysis")
        return map_call(_parse(wire.CallAnalysis, _data(body)))

    async def create_call(self, new_call: NewCall) -> CreatedCall:
        payload = wire.CreateCallBody(
            member_id=new_call.member_id,
            category_id=new_call.category_id,
            audio_url=new_call.audio_url,
            udfs=new_call.udfs,
            date=new_call.date or None,
        )
        body = await self.http.request_json(
            "POST", f"{API_PREFIX}/calls", json=payload.dump(), idempotent=False
        )
        created = _parse(wire.CreatedCall, _data(body))
        return CreatedCall(call_id=created.call_id, status=map_status(created.status))

    async def request_upload(self, filename: str, content_type: str, size: int) -> UploadTarget:
        # Asking for a URL creates nothing lasting, so a replay is harmless.
        body = await self.http.request_json(
            "POST",
            f"{API_PREFIX}/calls/presigned-url",
            json=wire.PresignedUrlRequest(filename=filename, content_type=content_type).dump(),
            idempotent=True,
        )
        target = _parse(wire.PresignedUrl, _data(body))
        return UploadTarget(
            key=target.key,
            upload_url=target.presigned_url,
            public_url=target.public_url,
            content_type=content_type,
        )

    async def upload(
        self, target: UploadTarget, path: Path, progress: ProgressCallback | None = None
    ) -> None:
        await self.http.put_file(target.upload_url, path, target.content_type, progress=progress)

    async def recording_url(self, call_id: str) -> Recording | None:
        # Voxxi's audioUrl is the ingested public URL; re-reading the call refreshes it.
        return (await self.get_call(call_id)).recording


class LocalProvider(VoxxiProvider):
    """voxdesk's local server: the Voxxi contract plus its local read-only extensions."""

    platform: ClassVar[str] = "local"

    async def request_staging(
        self, filename: str, content_type: str, expires_in: int | None = None
    ) -> UploadTarget:
        """Where to stage a recording for VOIX to fetch (the server's local extension
        ``POST /staging``): the server removes it once its VOIX has fetched it, or once
        the URL expired (``expires_in`` seconds; the server's default when ``None``)."""
        body: dict[str, Any] = {"filename": filename, "contentType": content_type}
        if expires_in is not None:
            body["expiresIn"] = expires_in
        # Staging creates nothing lasting until the upload, so a replay is harmless.
        answer = await self.http.request_json("POST", STAGING_PATH, json=body, idempotent=True)
        if not isinstance(answer, dict) or not all(
            isinstance(answer.get(name), str) for name in ("uploadUrl", "recordingUrl")
        ):
            raise MalformedResponse("The staging answer has no uploadUrl and recordingUrl.")
        return UploadTarget(
            key=answer["recordingUrl"],
            upload_url=answer["uploadUrl"],
            public_url=answer["recordingUrl"],
            content_type=content_type,
            expires_at=url_expiry(answer["recordingUrl"]),
        )

    async def list_calls(self, query: CallQuery) -> CallPage:
        if query.disposition is not None or query.direction is not None:
            # An uploaded recording has no telephony facts to filter by.
            raise UnsupportedOperation(
                "Calls uploaded for analysis have no direction or disposition to filter by."
            )
        params = {
            "page": query.page,
            "pageSize": query.page_size,
            "status": query.status.value if query.status else None,
            "memberId": query.member_id,
            "categoryId": query.category_id or query.grouping_id,
            "dateFrom": query.date_from.isoformat() if query.date_from else None,
            "dateTo": query.date_to.isoformat() if query.date_to else None,
            "q": query.text,
        }
        body = await self.http.request_json("GET", f"{API_PREFIX}/calls", params=params)
        items = _data(body)
        if not isinstance(items, list):
            raise MalformedResponse("The server's call list is not a list.")
        return CallPage(
            calls=[map_call(_parse(wire.CallAnalysis, item)) for item in items],
            page=int(body.get("page", query.page)),
            page_size=int(body.get("pageSize", query.page_size)),
            total=body.get("total"),
        )

    async def list_categories(self) -> list[Category]:
        body = await self.http.request_json("GET", f"{API_PREFIX}/categories")
        listed = _parse(wire.Envelope[list[wire.Category]], body).data
        return [Category(id=c.id, name=c.name) for c in listed]

    async def list_members(self) -> list[Member]:
        body = await self.http.request_json("GET", f"{API_PREFIX}/members")
        listed = _parse(wire.Envelope[list[wire.Member]], body).data
        return [Member(id=m.id, email=m.email, name=m.name) for m in listed]
