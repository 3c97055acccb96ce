"""Scorecard phrases taught to the recogniser as weighted words of their own (``asr``)."""

from __future__ import annotations

import numpy as np

from voxdesk.server.analysis import asr
from voxdesk.server.analysis.lexicon import phrase_words, pronounce
from voxdesk.server.analysis.synth import render

GREETING = "thank you for calling acme"


def _phrase(text: str) -> tuple:
    return (tuple(pronounce(word) for word in phrase_words(text)), asr.PHRASE_WEIGHT)


def test_each_scorecard_phrase_is_one_word_of_the_decoder() -> None:
    phrase, _ = _phrase(GREETING)
    asr.prepare((), [_phrase(GREETING), _phrase("guarantee")])
    token = asr.phrase_token(phrase)
    assert token == "_thank_you_for_calling_acme"
    assert asr.decoder().lookup_word(token) == " ".join(p for w in phrase for p in w.phones)
    # A one-word phrase gets a token of its own; the plain word keeps its ordinary weight.
    assert asr.decoder().lookup_word("_guarantee") is not None
    assert asr.decoder().lookup_word("guarantee") is not None


def test_a_heard_phrase_reads_as_its_words_in_order() -> None:
    asr.prepare((), [_phrase(GREETING)])
    stereo, _ = render([{"agent": "Thank you for calling Acme."}], tail=0.5)
    samples = np.round(stereo[:, 0] * 32767).astype(np.int16)
    asr.start_channel()
    words = asr.recognise(samples)
    texts = [w.text for w in words]
    assert " ".join(texts).endswith(GREETING)
    assert not any("_" in t for t in texts)
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(w.start < w.end for w in words)


def test_a_new_phrase_set_means_a_fresh_decoder_and_the_same_set_reuses_it() -> None:
    first = asr.prepare((), [_phrase(GREETING)])
    assert asr.prepare((), [_phrase(GREETING)]) is first
    other = asr.prepare((), [_phrase("anything else")])
    assert other is not first
    assert other.lookup_word(asr.phrase_token(_phrase(GREETING)[0])) is None
