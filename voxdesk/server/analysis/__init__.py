"""The offline analysis engine of the local server.

``analyze_recording`` is the one entry point the server's pipeline calls, in a worker
process: it takes a recording already stored on disk and the call's scorecard and
returns everything the Voxxi analysis response needs. It is CPU-bound and pure (no
database, no network), so the server runs it in a process pool.
"""
