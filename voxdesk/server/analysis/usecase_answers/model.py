"""The engine's inputs and outputs: plain frozen dataclasses, so the server (and tests)
can build them from any transcript shape without the engine knowing about wire bodies.

These names and fields are the engine's public API (see the package docstring).
"""

from __future__ import annotations

from dataclasses import dataclass

YES, NO, NOT_CLEAR = "Yes", "No", "Not clear"

AGENT, CUSTOMER, UNKNOWN = "agent", "customer", "unknown"


@dataclass(frozen=True)
class Turn:
    """One turn of the transcript.

    ``speaker`` is ``"agent"``, ``"customer"`` or anything else (read as ``"unknown"``:
    a mono recording's unattributed speaker). ``confidences``, when given, holds the
    recogniser's posterior (0-1) of each whitespace-separated word of ``text``, in order;
    empty means the words are certain (typed or scripted text).
    """

    speaker: str
    start: float
    text: str
    end: float | None = None
    confidences: tuple[float, ...] = ()


@dataclass(frozen=True)
class QuestionHints:
    """Documented, optional help for one question, when its wording alone is not enough.

    ``cues``: extra words or phrases that mean the question's topic ("APR", "rate").
    ``yes``: customer phrases that on their own mean Yes ("send me the forms").
    ``no``: customer phrases that on their own mean No ("already have a loan").
    """

    cues: tuple[str, ...] = ()
    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionAnswer:
    """The answer to one question: ``"Yes"``, ``"No"`` or ``"Not clear"``.

    ``evidence`` quotes the turn that decided it (``""`` when nothing in the call did),
    ``timestamp`` is that turn's start in seconds (None without evidence), ``reason``
    says in plain words why, and ``confidence`` (0-1) is the recogniser's mean posterior
    of the deciding words (1.0 for text without confidences; 0.0 without evidence).
    """

    question: str
    answer: str
    evidence: str
    timestamp: float | None
    reason: str
    confidence: float


@dataclass(frozen=True)
class Bucket:
    """A classification bucket of a use case: its name and what it means."""

    name: str
    description: str


@dataclass(frozen=True)
class BucketChoice:
    """The bucket chosen for a call.

    ``name`` is None when no bucket is supported by the call and the use case has no
    catch-all bucket (a bucket named or described as "not clear", "unclear", "other" or
    "unknown"), which is chosen instead when it exists. ``evidence``/``timestamp`` quote
    the turn that decided it, as for answers.
    """

    name: str | None
    reason: str
    evidence: str = ""
    timestamp: float | None = None
