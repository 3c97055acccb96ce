"""Words outside the recogniser's dictionary: compounds split into dictionary words,
invented names guessed by espeak-ng, both logged at load and heard in speech; a phrase
that cannot be pronounced refuses its scorecard (or agent) with the word named."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from voxdesk.server.analysis.engine import analyze_recording
from voxdesk.server.analysis.lexicon import (
    DICTIONARY,
    cmu_dictionary,
    ipa_to_cmu,
    pronounce,
)
from voxdesk.server.analysis.synth import render, write_wav
from voxdesk.server.platforms.voxpria.agents import AgentConfigError, load_agent
from voxdesk.server.scorecard import ScorecardError, parse_scorecard

CARD = """
id: oov
name: Out-of-dictionary names
sections:
  - id: s
    name: S
    criteria:
      - {id: greeting, question: Q, points: 1, rule: {said: [PHRASE], by: agent}}
outcomes:
  - label: Only
"""


@pytest.fixture(autouse=True, scope="module")
def _espeak_installed() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: run packaging/install-prereqs.sh")


def write_card(tmp_path: Path, phrase: str) -> Path:
    path = tmp_path / "oov.yaml"
    path.write_text(CARD.replace("PHRASE", f'"{phrase}"'), encoding="utf-8")
    return path


def test_dictionary_words_are_looked_up() -> None:
    assert pronounce("acme").how == DICTIONARY
    assert pronounce("acme").phones == ("AE", "K", "M", "IY")


def test_a_compound_is_split_into_dictionary_words() -> None:
    table = cmu_dictionary()
    assert "brightline" not in table
    guess = pronounce("brightline")
    assert guess.how == "compound of bright + line"
    assert guess.phones == table["bright"] + table["line"]


def test_an_invented_name_is_sounded_out_in_the_models_phones() -> None:
    assert "telcova" not in cmu_dictionary()
    guess = pronounce("telcova")
    assert guess.how == "letter-to-sound (espeak-ng)"
    assert guess.phones[:4] == ("T", "EH", "L", "K")
    models_phones = {p for phones in cmu_dictionary().values() for p in phones}
    assert set(guess.phones) <= models_phones


@pytest.mark.parametrize(
    ("ipa", "phones"),
    [
        ("bˈʌʔn̩", "B AH T AH N"),  # button: glottal stop and syllabic n
        ("fˈaɪɚ", "F AY ER"),
        ("wˈɜːld", "W ER L D"),
        ("kjˈʊɹ", "K Y UH R"),
        ("dʒˈɑːtʃ", "JH AA CH"),
    ],
)
def test_espeak_ipa_maps_to_cmu_phones(ipa: str, phones: str) -> None:
    assert ipa_to_cmu(ipa) == tuple(phones.split())


def test_guessed_words_are_logged_at_load(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_card(tmp_path, "welcome to Brightline Telcova")
    with caplog.at_level(logging.INFO, logger="voxdesk.server.analysis.lexicon"):
        parse_scorecard(path)
    text = caplog.text
    assert "'brightline' guessed by compound of bright + line" in text
    assert "'telcova' guessed by letter-to-sound (espeak-ng)" in text
    assert "'welcome'" not in text


@pytest.mark.parametrize(
    ("phrase", "word"),
    [("open 24 hours", "24"), ("thank you for calling 東京", "東京")],
)
def test_an_unpronounceable_phrase_refuses_the_scorecard(
    tmp_path: Path, phrase: str, word: str
) -> None:
    path = write_card(tmp_path, phrase)
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(path)
    message = str(caught.value)
    assert str(path) in message
    assert f'"{word}" in "{phrase}" cannot be pronounced' in message


def test_an_agent_script_with_an_unpronounceable_word_is_refused(tmp_path: Path) -> None:
    agents = tmp_path / "agents"
    agents.mkdir()
    (tmp_path / "scorecards").mkdir()
    write_card(tmp_path / "scorecards", "hello")
    path = agents / "a.yaml"
    path.write_text(
        "agentId: agent_x\nname: X\nscorecard: oov.yaml\n"
        'script: ["Hello, this is Telcova, open 24 7."]\n'
        "scenarios: [{outcome: done, replies: [null]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(AgentConfigError, match=r'"24" in .* cannot be pronounced'):
        load_agent(path)


def test_a_guessed_name_is_heard_in_speech(tmp_path: Path) -> None:
    """The recogniser can only produce words it knows: without the guess "telcova" comes
    out as other words and the greeting is never found."""
    card = parse_scorecard(write_card(tmp_path, "thank you for calling telcova"))
    stereo, _ = render([{"agent": "Thank you for calling Telcova, this is Sam."}], tail=0.5)
    write_wav(tmp_path / "call.wav", stereo)
    output = analyze_recording(tmp_path / "call.wav", card)
    assert "telcova" in output.transcript[0].text
    assert output.sections[0].criterias[0].result == "Yes"
