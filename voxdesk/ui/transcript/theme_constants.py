"""How the transcript looks and lays out: spacing, highlight colours, scroll leads."""

from __future__ import annotations

from PySide6.QtGui import QColor

#: Space under each turn and around the text, in lines of the view's font (so it scales
#: with the user's font and DPI).
TURN_SPACING_LINES = 0.6
DOCUMENT_MARGIN_LINES = 0.5
#: The current turn: the palette's highlight colour, translucent so the text keeps its
#: own colour and contrast in light and dark palettes, plus an opaque bar at the left
#: edge so the turn is found at a glance.
TURN_HIGHLIGHT_ALPHA = 56
TURN_ACCENT_WIDTH = 3
#: Search matches other than the current one: a translucent amber wash (the usual
#: "found" colour, distinct from the blue-ish current-turn highlight). The current
#: match is drawn in the palette's selection colours.
MATCH_COLOUR = QColor("#f0b400")
MATCH_ALPHA = 110
#: When following scrolls, this fraction of the view stays above the current turn, so
#: the reviewer sees what led up to it.
FOLLOW_LEAD = 0.25
#: Kept above a search match that the panel scrolls to, in lines.
MATCH_LEAD_LINES = 2
#: Layout. Qt lays a new (or re-wrapped) document out lazily, in steps that double in
#: size on a 10 ms timer, so on a long call its last steps block the event loop for
#: 20-50 ms, just when playback may start. Instead the panel lays the first turns out at
#: once (a short call entirely, ~10 ms) and the rest itself, one slice (~2 ms) per
#: event-loop turn, holding Qt's steps back meanwhile.
SYNC_LAYOUT_TURNS = 250
LAYOUT_SLICE_TURNS = 40
