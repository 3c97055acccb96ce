"""The use-case answering rules on written transcripts (no speech: the rules alone).

The engine's accuracy on synthesised and recognised calls is measured by
tests/bench/bench_usecase_answers.py.
"""

from __future__ import annotations

from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.usecase_answers import (
    NO,
    NOT_CLEAR,
    YES,
    Bucket,
    QuestionHints,
    Turn,
    answer_questions,
    choose_bucket,
    turns_from_transcript,
)
from voxdesk.server.analysis.usecase_answers.buckets import is_catch_all

INTERESTED = "If the lead is interested in the loan offer. (Yes/No)"
LEAD_BUCKETS = [
    Bucket("Hot Lead", "If user is interested in the loan offer."),
    Bucket("Warm Lead", "if user shows no interest."),
    Bucket("Not Clear", "if it is not clear that user is not interested in loan offer."),
]


def call(*lines: tuple[str, str], confidences: dict[int, tuple[float, ...]] | None = None):
    """Turns 5 s apart from (speaker, text) pairs; ``confidences`` by turn index."""
    confidences = confidences or {}
    return [
        Turn(speaker, 5.0 * i, text, 5.0 * i + 4.0, confidences.get(i, ()))
        for i, (speaker, text) in enumerate(lines)
    ]


def one(turns: list[Turn], question: str, hints: QuestionHints | None = None):
    return answer_questions(turns, [question], {question: hints} if hints else None)[0]


LOAN_PITCH = ("agent", "Would you be interested in a personal loan at a low rate?")


def test_i_am_not_interested_is_no_quoting_the_customer() -> None:
    got = one(call(LOAN_PITCH, ("customer", "Well, I am not interested, thank you.")), INTERESTED)
    assert got.answer == NO
    assert got.timestamp == 5.0
    assert "not interested" in got.evidence and got.evidence.startswith("customer:")
    assert '"not interested' in got.reason


def test_a_bare_yes_to_the_agents_question_is_yes_from_the_question() -> None:
    got = one(call(LOAN_PITCH, ("customer", "Yes please, tell me more.")), INTERESTED)
    assert got.answer == YES
    assert got.timestamp == 0.0  # plays from the question, the reply follows
    assert "personal loan" in got.evidence and "yes please" in got.evidence


def test_a_bare_no_is_no_and_no_problem_is_not_a_no() -> None:
    assert one(call(LOAN_PITCH, ("customer", "No.")), INTERESTED).answer == NO
    reply = ("customer", "No problem, yes, go ahead.")
    assert one(call(LOAN_PITCH, reply), INTERESTED).answer == YES


def test_own_words_outrank_a_bare_reply() -> None:
    got = one(call(LOAN_PITCH, ("customer", "Yes, but I am not interested in loans.")), INTERESTED)
    assert got.answer == NO


def test_no_longer_and_contractions_negate() -> None:
    question = "Does the customer want to keep the subscription?"
    turns = call(("customer", "I no longer want this subscription."))
    assert one(turns, question).answer == NO
    turns = call(("customer", "I don't want the subscription any more."))
    assert one(turns, question).answer == NO
    turns = call(("customer", "I want to keep my subscription."))
    assert one(turns, question).answer == YES


def test_a_question_never_addressed_is_not_clear_without_evidence() -> None:
    turns = call(("agent", "Your parcel ships on Monday."), ("customer", "Great, thank you."))
    got = one(turns, INTERESTED)
    assert got.answer == NOT_CLEAR
    assert got.evidence == "" and got.timestamp is None
    assert "Never addressed" in got.reason


def test_conflicting_evidence_is_not_clear_quoting_both() -> None:
    turns = call(
        LOAN_PITCH,
        ("customer", "Oh I am very interested in a loan."),
        ("agent", "The rate is nine percent."),
        ("customer", "Then I am not interested in the loan."),
    )
    got = one(turns, INTERESTED)
    assert got.answer == NOT_CLEAR
    assert "very interested" in got.reason and "not interested" in got.reason


