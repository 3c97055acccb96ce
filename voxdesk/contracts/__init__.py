"""Wire bodies of the platforms voxdesk speaks, defined once.

The local server renders these and the providers parse them, so a field spelt wrong
is wrong on both sides at once and a contract test catches it. Pydantic only: no I/O,
no Qt; this layer imports ``voxdesk.domain`` at most.
"""
