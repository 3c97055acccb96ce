"""Listening: the player, its bar, the call map and the presenter that loads calls into it."""
