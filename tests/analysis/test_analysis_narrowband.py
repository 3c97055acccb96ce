"""Telephone-band audio: restoration before recognition (line noise down, empty band
filled) and the model adapted to it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from tests.bench.bench_human_speech import read_mono
from tests.bench.bench_human_speech import recordings as human_recordings
from tests.bench.bench_human_speech import render as render_human
from voxdesk.server.analysis import asr
from voxdesk.server.analysis.audio import decode_channels
from voxdesk.server.analysis.matching import normalise
from voxdesk.server.analysis.narrowband import restore
from voxdesk.server.analysis.synth import write_wav

RATE = 16_000


def _band_power_db(samples: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1.0 / RATE)
    return float(10 * np.log10(spectrum[(freqs >= low) & (freqs < high)].mean() + 1e-12))


def _phone_line() -> tuple[np.ndarray, slice]:
    """Three seconds of in-band (300-3400 Hz) line noise with a 1 kHz tone in the middle
    second, 20 dB above the noise, as 16 kHz int16 resampled from 8 kHz."""
    rng = np.random.default_rng(1)
    t = np.arange(3 * RATE) / RATE
    spectrum = np.fft.rfft(rng.normal(size=t.size))
    freqs = np.fft.rfftfreq(t.size, 1.0 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    noise = np.fft.irfft(spectrum, n=t.size)
    noise *= 300 / noise.std()
    tone = slice(RATE, 2 * RATE)
    signal = noise.copy()
    signal[tone] += 3000 * np.sqrt(2) * np.sin(2 * np.pi * 1000 * t[tone])
    return signal.astype(np.int16), tone


def test_line_noise_is_reduced_and_the_tone_kept() -> None:
    line, tone = _phone_line()
    restored = restore(line, RATE, 8000)
    quiet = slice(0, RATE - 2048)
    before = 20 * np.log10(line[quiet].astype(float).std())
    after = 20 * np.log10(restored[quiet].astype(float).std())
    assert after < before - 10
    kept = restored[tone].astype(float).std() / line[tone].astype(float).std()
    assert 0.8 < kept < 1.1


def test_the_band_above_the_line_is_filled_at_the_noise_floor() -> None:
    line, _ = _phone_line()
    restored = restore(line, RATE, 8000)
    quiet = slice(0, RATE - 2048)
    above = _band_power_db(restored[quiet], 4000, 8000)
    inside = _band_power_db(restored[quiet], 500, 3000)
    empty_before = _band_power_db(line[quiet], 4000, 8000)
    assert empty_before < _band_power_db(line[quiet], 500, 3000) - 20
    assert abs(above - inside) < 6


def test_wideband_silence_stays_silent() -> None:
    silence = np.zeros(RATE, dtype=np.int16)
    assert not np.any(restore(silence, RATE, 8000))


def _human_sentences_over_a_phone_line(folder: Path) -> list[tuple[Path, list[str]]]:
    """Debian's pocketsphinx-testdata LibriVox sentences (a human voice) rendered as the
    benchmark's telephone line at 15 dB SNR, 8 kHz μ-law WAV files."""
    found = [r for r in human_recordings() if r[0].startswith("librivox/")]
    assert found, "needs Debian's pocketsphinx-testdata (packaging/install-prereqs.sh)"
    return [
        (render_human("tel15", read_mono(wav), folder, name), normalise(text))
        for name, wav, text in found
    ]


def _word_errors(cases: list[tuple[Path, list[str]]], *, adapted: bool) -> float:
    errors = words = 0
    for path, said in cases:
        audio = decode_channels(path)
        assert audio.narrowband
        asr.prepare(narrowband=adapted)
        channel = audio.channels[0]
        asr.start_channel()
        heard = [w.text for w in asr.recognise(channel)]
        errors += Levenshtein.distance(said, heard)
        words += len(said)
    return errors / words


def test_a_human_voice_over_a_phone_line_is_heard_better_with_the_adapted_model(
    tmp_path: Path,
) -> None:
    """The narrowband adaptation was learnt from flite's voices only: it must carry over
    to a person's (measured: word error 93.5 % → 70.7 % on these five sentences)."""
    cases = _human_sentences_over_a_phone_line(tmp_path)
    plain = _word_errors(cases, adapted=False)
    adapted = _word_errors(cases, adapted=True)
    assert adapted < plain - 0.10, (plain, adapted)


def test_the_engine_recognises_narrowband_audio_with_the_adapted_model(tmp_path: Path) -> None:
    """An 8 kHz source is decoded as narrowband and the engine prepares the adapted
    decoder for it; a 16 kHz source gets the model as shipped."""
    tone = (np.sin(np.arange(RATE) * 2 * np.pi * 440 / (RATE // 2)) * 0.1)[:, None]
    write_wav(tmp_path / "narrow.wav", tone, rate=RATE // 2)
    write_wav(tmp_path / "wide.wav", tone, rate=RATE)
    assert decode_channels(tmp_path / "narrow.wav").narrowband
    assert not decode_channels(tmp_path / "wide.wav").narrowband
    assert asr.prepare(narrowband=True).config["mllr"] == str(asr.NARROWBAND_MLLR)
    assert asr.prepare(narrowband=False).config["mllr"] is None
