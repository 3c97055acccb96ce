"""The voice-bot platform (``shared/api-contracts/voice-calls.txt``) on the local server:
``platform`` holds its state, ``routes`` its HTTP surface, over the core store."""
