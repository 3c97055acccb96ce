"""Voxxi on the local server: its routes, bearer auth, call store, views and demo library."""
