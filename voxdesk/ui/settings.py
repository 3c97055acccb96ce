"""What the window remembers between runs: geometry, splitters, the list's columns,
sort and filters, the theme.

An explicit INI file under ``paths.config_dir()`` rather than QSettings' per-platform
default, so ``VOXDESK_HOME`` isolates it (tests never touch the user's settings) and it
sits beside the saved connections.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from voxdesk.domain import CallStatus, Speaker
from voxdesk.services import paths
from voxdesk.services.catalog import CallFilter, CallOrder, SortKey
from voxdesk.ui.theme import Theme

log = logging.getLogger("voxdesk.ui.settings")

SETTINGS_FILE = "voxdesk.ini"
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER = "window/splitter"
HEADER = "calls/header"
ORDER = "calls/order"
FILTER = "calls/filter"
READING_SPLITTER = "window/reading-splitter"
#: Where playback stopped in recent calls (JSON, see ``PositionMemory``).
POSITIONS = "player/positions"
SPEAKER_NAMES = "transcript/speakers"
THEME = "view/theme"


def open_settings(path: Path | None = None) -> QSettings:
    path = path or paths.config_dir() / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def save_bytes(settings: QSettings, key: str, value: bytes) -> None:
    settings.setValue(key, QByteArray(value))


def load_bytes(settings: QSettings, key: str) -> bytes | None:
    value = settings.value(key)
    if isinstance(value, QByteArray) and not value.isEmpty():
        return bytes(value.data())
    return None


def load_text(settings: QSettings, key: str) -> str | None:
    value = settings.value(key)
    return str(value) if value else None


def save_speaker_names(settings: QSettings, names: dict[Speaker, str]) -> None:
    settings.setValue(SPEAKER_NAMES, json.dumps({s.value: n for s, n in names.items()}))


def load_speaker_names(settings: QSettings) -> dict[Speaker, str]:
    """Renamed speakers ("Agent" → "Dana"); unreadable or unknown entries are dropped."""
    try:
        raw = json.loads(load_text(settings, SPEAKER_NAMES) or "{}")
    except ValueError:
        return {}
    names = {}
    for key, name in raw.items() if isinstance(raw, dict) else ():
        if key in Speaker._value2member_map_ and isinstance(name, str) and name.strip():
            names[Speaker(key)] = name.strip()
    return names


def filter_to_json(where: CallFilter) -> str:
    return json.dumps(
        {
            "text": where.text,
            "statuses": sorted(s.value for s in where.statuses),
            "agent": where.agent,
            "category": where.category,
            "outcome": where.outcome,
            "score_min": where.score_min,
            "score_max": where.score_max,
            "date_from": where.date_from.isoformat() if where.date_from else None,
            "date_to": where.date_to.isoformat() if where.date_to else None,
            "review_states": sorted(where.review_states),
            "attention_below": where.attention_below,
            "differs": where.differs,
        }
    )


def filter_from_json(text: str) -> CallFilter:
    raw = json.loads(text)
    return CallFilter(
        text=str(raw.get("text") or ""),
        statuses=frozenset(CallStatus(s) for s in raw.get("statuses") or ()),
        agent=raw.get("agent"),
        category=raw.get("category"),
        outcome=raw.get("outcome"),
        score_min=raw.get("score_min"),
        score_max=raw.get("score_max"),
        date_from=datetime.fromisoformat(raw["date_from"]) if raw.get("date_from") else None,
        date_to=datetime.fromisoformat(raw["date_to"]) if raw.get("date_to") else None,
        review_states=frozenset(str(s) for s in raw.get("review_states") or ()),
        attention_below=raw.get("attention_below"),
        differs=bool(raw.get("differs")),
    )


def save_list(settings: QSettings, where: CallFilter, order: CallOrder) -> None:
    settings.setValue(FILTER, filter_to_json(where))
    settings.setValue(ORDER, f"{order.key.value} {'desc' if order.descending else 'asc'}")


def load_filter(settings: QSettings) -> CallFilter:
    text = settings.value(FILTER)
    if not text:
        return CallFilter()
    try:
        return filter_from_json(str(text))
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable saved filter")
        return CallFilter()


def load_order(settings: QSettings) -> CallOrder:
    text = str(settings.value(ORDER) or "")
    key, _, direction = text.partition(" ")
    try:
        return CallOrder(SortKey(key), descending=direction != "asc")
    except ValueError:
        return CallOrder()


def load_theme(settings: QSettings) -> Theme | None:
    """The theme chosen in View ▸ Theme, or None if never chosen (or unreadable)."""
    try:
        return Theme(str(settings.value(THEME) or ""))
    except ValueError:
        return None


def save_theme(settings: QSettings, theme: Theme) -> None:
    settings.setValue(THEME, theme.value)
