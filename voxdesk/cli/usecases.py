"""``voxdesk usecases list|show|create|delete``: a Vozzo organization's use cases.

A use case is a name, Yes/No questions and the buckets a recording is sorted into
(``--bucket "Hot Lead=The customer wants the offer"``). ``list`` shows each with its
recordings counted by state; ``show`` adds the questions, buckets and the summary
counts. Platforms without use cases are refused (exit 2).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable

from voxdesk.cli.common import EXIT_OK, UsageError, with_service
from voxdesk.contracts import vozzo as wire
from voxdesk.providers.protocols import SupportsUseCases
from voxdesk.providers.queries import UsecaseDraft
from voxdesk.services.calls import CallService


def add_parsers(sub: argparse._SubParsersAction, target: argparse.ArgumentParser) -> None:
    usecases = sub.add_parser("usecases", help="Vozzo use cases").add_subparsers(
        dest="usecases_command", required=True
    )
    listing = usecases.add_parser("list", parents=[target], help="list use cases with counts")
    listing.add_argument("--tag", help="only use cases with this tag")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=lambda o: _run(o, _list))
    show = usecases.add_parser("show", parents=[target], help="one use case and its summary")
    show.add_argument("usecase")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=lambda o: _run(o, _show))
    create = usecases.add_parser("create", parents=[target], help="create a use case")
    create.add_argument("--name", required=True)
    create.add_argument("--description", default="")
    create.add_argument("--tag", action="append", default=[], help="repeatable")
    create.add_argument(
        "--question", action="append", default=[], help="a Yes/No question (repeatable)"
    )
    create.add_argument(
        "--bucket", action="append", default=[], type=_bucket, metavar="NAME=DESCRIPTION",
        help="a classification bucket (repeatable)",
    )  # fmt: skip
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=lambda o: _run(o, _create))
    delete = usecases.add_parser(
        "delete", parents=[target], help="delete a use case (its recordings stay)"
    )
    delete.add_argument("usecase")
    delete.set_defaults(handler=lambda o: _run(o, _delete))


def _bucket(text: str) -> tuple[str, str]:
    name, _, description = text.partition("=")
    if not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=DESCRIPTION")
    return name.strip(), description.strip()


Work = Callable[[argparse.Namespace, SupportsUseCases, CallService], Awaitable[int]]


def _run(options: argparse.Namespace, work: Work) -> int:
    async def checked(service: CallService) -> int:
        provider = service.provider
        if not isinstance(provider, SupportsUseCases):
            raise UsageError(f"{provider.platform} has no use cases (Vozzo has).")
        return await work(options, provider, service)

    return asyncio.run(with_service(options, checked))


def _counts(item: wire.UsecaseListItem) -> str:
    c = item.recording_counts
    return (
        f"{item.total_recordings} recordings: {c.ANALYSIS_COMPLETED} analysed, "
        f"{c.INITIATED + c.TRANSCRIPTION_COMPLETED} in progress, {c.FAILED} failed"
    )


async def _list(options: argparse.Namespace, provider: SupportsUseCases, _: CallService) -> int:
    for item in await provider.list_usecases(options.tag):
        if options.json:
            print(json.dumps(item.dump()))
        else:
            tags = ",".join(item.tags) or "-"
            print(f"{item.usecase_uuid}\t{item.usecase_name}\t{tags}\t{_counts(item)}")
    return EXIT_OK


async def _show(options: argparse.Namespace, provider: SupportsUseCases, _: CallService) -> int:
    usecase = await provider.get_usecase(options.usecase)
    counts = await provider.summary_counts(usecase.usecase_uuid)
    if options.json:
        print(json.dumps({**usecase.dump(), "summary_counts": counts.dump()}))
        return EXIT_OK
    config = usecase.analysis_config
    print(f"{usecase.usecase_name}  ({usecase.usecase_uuid})")
    if usecase.usecase_desc:
        print(usecase.usecase_desc)
    print(f"Tags: {', '.join(usecase.tags) or '-'}")
    print("Questions:")
    for question in config.analysis_questions:
        print(f"  - {question}")
    print("Buckets:")
    for bucket in config.analysis_buckets:
        print(f"  - {bucket.objective_bucket_name}: {bucket.description}")
    print(
        f"Recordings: {counts.total_calls} ({counts.completed} analysed, "
        f"{counts.in_progress} in progress, {counts.failed} failed; "
        f"{counts.completion_percentage:g} % complete)"
    )
    return EXIT_OK


async def _create(options: argparse.Namespace, provider: SupportsUseCases, _: CallService) -> int:
    draft = UsecaseDraft(
        name=options.name,
        description=options.description,
        tags=tuple(options.tag),
        questions=tuple(options.question),
        buckets=tuple(options.bucket),
    )
    usecase = await provider.create_usecase(draft)
    print(json.dumps(usecase.dump()) if options.json else usecase.usecase_uuid)
    return EXIT_OK


async def _delete(options: argparse.Namespace, provider: SupportsUseCases, _: CallService) -> int:
    await provider.delete_usecase(options.usecase)
    print(f"deleted\t{options.usecase}")
    return EXIT_OK
