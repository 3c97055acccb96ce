"""VOIX on the local server: ``POST /submit`` in two beats, and the lifecycle extension."""
