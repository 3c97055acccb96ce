"""Uploading recordings: check each file, queue it persistently, push it through a
presigned URL, create the call and follow its analysis.

Qt-free and shared by the app and ``voxdesk upload``: ``checks`` decides whether a file
may be sent, ``store`` keeps the queue in SQLite so nothing is lost on a crash,
``flow`` moves one job through the platform's steps, ``queue`` runs a few of them at
once and tells its listeners about every change.
"""
