"""Speech recognition of one speech segment with pocketsphinx's bundled en-us model.

Loading the model takes a noticeable fraction of a second and the server calls the
engine many times in the same worker process, so the decoder is created once per
process, on first use, and reused. Segments are decoded one at a time as separate
utterances: the model copes with a sentence or two, not with a minute of audio whose
silences it would fill with invented words.

The scorecard's phrases are what the analysis listens for, and on telephone-band audio
the generic language model lets the recogniser hear them as other words ("thank you for
calling acme" as "life and if you one way"). So each phrase is also taught to the
decoder as one word of its own (``phrase_token``), with its words' pronunciations strung
together and a language-model weight far above an ordinary word's (``PHRASE_WEIGHT``):
where the sound is close to the phrase, the recogniser prefers it whole. Its words are
split out again with times shared by phone count, so the transcript reads as plain words.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pocketsphinx import Decoder, NGramModel, get_model_path

from voxdesk.server.analysis.audio import SAMPLE_RATE
from voxdesk.server.analysis.lexicon import Pronunciation

# pocketsphinx reports times in frames of 10 ms.
_FRAMES_PER_SECOND = 100
# Context given to the recogniser on each side of a segment so word edges are not cut.
PAD_SECONDS = 0.15
#: A scorecard phrase's unigram weight in the language model, relative to a word of
#: uniform probability (1 / vocabulary). Measured on the evaluation set's telephone
#: renderings (README): 100 barely helps; 1e6 finds more criteria's phrases but also
#: outcome phrases that were not said. Phrases the agent must not say (``not_said``) get
#: the same: at 1000 fewer false "guarantee"s, but as many said ones were missed.
PHRASE_WEIGHT = 1e5
#: A cap on the search: at most this many word-model states active per 10 ms frame.
#: On noisy telephone audio the search otherwise spreads over every near-match
#: (pocketsphinx's default cap is 30000); measured in README.
MAX_HMMS_PER_FRAME = 5000
_SEARCH = "scorecard"
_TOKEN_PREFIX = "_"

#: A speaker-independent MLLR transform of the model's means toward telephone-band
#: speech as this engine restores it (``narrowband``), learnt by sphinxtrain from the
#: product's own demo scripts spoken by flite's four voices over a simulated phone line
#: (``packaging/make_narrowband_adaptation.py``). On human voices over such a line it
#: took word error from 93.5 % to 70.7 %; on wideband audio it would hurt (22.8 → 29.3 %),
#: so it is used only for narrowband sources.
NARROWBAND_MLLR = Path(__file__).with_name("narrowband.mllr")

_decoder: Decoder | None = None
#: What the current decoder was built for (``prepare``): the guessed words and the
#: phrases it was taught, and whether it is adapted to narrowband audio.
_taught: tuple[
    frozenset[Pronunciation], frozenset[tuple[tuple[Pronunciation, ...], float]], bool
] = (frozenset(), frozenset(), False)
#: Each phrase token of the current decoder -> its words with their phone counts.
_phrase_words: dict[str, list[tuple[str, int]]] = {}


@dataclass(frozen=True)
class Word:
    """A recognised word with its start and end, in seconds from the segment start, and
    its posterior probability (0-1) in the recogniser's lattice: how sure it was."""

    text: str
    start: float
    end: float
    confidence: float = 1.0


def decoder() -> Decoder:
    """The process-wide pocketsphinx decoder, loaded on first use."""
    return _decoder if _decoder is not None else prepare()


