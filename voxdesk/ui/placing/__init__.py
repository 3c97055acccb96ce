"""Placing AI voice calls (Voxpria): the presenter and the Place call… dialog."""
