"""Reviewing one call: its detail (summary, evidence) and its section scores."""