def test_unsure_customer_is_not_clear() -> None:
    got = one(call(LOAN_PITCH, ("customer", "I'm not sure, let me think about it.")), INTERESTED)
    assert got.answer == NOT_CLEAR
    assert "Unsure" in got.reason


def test_low_recogniser_confidence_is_not_clear_never_a_guess() -> None:
    turns = call(LOAN_PITCH, ("customer", "No."), confidences={1: (0.2,)})
    got = one(turns, INTERESTED)
    assert got.answer == NOT_CLEAR
    assert "20%" in got.reason
    # The same words heard clearly decide.
    turns = call(LOAN_PITCH, ("customer", "No."), confidences={1: (0.9,)})
    assert one(turns, INTERESTED).answer == NO


def test_a_stance_word_about_another_topic_does_not_answer() -> None:
    turns = call(("agent", "How can I help?"), ("customer", "I want to change my address."))
    assert one(turns, INTERESTED).answer == NOT_CLEAR


def test_a_negated_question_is_answered_and_flipped() -> None:
    question = "Did the customer decline the offer?"
    turns = call(("agent", "Would you like to accept this offer?"), ("customer", "No thanks."))
    assert one(turns, question).answer == YES
    turns = call(("agent", "Would you like to accept this offer?"), ("customer", "Yes, I accept."))
    assert one(turns, question).answer == NO


def test_questions_about_the_agent() -> None:
    discount = "Did the agent offer a discount?"
    offered = call(("agent", "I can offer you a ten percent discount."), ("customer", "Okay."))
    assert one(offered, discount).answer == YES
    refused = call(("agent", "Sorry, we cannot offer a discount on that."), ("customer", "Okay."))
    assert one(refused, discount).answer == NO
    silent = call(("agent", "Your parcel ships on Monday."), ("customer", "Thanks."))
    got = one(silent, discount)
    assert got.answer == NO and "No agent turn" in got.reason
    # Not hearing it in speech the recogniser was unsure of says nothing.
    muffled = call(("agent", "Your parcel ships on Monday."), confidences={0: (0.3,) * 5})
    assert one(muffled, discount).answer == NOT_CLEAR
    # "Mention" is answered by the mention, negated or not.
    fee = "Did the agent mention the cancellation fee?"
    assert one(call(("agent", "There is no cancellation fee.")), fee).answer == YES


def test_hints_add_cues_and_answer_phrases() -> None:
    question = "Did the customer agree to receive the application forms by post?"
    turns = call(("agent", "Shall I post you the paperwork?"), ("customer", "Send them over."))
    assert one(turns, question).answer == NOT_CLEAR
    hints = QuestionHints(cues=("paperwork",), yes=("send them",))
    got = one(turns, question, hints)
    assert got.answer == YES and "send them" in got.evidence


def test_bucket_chosen_by_a_propositional_description() -> None:
    turns = call(LOAN_PITCH, ("customer", "No, I am not interested."))
    choice = choose_bucket(turns, LEAD_BUCKETS)
    assert choice.name == "Warm Lead"
    assert choice.timestamp == 5.0 and "not interested" in choice.evidence
    turns = call(LOAN_PITCH, ("customer", "Yes, I am really interested."))
    assert choose_bucket(turns, LEAD_BUCKETS).name == "Hot Lead"


def test_bucket_falls_back_to_the_catch_all_or_none() -> None:
    turns = call(("agent", "Your parcel ships on Monday."), ("customer", "Thanks."))
    choice = choose_bucket(turns, LEAD_BUCKETS)
    assert choice.name == "Not Clear" and "none of the buckets" in choice.reason
    choice = choose_bucket(turns, LEAD_BUCKETS[:2])
    assert choice.name is None and choice.reason


def test_bucket_chosen_by_topic_words() -> None:
    buckets = [
        Bucket("Billing", "Questions about an invoice, a charge or a payment."),
        Bucket("Technical", "Internet outage, router or connection problems."),
        Bucket("Other", "Anything else."),
    ]
    turns = call(
        ("agent", "Thank you for calling, how can I help?"),
        ("customer", "My internet keeps dropping and the router light is red."),
        ("agent", "Let me reset the connection from here."),
    )
    choice = choose_bucket(turns, buckets)
    assert choice.name == "Technical" and choice.timestamp == 5.0
    turns = call(("customer", "There is a charge on my invoice I do not recognise."))
    assert choose_bucket(turns, buckets).name == "Billing"


