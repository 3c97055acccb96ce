"""Words: tokens with their recogniser confidence, a light stemmer, a hand-made synonym
table, and the phrases that mean yes, no, "not sure" and negation in spoken English.

Everything here is deliberately small and explicit (no statistical model): the engine
must run offline, and a reviewer must be able to read why a word counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from voxdesk.server.analysis.usecase_answers.model import Turn

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Token:
    """A lower-case word of a turn, its stem, the recogniser's posterior of it, which
    sentence of the turn it is in, and whether that sentence ends with a question mark
    (written text only: recognised speech is one unpunctuated sentence per turn)."""

    text: str
    stem: str
    confidence: float
    sentence: int = 0
    asked: bool = False


def tokens(turn: Turn) -> list[Token]:
    """The turn's words; each inherits the confidence of the whitespace word it is in
    (``"don't,"`` is one word, ``"follow-up"`` two tokens of one word)."""
    found: list[Token] = []
    sentence = 0
    asked: set[int] = set()
    for index, raw in enumerate(turn.text.split()):
        confidence = turn.confidences[index] if index < len(turn.confidences) else 1.0
        for word in _TOKEN.findall(raw.lower().replace("\u2019", "'")):
            found.append(Token(word, stem(word), confidence, sentence))
        if raw.rstrip("\"')").endswith(("?", ".", "!")):
            if raw.rstrip("\"')").endswith("?"):
                asked.add(sentence)
            sentence += 1
    return [replace(t, asked=t.sentence in asked) for t in found]


def words(text: str) -> list[str]:
    """Lower-case words of free text (a question, a description, a hint)."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def wordlist(text: str) -> list[str]:
    """Whitespace-separated words of a table written as prose (easier to read and edit
    than a list of quoted strings)."""
    return text.split()


_IRREGULAR = {
    "bought": "buy", "paid": "pay", "sent": "send", "spoke": "speak", "told": "tell",
    "said": "say", "gave": "give", "got": "get", "made": "make", "went": "go", "took": "take",
    "chose": "choose", "sold": "sell", "won't": "will", "can't": "can", "cannot": "can",
}  # fmt: skip
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ed", "ies", "es",
             "ly", "s")  # fmt: skip
