"""Simulators standing in for what a desktop cannot reach: a telephone network."""