def prepare(
    pronunciations: Iterable[Pronunciation] = (),
    phrases: Iterable[tuple[Sequence[Pronunciation], float]] = (),
    *,
    narrowband: bool = False,
) -> Decoder:
    """Bring the decoder to the state every recording starts from, so a recording's
    result depends only on the recording, its scorecard and the engine (what the result
    cache keys on), never on what the worker process analysed before.

    The decoder knows the model's dictionary plus exactly ``pronunciations`` (the
    scorecard's guessed words, see ``lexicon``), added to its dictionary and, as
    unigrams, to its language model, so the recogniser can produce them; and each of
    ``phrases`` (a scorecard phrase as its words' pronunciations, with its weight, e.g.
    ``PHRASE_WEIGHT``) as one word of that weight (see the module docstring). With
    ``narrowband`` its acoustic model is adapted to telephone-band audio
    (``NARROWBAND_MLLR``). Words cannot be taken out again, so a different set means a
    fresh decoder (~1 s). The front end's estimates are reset per channel
    (``start_channel``).
    """
    global _decoder, _taught
    wanted = (
        frozenset(pronunciations),
        frozenset((tuple(p), w) for p, w in phrases),
        narrowband,
    )
    if _decoder is not None and wanted == _taught:
        return _decoder
    guessed, taught_phrases, _ = wanted
    # The decoder gets its language model only once every word is in it: the model is
    # loaded separately, so words can be given a weight of their own (the decoder's
    # own add_word gives every new word the same, uniform one).
    adapted = {"mllr": str(NARROWBAND_MLLR)} if narrowband else {}
    fresh = Decoder(
        samprate=SAMPLE_RATE, loglevel="FATAL", lm=None, maxhmmpf=MAX_HMMS_PER_FRAME, **adapted
    )
    model = NGramModel(
        fresh.config, fresh.logmath, os.path.join(get_model_path(), "en-us", "en-us.lm.bin")
    )
    for guess in sorted(guessed, key=lambda p: p.word):
        if fresh.lookup_word(guess.word) is None:
            fresh.add_word(guess.word, " ".join(guess.phones), update=False)
            model.add_word(guess.word, 1.0)
    _phrase_words.clear()
    for phrase, weight in sorted(taught_phrases, key=lambda item: phrase_token(item[0])):
        token = phrase_token(phrase)
        if not phrase or token in _phrase_words:
            continue
        fresh.add_word(token, " ".join(ph for p in phrase for ph in p.phones), update=False)
        model.add_word(token, weight)
        _phrase_words[token] = [(p.word, len(p.phones)) for p in phrase]
    fresh.add_lm(_SEARCH, model)
    fresh.activate_search(_SEARCH)
    _decoder, _taught = fresh, wanted
    return fresh


def phrase_token(phrase: Sequence[Pronunciation]) -> str:
    """The decoder's word for a phrase: ``_thank_you_for_calling_acme`` (the prefix keeps
    a one-word phrase apart from the plain word, whose weight stays ordinary)."""
    return _TOKEN_PREFIX + "_".join(p.word for p in phrase)


def start_channel() -> None:
    """Ready the decoder for a new channel (a new voice on a new line).

    pocketsphinx carries its noise-floor estimate over from one utterance to the next, so
    it is reset here: a channel's words depend on the channel alone, never on what the
    process decoded before. (Recognising the channel's first seconds beforehand, only to
    learn its voice, was tried and dropped: it cost a third of the time and, measured on
    the evaluation set, helped no result — see README.)
    """
    decoder().reinit_feat()


def recognise(samples: np.ndarray) -> list[Word]:
    """Words heard in ``samples`` (16 kHz int16), fillers and silences left out."""
    if samples.size == 0:
        return []
    dec = decoder()
    dec.start_utt()
    dec.process_raw(np.ascontiguousarray(samples, dtype=np.int16).tobytes(), full_utt=True)
    dec.end_utt()
    if dec.hyp() is None:
        return []
    # Computing the utterance probability runs the lattice's forward-backward pass,
    # which is what fills in each segment's posterior.
    dec.get_prob()
    words: list[Word] = []
    for seg in dec.seg():
        text = _plain_word(seg.word)
        start = seg.start_frame / _FRAMES_PER_SECOND
        end = (seg.end_frame + 1) / _FRAMES_PER_SECOND
        confidence = min(1.0, max(0.0, float(seg.prob)))
        if text in _phrase_words:
            words.extend(_split_phrase(_phrase_words[text], start, end, confidence))
        elif text:
            words.append(Word(text, start, end, confidence))
    return words


def _split_phrase(
    parts: list[tuple[str, int]], start: float, end: float, confidence: float
) -> list[Word]:
    """A recognised phrase token as its words, its time shared by their phone counts."""
    total = sum(count for _, count in parts)
    words = []
    done = 0
    for word, count in parts:
        words.append(
            Word(
                word,
                start + (end - start) * done / total,
                start + (end - start) * (done + count) / total,
                confidence,
            )
        )
        done += count
    return words


def recognise_span(channel: np.ndarray, start: float, end: float) -> list[Word]:
    """Words of the speech between ``start`` and ``end`` seconds of ``channel``, with
    times made absolute (seconds from the start of the channel)."""
    first = max(0, int((start - PAD_SECONDS) * SAMPLE_RATE))
    last = min(len(channel), int((end + PAD_SECONDS) * SAMPLE_RATE))
    offset = first / SAMPLE_RATE
    return [
        Word(w.text, round(w.start + offset, 2), round(w.end + offset, 2), w.confidence)
        for w in recognise(channel[first:last])
    ]


def _plain_word(token: str) -> str:
    """``will(2)`` -> ``will``; ``<sil>``, ``<s>``, ``[NOISE]`` -> ``""``; a phrase token
    stays itself."""
    if token in _phrase_words:
        return token
    if token.startswith(("<", "[", "+")):
        return ""
    return token.split("(", 1)[0]
