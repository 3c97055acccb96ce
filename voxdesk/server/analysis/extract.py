"""Pulling phone numbers, e-mail addresses, amounts, dates and account numbers out of
the spoken transcript.

What is extracted is only what the recogniser wrote as words ("my number is five five
five one two three four"), so each kind is recognised by its spoken shape and the
words around it: a run of digits after "account" is an account number, seven to eleven
digits elsewhere a phone number, a number followed by a currency word an amount, a
month beside a day a date, and "NAME at DOMAIN dot TLD" an e-mail address.
"""

from __future__ import annotations

from voxdesk.server.analysis.numbers import NumberRun, number_runs, read_number, read_ordinal
from voxdesk.server.analysis.result import TranscriptTurn

CURRENCIES = {
    "dollar": "$", "dollars": "$", "bucks": "$",
    "pound": "£", "pounds": "£", "euro": "€", "euros": "€",
    "rupee": "₹", "rupees": "₹",
}  # fmt: skip
ACCOUNT_CUES = {"account", "member", "customer", "order", "reference", "policy", "card"}
ACCOUNT_CUE_WINDOW = 6
MIN_ACCOUNT_DIGITS = 4
PHONE_DIGITS = range(7, 12)
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
TLDS = {"com", "org", "net", "io", "co", "uk", "edu", "gov", "example"}


def extract(turns: list[TranscriptTurn]) -> list[dict]:
    """Every entity found, in call order: ``{"type", "value", "text", "time"}``."""
    found: list[dict] = []
    for turn in turns:
        words = [w for w, _, _ in turn.words]
        times = [t for _, t, _ in turn.words]
        for kind, value, start, end in _entities(words):
            found.append(
                {
                    "type": kind,
                    "value": value,
                    "text": " ".join(words[start:end]),
                    "time": times[start],
                }
            )
    return sorted(found, key=lambda e: e["time"])


def _entities(words: list[str]) -> list[tuple[str, str, int, int]]:
    entities = [*_emails(words), *_dates(words)]
    taken = {i for _, _, start, end in entities for i in range(start, end)}
    for run in number_runs(words):
        if taken.intersection(range(run.start, run.end)):
            continue
        entity = _amount(words, run) or _digit_string(words, run)
        if entity:
            entities.append(entity)
    return entities


def _amount(words: list[str], run: NumberRun) -> tuple[str, str, int, int] | None:
    """``twenty nine dollars and ninety nine cents`` -> ``$29.99``."""
    if run.end >= len(words) or words[run.end] not in CURRENCIES or len(run.numbers) != 1:
        return None
    symbol = CURRENCIES[words[run.end]]
    value = f"{symbol}{run.numbers[0].value}"
    end = run.end + 1
    rest = words[end : end + 1] == ["and"] and read_number(words, end + 1)
    if (
        rest
        and rest.end < len(words)
        and words[rest.end] in ("cents", "cent", "pence")
        and rest.value < 100
    ):
        value += f".{rest.value:02d}"
        end = rest.end + 1
    return "amount", value, run.start, end


def _digit_string(words: list[str], run: NumberRun) -> tuple[str, str, int, int] | None:
    """Account numbers (after an account cue) and phone numbers (7-11 digits)."""
    digits = run.digits
    context = set(words[max(0, run.start - ACCOUNT_CUE_WINDOW) : run.start])
    if context & ACCOUNT_CUES and len(digits) >= MIN_ACCOUNT_DIGITS:
        return "account_number", digits, run.start, run.end
    if len(digits) in PHONE_DIGITS:
        return "phone", _format_phone(digits), run.start, run.end
    return None


def _format_phone(digits: str) -> str:
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 7:
        return f"{digits[:3]}-{digits[3:]}"
    return digits


def _dates(words: list[str]) -> list[tuple[str, str, int, int]]:
    """``march fifth``, ``march five``, ``the fifth of march`` -> ``March 5``."""
    dates = []
    for i, word in enumerate(words):
        if word not in MONTHS:
            continue
        month = word.capitalize()
        day = read_ordinal(words, i + 1)
        if day is None and (number := read_number(words, i + 1)) is not None:
            day = (number.value, number.end)
        if day is not None and 1 <= day[0] <= 31:
            dates.append(("date", f"{month} {day[0]}", i, day[1]))
            continue
        if i >= 2 and words[i - 1] == "of":
            for start in (i - 3, i - 2):
                ordinal = read_ordinal(words, start) if start >= 0 else None
                if ordinal is not None and ordinal[1] == i - 1:
                    dates.append(("date", f"{month} {ordinal[0]}", start, i + 1))
                    break
    return dates


def _emails(words: list[str]) -> list[tuple[str, str, int, int]]:
    """``john dot smith at example dot com`` -> ``john.smith@example.com``."""
    emails = []
    for i, word in enumerate(words):
        if word != "at" or i == 0:
            continue
        domain = words[i + 1 : i + 2]
        end = i + 2
        while end + 1 < len(words) and words[end] == "dot":
            domain.append(words[end + 1])
            end += 2
        if len(domain) < 2 or domain[-1] not in TLDS:
            continue
        start = i - 1
        local = [words[start]]
        while start >= 2 and words[start - 1] == "dot":
            start -= 2
            local.insert(0, words[start])
        emails.append(("email", f"{'.'.join(local)}@{'.'.join(domain)}", start, end))
    return emails
