"""Sending calls to VOIX: the send dialog, the per-row report, their presenter."""
