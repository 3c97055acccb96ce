"""Connections: the dialog that edits them and the session that connects (and runs the
local server)."""
