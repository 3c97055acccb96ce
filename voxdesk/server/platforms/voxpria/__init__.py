"""Voxpria (``shared/api-contracts/voxpria-calls.txt``) on the local server: AI voice
calls placed on a simulated telephone network (``server.simulate.telephony``), over the
core store. ``platform`` holds its state, ``routes`` its HTTP surface."""
