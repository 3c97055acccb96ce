"""Telephone-band restoration before recognition: line noise down, empty band filled."""

from __future__ import annotations

import numpy as np

from voxdesk.server.analysis.narrowband import restore

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
