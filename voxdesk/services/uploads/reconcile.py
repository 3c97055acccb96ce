"""Finding the call a lost create request may have made.

Every create carries the job's id in its udfs (``MARKER_UDF``). When the answer to a
create is lost, the platform's call list is searched for that marker: found, the job
adopts that call; proven absent, creating again cannot make a second one. The list is
narrowed to the job's category and read page by page, because the local server's text
search does not look inside udfs.
"""

from __future__ import annotations

from voxdesk.providers.base import CallQuery, Capability, Provider
from voxdesk.services.uploads.jobs import MARKER_UDF, UploadJob

PAGE_SIZE = 200


def can_reconcile(provider: Provider) -> bool:
    return provider.supports(Capability.LIST_CALLS)


async def find_marked_call(provider: Provider, job: UploadJob) -> str | None:
    """The id of the call created for ``job``, or ``None`` when the platform has none.
    Raises ``ProviderError`` when the list cannot be read."""
    page = 1
    while True:
        result = await provider.list_calls(
            CallQuery(page=page, page_size=PAGE_SIZE, category_id=job.category_id)
        )
        for call in result.calls:
            if call.udfs.get(MARKER_UDF) == job.id:
                return call.id
        seen = (page - 1) * result.page_size + len(result.calls)
        if len(result.calls) < result.page_size or (
            result.total is not None and seen >= result.total
        ):
            return None
        page += 1
