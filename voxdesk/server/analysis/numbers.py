"""Reading numbers the way a recogniser writes them: as words.

Speech recognition yields "five five five one two three four" and "twenty nine
dollars", never digits, so phone numbers, amounts and dates can only be extracted after
number words are turned back into values. Within a run of number words, each number is
read greedily as a compound ("one hundred and twenty five" -> 125) and a new number
starts where the compound cannot go on ("five five" -> 5, 5), which is how a digit
string spoken digit by digit is recovered.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
ZEROS = {"zero", "oh", "o"}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"thousand": 1_000, "million": 1_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip

NUMBER_WORDS = set(UNITS) | ZEROS | set(TEENS) | set(TENS) | set(SCALES) | {"hundred"}


@dataclass(frozen=True)
class SpokenNumber:
    """Number words ``words[start:end]`` read as ``value``."""

    start: int
    end: int
    value: int


@dataclass(frozen=True)
class NumberRun:
    """Adjacent spoken numbers, ``words[start:end]``; ``digits`` is them written out
    one after the other, as a phone or account number is read."""

    start: int
    end: int
    numbers: list[SpokenNumber]

    @property
    def digits(self) -> str:
        return "".join(str(n.value) for n in self.numbers)


def read_number(words: list[str], i: int) -> SpokenNumber | None:
    """The longest compound number starting at ``words[i]``, if it is a number word."""
    if i >= len(words) or words[i] not in NUMBER_WORDS:
        return None
    if words[i] in ZEROS:
        return SpokenNumber(i, i + 1, 0)
    total = current = 0
    last = ""  # kind of the previous word: unit, teen, tens, hundred, scale
    j = i
    while j < len(words):
        word = words[j]
        if word in UNITS and last in ("", "tens", "hundred", "scale"):
            current += UNITS[word]
            last = "unit"
        elif word in TEENS and last in ("", "hundred", "scale"):
            current += TEENS[word]
            last = "teen"
        elif word in TENS and last in ("", "hundred", "scale"):
            current += TENS[word]
            last = "tens"
        elif word == "hundred" and last in ("unit", "teen") and current < 100:
            current *= 100
            last = "hundred"
        elif word in SCALES and last in ("unit", "teen", "tens", "hundred"):
            total += current * SCALES[word]
            current = 0
            last = "scale"
        elif (
            word == "and"
            and last in ("hundred", "scale")
            and j + 1 < len(words)
            and words[j + 1] in (UNITS.keys() | TEENS.keys() | TENS.keys())
        ):
            pass
        else:
            break
        j += 1
    if j == i:
        return None
    return SpokenNumber(i, j, total + current)


def number_runs(words: list[str]) -> list[NumberRun]:
    """Every maximal run of spoken numbers in ``words``."""
    runs: list[NumberRun] = []
    i = 0
    while i < len(words):
        first = read_number(words, i)
        if first is None:
            i += 1
            continue
        numbers = [first]
        while (following := read_number(words, numbers[-1].end)) is not None:
            numbers.append(following)
        runs.append(NumberRun(first.start, numbers[-1].end, numbers))
        i = numbers[-1].end
    return runs


def read_ordinal(words: list[str], i: int) -> tuple[int, int] | None:
    """A day-of-month ordinal at ``words[i]`` ("fifth", "twenty first"): (value, end)."""
    if i >= len(words):
        return None
    if words[i] in ORDINALS:
        return ORDINALS[words[i]], i + 1
    if words[i] in TENS and i + 1 < len(words) and words[i + 1] in ORDINALS:
        value = TENS[words[i]] + ORDINALS[words[i + 1]]
        if ORDINALS[words[i + 1]] < 10:
            return value, i + 2
    return None