_VOWELS = set("aeiouy")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude stem that makes inflections of one word equal: interested/interest,
    offers/offered/offer, cancellation/cancel, satisfied/satisfy, agreed/agree.

    Not a linguistic stem (``"agre"``), only a key; short words are left alone so that
    "us" and "use" stay apart.
    """
    word = _IRREGULAR.get(word, word).replace("'", "")
    if len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        rest = word[: -len(suffix)]
        if word.endswith(suffix) and len(rest) >= 3 and _VOWELS & set(rest):
            if suffix == "ies":
                rest += "i"
            elif suffix == "s" and rest.endswith(("s", "u")):
                continue  # "loss", "bus" are not plurals
            word = rest
            break
    if word.endswith("y"):
        word = word[:-1] + "i"
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


# Words that never carry a question's topic: function words, the people on the call and
# the framing of a Yes/No question. Compared by stem.
_STOPWORDS = wordlist("""
a an the and or but if whether of to in on at for from by with about into over as than
then that this these those it its it's is are was were be been being am do does did done
has have had having will would shall should can could may might must i me my mine we us
our you your yours he him his she her they them their there here what which who whom
whose when where why how any some all each every either both other such own same so too
very just also only still yet already ever again during before after while until up out
off per via yes no not customer customers lead leads user users caller callers client
clients prospect prospects consumer agent agents representative rep reps operator
advisor adviser staff person call calls phone conversation recording question yes/no
please another other show shows showed express expresses expressed indicate indicates
indicated seem seems appear appears sound sounds feel feels really actually clearly
anyway service help experience support during
""")
STOPWORDS = frozenset(stem(w) for w in _STOPWORDS)

# Words that say who a question is about: the agent, or the customer (the default).
AGENT_WORDS = frozenset({"agent", "agents", "representative", "rep", "operator", "advisor",
                         "adviser", "salesperson", "staff"})  # fmt: skip

# Verbs of speaking: "did the agent mention the fee" is about the fee, not about the verb,
# so they are dropped from the cues, and the question is answered by whether its
# subject said the rest (absence, in clearly heard speech, is a No).
SPEECH_VERBS = frozenset(
    stem(w)
    for w in wordlist(
        "mention say tell explain inform ask talk discuss state bring raise describe note request"
    )
)
# Of those, the ones a negated mention still satisfies ("there is no fee" mentions the
# fee; "I don't want a refund" does not ask for one).
MENTION_VERBS = frozenset(
    stem(w) for w in wordlist("mention say talk discuss state bring raise describe note")
)

# Feelings a question can ask about, which the agent asks about in so many words ("are
# you interested?"). When a question has one, only the customer's words for that feeling
# answer it: "I'm not sure about the loan" is not an answer to "is the lead interested?".
# Other verbs ("agree", "book", "accept") are topic words: a yes to the agent proposing
# the topic is the assent.
STANCE_WORDS = frozenset(
    stem(w)
    for w in wordlist(
        "interested interest want like love satisfied satisfy happy pleased willing keen "
        "ready prefer"
    )
)

# Stances that are the negation of another: "did the customer decline the offer" is "did
# the customer not accept the offer". The question is answered as its positive form and
# the answer flipped.
NEGATIVE_STANCES = {
    stem("decline"): "accept", stem("refuse"): "accept", stem("reject"): "accept",
    stem("uninterested"): "interested", stem("unhappy"): "happy",
    stem("dissatisfied"): "satisfied", stem("unsatisfied"): "satisfied",
    stem("disagree"): "agree", stem("unresolved"): "resolved", stem("unwilling"): "willing",
}  # fmt: skip

# Hand-made synonym groups: any member (word or phrase) counts as any other. Small on
# purpose; a use case's own vocabulary goes into per-question hints.
_SYNONYMS = [
    "interested interest keen want like love curious",
    "loan credit borrow borrowing lending mortgage finance financing",
    "offer deal proposal promotion promo plan package",
    "price cost fee fees charge charges rate amount",
    "interest_rate apr rate percent percentage",
    "discount reduction cheaper saving savings half_price",
    "refund reimburse reimbursement money_back repayment",
    "cancel cancellation terminate terminating end close leave quit stop",
    "satisfied happy pleased glad great content",
    "resolved fixed solved sorted working works",
    "appointment booking visit slot reservation opening",
    "book schedule reserve arrange",
    "callback call_back ring_back follow_up follow-up call_again",
    "agree accept okay fine",
    "apologise apologize apology sorry",
    "address street postcode zip",
    "email e-mail mail",
    "insurance insured cover coverage policy",
    "subscription membership contract plan",
    "upgrade upgrading",
    "renew renewal extend",
    "buy purchase order",
    "pay payment paying",
    "delivery deliver shipping shipment parcel package",
    "problem issue fault trouble",
    "bill billing invoice statement",
    "internet broadband wifi connection",
    "speak talk",
    "recommend suggest",
    "retention retain stay keep remain",
    "competitor another_provider other_provider another_bank other_bank elsewhere",
    "date day today tomorrow monday tuesday wednesday thursday friday saturday sunday",
    "time hour clock morning afternoon evening noon o'clock",
    "pain hurt hurts ache aches toothache painful sore",
    "confirm confirmed verify",
]


def _group_members(line: str) -> list[str]:
    return [member.replace("_", " ") for member in line.split()]


SYNONYM_GROUPS: list[list[str]] = [_group_members(line) for line in _SYNONYMS]


def phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(phrase))


def synonyms(word: str) -> set[tuple[str, ...]]:
    """Every phrase (as stems) that counts as ``word`` (a word or a phrase), itself
    included."""
    key = phrase_stems(word)
    found = {key}
    for group in SYNONYM_GROUPS:
        members = {phrase_stems(m) for m in group}
        if key in members:
            found |= members
    return found


# --- How a customer answers -------------------------------------------------------------

# Phrases that look negative or positive but are not an answer either way; removed
# before the reply is read ("no problem" is not a No).
NEUTRAL_PHRASES = ("no problem", "no worries", "not a problem", "no doubt", "never mind",
                   "thank you", "thanks", "hold on", "let me check")  # fmt: skip
YES_PHRASES = (
    "yes", "yeah", "yep", "yup", "sure", "okay", "ok", "absolutely", "definitely",
    "certainly", "of course", "please do", "sounds good", "sounds great", "that works",
    "go ahead", "i would", "i'd like", "i would like", "i'd love", "i do", "i am",
    "correct", "that's right", "exactly", "alright", "all right", "why not",
    "i'll take it", "deal", "perfect", "great",
)  # fmt: skip
NO_PHRASES = (
    "no", "nope", "nah", "not really", "no thanks", "no thank you", "i don't", "i do not",
    "i'm not", "i am not", "not now", "not at the moment", "not at this time", "never",
    "i'd rather not", "i would rather not", "not for me", "i won't", "i will not",
    "no need", "don't bother", "not interested", "not right now", "not today", "not yet",
)  # fmt: skip
UNSURE_PHRASES = (
    "not sure", "maybe", "perhaps", "possibly", "i don't know", "i do not know",
    "let me think", "think about it", "i'll see", "we'll see", "no idea", "depends",
    "it depends", "might", "not decided", "haven't decided", "have not decided",
)  # fmt: skip

# Negators, and how many words before a cue word they reach.
NEGATORS = frozenset({"not", "never", "don't", "doesn't", "didn't", "isn't", "aren't",
                      "wasn't", "weren't", "won't", "wouldn't", "can't", "cannot",
                      "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "nothing",
                      "nobody", "neither", "nor", "dont", "cant", "wont"})  # fmt: skip
NEGATION_REACH = 4
# "no" negates only what directly follows it ("no interest", "no longer"); elsewhere it
# is an answer ("no, I'm interested" is odd but is not "not interested").
NO_NEGATES_NEXT = 1
# Words that end a negation's reach: a new clause.
CLAUSE_BREAKS = frozenset({"but", "although", "though", "however", "and", "so", "because"})


def is_negator(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't")