def test_turns_from_the_engines_transcript() -> None:
    transcript = [
        TranscriptTurn(
            speaker="speaker",
            start=1.0,
            end=2.0,
            text="no i am not",
            words=[("no", 1.0, 1.2), ("i", 1.2, 1.3), ("am", 1.3, 1.5), ("not", 1.5, 2.0)],
            confidences=[0.9, 0.8, 0.7, 0.6],
        )
    ]
    (turn,) = turns_from_transcript(transcript)
    assert turn.speaker == "unknown" and turn.end == 2.0
    assert turn.confidences == (0.9, 0.8, 0.7, 0.6)


def test_feelings_answer_only_when_the_agent_names_them() -> None:
    # "Do you have other loans?" is not a question about interest: its "no" says nothing.
    turns = call(
        LOAN_PITCH,
        ("customer", "Yes, sounds good."),
        ("agent", "Do you have any loans with other banks?"),
        ("customer", "No, none."),
    )
    assert one(turns, INTERESTED).answer == YES


def test_the_customer_asking_for_something() -> None:
    question = "Did the customer ask for a refund?"
    turns = call(("customer", "I was charged twice, I want a refund."))
    assert one(turns, question).answer == YES
    turns = call(("customer", "I was charged twice, please fix it."))
    assert one(turns, question).answer == NO


def test_a_cue_word_possibly_misheard_is_not_clear_rather_than_no() -> None:
    # Recognised speech (with confidences) where "refund" came out as "it fun".
    question = "Did the customer ask for a refund?"
    heard = "i was charged twice highlander it fun for the second payment"
    turns = call(("customer", heard), confidences={0: (0.9,) * len(heard.split())})
    got = one(turns, question)
    assert got.answer == NOT_CLEAR and '"it fun"' in got.reason
    heard = "i was charged twice please fix the second payment"
    turns = call(("customer", heard), confidences={0: (0.9,) * len(heard.split())})
    assert one(turns, question).answer == NO


def test_equally_supported_buckets_go_to_what_the_call_ends_with() -> None:
    buckets = [
        Bucket("Retained", "The customer stays after the offer."),
        Bucket("Lost", "The customer cancels anyway."),
    ]
    turns = call(
        ("customer", "I want to cancel my subscription."),
        ("agent", "I can give you half price if you stay."),
        ("customer", "Okay, then I will stay."),
    )
    choice = choose_bucket(turns, buckets)
    assert choice.name == "Retained" and choice.timestamp == 10.0


def test_a_mono_call_answers_from_the_next_turn() -> None:
    # Unattributed turns (a mono recording): anyone may ask, the next turn replies.
    turns = call(("speaker", LOAN_PITCH[1]), ("speaker", "No."), ("speaker", "Okay, goodbye."))
    got = one(turns, INTERESTED)
    assert got.answer == NO and got.timestamp == 0.0


def test_catch_all_buckets_by_name_or_description_only() -> None:
    assert is_catch_all(Bucket("Not Clear", "if it is not clear that user is interested"))
    assert is_catch_all(Bucket("Misc", "Anything else."))
    assert is_catch_all(Bucket("Leftovers", "None of the above."))
    assert not is_catch_all(Bucket("Other provider", "The customer uses a competitor."))
    assert not is_catch_all(Bucket("Not booked", "The patient did not book."))


def test_recognised_speech_without_punctuation_question_words_start_a_question() -> None:
    # No punctuation, as the recogniser writes: the statement before "do you" stands.
    turns = call(LOAN_PITCH, ("customer", "yes but i am not interested do you understand"))
    assert one(turns, INTERESTED).answer == NO
    turns = call(("agent", "we have a new loan"), ("customer", "are you interested in a loan"))
    assert one(turns, INTERESTED).answer == NOT_CLEAR
