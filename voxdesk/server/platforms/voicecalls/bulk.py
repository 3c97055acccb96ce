"""Synthetic voice calls without audio, inserted in bulk — a local extension and test
aid (``voxdesk server --bulk-voice-calls N``) so a client's sync can be measured
against a library of realistic size (100,000 calls insert in seconds).

Calls are seeded-random but plausible: five campaigns (two with a survey), both
directions, every state, start times spread over the 90 days before a fixed moment. They
have transcripts but no recordings, so their recording URL is a 404.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from voxdesk.server.core.store import CoreCall, CoreStore
from voxdesk.server.platforms.voicecalls.views import PLATFORM

BULK_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SPREAD = timedelta(days=90)
CAMPAIGNS = {
    "camp_bulk_renewals": True,
    "camp_bulk_billing": True,
    "camp_bulk_reminders": False,
    "camp_bulk_collections": False,
    "camp_bulk_surveys": False,
}
STATES = (("Completed", 60), ("NoAnswer", 20), ("Busy", 12), ("Failed", 8))
OUTCOMES = ("Successful", "CallbackRequested", "NotInterested", "Transferred")
GREETING = (
    {"role": "agent", "text": "Hello, this is the Acme assistant.", "timestamp": "00:00:01"},
    {"role": "customer", "text": "Hi, yes, go ahead.", "timestamp": "00:00:04"},
)
QUESTIONS = ("How satisfied are you with this call?", "Did we solve your problem?")


def _survey(rng: random.Random) -> dict:
    answered = rng.choice((2, 2, 2, 1, 0))
    scores = [rng.randint(1, 5) for _ in range(answered)]
    state = "Completed" if answered == 2 else "Partial" if answered else "NotStarted"
    return {
        "state": state,
        "completionReason": "AllAnswered" if answered == 2 else rng.choice(("HangUp", "Timeout")),
        "totalQuestions": 2,
        "questionsAnswered": answered,
        "calculatedScore": round(sum(scores) / answered * 20, 1) if answered else None,
        "responses": [
            {"question": q, "answer": str(s), "score": s}
            for q, s in zip(QUESTIONS, scores, strict=False)
        ],
    }


def synthetic_calls(count: int, first: int = 0, seed: int = 1) -> Iterator[CoreCall]:
    rng = random.Random(seed + first)
    campaigns = list(CAMPAIGNS)
    states, weights = zip(*STATES, strict=True)
    for number in range(first, first + count):
        campaign = rng.choice(campaigns)
        state = rng.choices(states, weights)[0]
        started = BULK_EPOCH - timedelta(seconds=rng.randrange(int(SPREAD.total_seconds())))
        connected = state == "Completed"
        ring = rng.randint(3, 30)
        talk = rng.randint(20, 600) if connected else 0
        duration = ring + talk + (rng.randint(2, 20) if connected else 0)
        transcript = list(GREETING) if connected else []
        yield CoreCall(
            platform=PLATFORM,
            platform_id=f"vc_bulk_{number:08d}",
            created_at=started,
            direction=rng.choice(("Inbound", "Outbound")),
            started_at=started,
            ended_at=started + timedelta(seconds=duration),
            duration_seconds=duration,
            talk_seconds=talk,
            disposition=state,
            group_id=campaign,
            outcome=rng.choice(OUTCOMES) if connected else None,
            transcript=transcript,
            survey=_survey(rng) if connected and CAMPAIGNS[campaign] else None,
        )


def insert_synthetic_calls(store: CoreStore, count: int) -> int:
    """Insert ``count`` more synthetic calls, numbered after those already stored."""
    first = int(store.get_setting("bulk_voice_calls") or 0)
    inserted = store.insert_calls(synthetic_calls(count, first))
    store.set_setting("bulk_voice_calls", str(first + inserted))
    return inserted
