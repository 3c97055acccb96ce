"""Call browsing for one connection: refresh the catalog from the platform, open a
call, follow calls that are still being analysed.

It is Qt-free and shared by the GUI and the CLI. Network failures surface as typed
``ProviderError``s for the caller to show; the catalog keeps serving what it has, so
the list stays usable offline.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from voxdesk.domain import Call, CallStatus
from voxdesk.providers.base import CallQuery, Capability, Provider
from voxdesk.providers.errors import NotFound, ProviderError
from voxdesk.providers.protocols import SupportsCallList, SupportsUseCases
from voxdesk.providers.voxxi import VoxxiProvider
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.sync import DEFAULT_OVERLAP, CallSync, ProgressCallback

log = logging.getLogger("voxdesk.calls")


def is_whole(call: Call) -> bool:
    """Whether a cached call needs no second read: it is final and, when completed, has
    its analysis or transcript. A platform whose list leaves them out (Vozzo's
    recordings list) caches a completed call without them; its details are read when
    the call is opened."""
    if not call.status.is_final:
        return False
    return call.status is not CallStatus.COMPLETED or (
        call.analysis is not None or call.transcript is not None
    )


class UseCaseListing(SupportsUseCases, SupportsCallList, Protocol):
    """A platform that lists its recordings one use case at a time (Vozzo)."""


LIST_PAGE_SIZE = 200
#: How often a call that is still ringing or under way is read (see ``follow``).
DIALING_DELAY = 1.0


def lists_call_facts(provider_class: type) -> bool:
    """True for a platform that lists its calls with the neutral facts (direction,
    disposition, grouping: the voice-bot one), synced incrementally. The Voxxi family
    (Voxxi, the local server) keeps its own path: Voxxi cannot list at all, and the
    local server's list is small and paged through whole."""
    return issubclass(provider_class, SupportsCallList) and not issubclass(
        provider_class, VoxxiProvider
    )


class CallService:
    def __init__(
        self,
        connection: str,
        provider: Provider,
        catalog: CallCatalog,
        *,
        sync_overlap: timedelta = DEFAULT_OVERLAP,
    ) -> None:
        self.connection = connection
        self.provider = provider
        self.catalog = catalog
        self.sync_overlap = sync_overlap

    async def refresh(self, on_progress: ProgressCallback | None = None) -> int:
        """Bring the catalog up to date; returns how many calls were fetched.

        Listing platforms (``lists_call_facts``) sync incrementally (``CallSync``: all
        pages the first time, then only what is new), reporting to ``on_progress``.
        For Voxxi the catalog already knows its calls and only unfinished ones are
        re-read; the local server's and Voxpria's lists (no date filter) are paged
        through whole."""
        await self.refresh_names()
        if isinstance(self.provider, SupportsUseCases) and isinstance(
            self.provider, SupportsCallList
        ):
            return await self._refresh_by_usecase(self.provider)
        if (
            isinstance(self.provider, SupportsCallList)
            and lists_call_facts(type(self.provider))
            and self.provider.filters_calls_by_date
        ):
            sync = CallSync(
                self.connection,
                self.provider,
                self.catalog,
                overlap=self.sync_overlap,
                on_progress=on_progress,
            )
            return (await sync.run()).calls
        if not self.provider.supports(Capability.LIST_CALLS):
            pending = await self.catalog.pending_ids(self.connection)
            await asyncio.gather(*(self.fetch_call(call_id) for call_id in pending))
            return len(pending)
        seen, page = 0, 1
        while True:
            result = await self.provider.list_calls(CallQuery(page=page, page_size=LIST_PAGE_SIZE))
            await self.catalog.upsert_calls(self.connection, result.calls)
            seen += len(result.calls)
            if len(result.calls) < result.page_size or (
                result.total is not None and seen >= result.total
            ):
                return seen
            page += 1

    async def _refresh_by_usecase(self, provider: UseCaseListing) -> int:
        """A platform that lists recordings per use case (Vozzo): each use case's list,
        paged through whole, into the catalog (their grouping is the use case)."""
        seen = 0
        for usecase in await provider.list_usecases():
            page = 1
            while True:
                result = await provider.list_calls(
                    CallQuery(page=page, page_size=100, grouping_id=usecase.usecase_uuid)
                )
                await self.catalog.upsert_calls(self.connection, result.calls)
                seen += len(result.calls)
                if not result.calls or page * result.page_size >= (result.total or 0):
                    break
                page += 1
        return seen

    async def refresh_names(self) -> None:
        """Learn the agents' and categories' names, where the platform can list them, so
        calls show names rather than ids."""
        if self.provider.supports(Capability.LIST_MEMBERS):
            await self.catalog.remember_members(self.connection, await self.provider.list_members())
        if self.provider.supports(Capability.LIST_CATEGORIES):
            await self.catalog.remember_categories(
                self.connection, await self.provider.list_categories()
            )

    async def fetch_call(self, call_id: str) -> Call:
        """The call as the platform has it now; remembered in the catalog."""
        call = await self.provider.get_call(call_id)
        await self.catalog.upsert_calls(self.connection, [call])
        return call

    async def cached_call(self, call_id: str) -> Call | None:
        return await self.catalog.get_call(self.connection, call_id)

    async def open_call(self, call_id: str) -> Call:
        """Open a call: the catalog's copy when it is whole (``is_whole``), the
        platform's otherwise."""
        cached = await self.cached_call(call_id)
        if cached is not None and is_whole(cached):
            return cached
        try:
            return await self.fetch_call(call_id)
        except ProviderError:
            if cached is not None:
                return cached
            raise

    async def follow(
        self,
        call_id: str,
        on_update: Callable[[Call], None] | None = None,
        *,
        first_delay: float = 1.0,
        max_delay: float = 15.0,
        dialing_delay: float = DIALING_DELAY,
        until: Callable[[Call], bool] = lambda call: call.status.is_final,
    ) -> Call:
        """Poll a call until ``until`` says it is done (by default: final), backing off
        between reads; each read that changes the call is passed to ``on_update``.
        Cancel the task to stop.

        While the phone is still ringing or the call is under way (a placed call), it is
        read every ``dialing_delay`` seconds, so the list follows queued → ringing → in
        progress as it happens; the back-off starts once the call has ended (its
        analysis can take minutes)."""
        delay = first_delay
        last: Call | None = None
        while True:
            try:
                call = await self.fetch_call(call_id)
            except NotFound:
                raise
            except ProviderError as exc:
                # Offline for a moment is not a reason to give up on a call.
                log.info("polling %s failed: %s", call_id, exc)
            else:
                if on_update is not None and call != last:
                    on_update(call)
                last = call
                if until(call):
                    return call
            if last is not None and last.disposition is not None and not last.disposition.is_final:
                await asyncio.sleep(dialing_delay)
                continue
            await asyncio.sleep(delay * random.uniform(0.9, 1.1))
            delay = min(delay * 1.5, max_delay)
