"""Browsing calls: the list (state, model, header, view) and the presenter that fills it."""
