"""Keeps bearer tokens and URL signatures out of every log line.

httpx logs full request URLs at INFO, presigned URLs carry their signature in the
query, and a token pasted in a traceback is a leaked token. ``install_log_redaction``
raises the HTTP libraries' loggers above INFO and filters voxdesk's own records.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"
# Query parameters that authorise a request on the platforms voxdesk talks to
# (our local server, S3, Azure SAS, GCS) — their values are secrets.
SECRET_QUERY_KEYS = frozenset(
    {
        "signature",
        "sig",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key",
    }
)
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:" + "|".join(re.escape(k) for k in SECRET_QUERY_KEYS) + r")=)[^&\s\"'#]+"
)


def redact_url(url: str) -> str:
    """The URL with its secret query values replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (key, REDACTED if key.lower() in SECRET_QUERY_KEYS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe=REDACTED)))


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Free text with bearer tokens, signed query values and known secrets removed."""
    text = _BEARER.sub(r"\1" + REDACTED, text)
    text = _QUERY_SECRET.sub(r"\1" + REDACTED, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


_secrets: set[str] = set()
_installed = False


def _redact_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    cleaned = redact_text(message, tuple(_secrets))
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None:
        # Exception texts (httpx's include URLs) are formatted here, redacted, and
        # cached on the record, which every Formatter then reuses.
        record.exc_text = redact_text(
            logging.Formatter().formatException(record.exc_info), tuple(_secrets)
        )


def install_log_redaction() -> None:
    """Idempotent: quieten httpx/httpcore (they log full URLs at INFO) and redact every
    log record as it is created, whichever logger or handler it later reaches."""
    global _installed
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    _installed = True


def register_secret(secret: str) -> None:
    """Remember a token so that it is scrubbed from any log line that quotes it."""
    if secret:
        _secrets.add(secret)
