"""Speech recognition of one speech segment with pocketsphinx's bundled en-us model.

Loading the model takes a noticeable fraction of a second and the server calls the
engine many times in the same worker process, so the decoder is created once per
process, on first use, and reused. Segments are decoded one at a time as separate
utterances: the model copes with a sentence or two, not with a minute of audio whose
silences it would fill with invented words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pocketsphinx import Decoder

from voxdesk.server.analysis.audio import SAMPLE_RATE
from voxdesk.server.analysis.lexicon import Pronunciation

# pocketsphinx reports times in frames of 10 ms.
_FRAMES_PER_SECOND = 100
# Context given to the recogniser on each side of a segment so word edges are not cut.
PAD_SECONDS = 0.15
#: Speech of a channel its cepstral mean is learnt from before its words are recognised.
WARM_UP_SECONDS = 5.0

#: A speaker-independent MLLR transform of the model's means toward telephone-band
#: speech as this engine restores it (``narrowband``), learnt by sphinxtrain from the
#: product's own demo scripts spoken by flite's four voices over a simulated phone line
#: (``packaging/make_narrowband_adaptation.py``). On human voices over such a line it
#: took word error from 93.5 % to 70.7 %; on wideband audio it would hurt (22.8 → 29.3 %),
#: so it is used only for narrowband sources.
NARROWBAND_MLLR = Path(__file__).with_name("narrowband.mllr")

_decoder: Decoder | None = None
#: What the current decoder was built for (``prepare``): the guessed words it was
#: taught, and whether it is adapted to narrowband audio.
_taught: tuple[frozenset[Pronunciation], bool] = (frozenset(), False)


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


def prepare(pronunciations: Iterable[Pronunciation] = (), *, narrowband: bool = False) -> Decoder:
    """Bring the decoder to the state every recording starts from, so a recording's
    result depends only on the recording, its scorecard and the engine (what the result
    cache keys on), never on what the worker process analysed before.

    The decoder knows the model's dictionary plus exactly ``pronunciations`` (the
    scorecard's guessed words, see ``lexicon``), which pocketsphinx adds to its dictionary
    and, as unigrams, to its language model, so the recogniser can produce them; with
    ``narrowband`` its model is adapted to telephone-band audio (``NARROWBAND_MLLR``).
    Words cannot be taken out again, so a different set means a fresh decoder (~0.2 s).
    The front end's running estimates are reset per channel (``start_channel``).
    """
    global _decoder, _taught
    wanted = (frozenset(pronunciations), narrowband)
    if _decoder is not None and wanted == _taught:
        return _decoder
    options = {"mllr": str(NARROWBAND_MLLR)} if narrowband else {}
    fresh = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL", **options)
    missing = sorted(
        (p for p in wanted[0] if fresh.lookup_word(p.word) is None), key=lambda p: p.word
    )
    for index, guess in enumerate(missing):
        fresh.add_word(guess.word, " ".join(guess.phones), update=index == len(missing) - 1)
    _decoder, _taught = fresh, wanted
    return fresh


def start_channel(channel: np.ndarray, spans: Iterable[tuple[float, float]]) -> None:
    """Ready the decoder for a new channel (a new voice on a new line).

    pocketsphinx normalises each utterance by a running cepstral mean (and noise floor)
    carried over from the utterances before, starting from a generic guess that costs the
    first words of a voice it has not heard. So the estimates are reset, then learnt from
    the channel's own first speech (up to ``WARM_UP_SECONDS`` of ``spans``, in seconds,
    recognised and discarded): a channel's words depend on the channel alone, never on
    what the process decoded before.
    """
    dec = decoder()
    dec.reinit_feat()
    pieces: list[np.ndarray] = []
    heard = 0
    for start, end in spans:
        if heard >= WARM_UP_SECONDS * SAMPLE_RATE:
            break
        piece = channel[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        pieces.append(piece)
        heard += len(piece)
    if pieces:
        recognise(np.concatenate(pieces))


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
    words = []
    for seg in dec.seg():
        text = _plain_word(seg.word)
        if text:
            words.append(
                Word(
                    text,
                    seg.start_frame / _FRAMES_PER_SECOND,
                    (seg.end_frame + 1) / _FRAMES_PER_SECOND,
                    min(1.0, max(0.0, float(seg.prob))),
                )
            )
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
    """``will(2)`` -> ``will``; ``<sil>``, ``<s>``, ``[NOISE]`` -> ``""``."""
    if token.startswith(("<", "[", "+")):
        return ""
    return token.split("(", 1)[0]
