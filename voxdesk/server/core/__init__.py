"""Platform-neutral parts of the local server that every platform's routes sit on:
the neutral call store, storage and its signed routes, URL signing, fetching, the
fetch → analyse pipeline (over a platform's ``PipelineJobs``), the worker pool, the
counted JSON body reader and the server-wide error body.

Nothing here imports a platform (``voxdesk.server.platforms``; an import-linter contract
holds it). The voice-bot platform stores its calls in ``store``; Voxxi still has its own
store (``platforms.voxxi.store``) and can move onto this one.
"""
