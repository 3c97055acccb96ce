"""Test helpers shared across the test suites (local server process, audio fixtures)."""
