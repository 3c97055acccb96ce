"""Platform-neutral parts of the local server that every platform's routes sit on.

The voice-bot platform stores its calls here; Voxxi still has its own store
(``voxdesk.server.platforms.voxxi.store``) and can move onto this one: nothing here is Voxxi- or
voice-bot-specific.
"""
