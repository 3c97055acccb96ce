"""Where reviews live: a store interface (``store``), the SQLite store per user
(``sqlite_store``), and the service the desk and the CLI use (``service``)."""

from voxdesk.services.reviews.service import ReviewService
from voxdesk.services.reviews.sqlite_store import SqliteReviewStore
from voxdesk.services.reviews.store import ReviewStore, ReviewSummary

__all__ = ["ReviewService", "ReviewStore", "ReviewSummary", "SqliteReviewStore"]
