"""The index the CSV export reads calls through (``reviews.export_csv``).

It holds every column of a call that an export line needs, newest first as the list's
default order is. The table cannot serve an export quickly: its rows are wide (each
call's JSON), and the criteria's answers (``criteria_results``, ``criteria_keys``) sit
after the JSON, so reading them reads each row's overflow page too. Through this
index, an export of 100,000 calls in the default order is a walk of ~15 MB in order,
with no sort and no read of the table. Its cost is one more index entry per call
written (a first sync leaves it out and makes it at its end: ``DEFERRABLE_INDEXES``);
an export meanwhile reads the table, right but slower.
"""

EXPORT_INDEX_NAME = "calls_export"
EXPORT_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {EXPORT_INDEX_NAME} ON calls (connection, date IS NOT NULL, "
    "date, call_id, agent, category, duration, score, outcome, criteria_keys, criteria_results)"
)
