"""Synthesised drag-and-drop of local files, as a file manager would deliver it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def url_mime(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def drag_enter(widget: QWidget, mime: QMimeData, at: QPoint | None = None) -> bool:
    """Send a drag-enter; whether the widget accepted it."""
    enter = QDragEnterEvent(
        at or QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.setAccepted(False)
    QApplication.sendEvent(widget, enter)
    return enter.isAccepted()


def drop(widget: QWidget, mime: QMimeData, at: QPoint | None = None) -> bool:
    """Send a drop; whether the widget accepted it."""
    event = QDropEvent(
        QPointF(at or QPoint(5, 5)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def drop_files(widget: QWidget, paths: list[Path], at: QPoint | None = None) -> None:
    """Drag local files onto ``widget`` and drop them there (enter, then drop)."""
    mime = url_mime(*(QUrl.fromLocalFile(str(path)) for path in paths))
    assert drag_enter(widget, mime, at), "the drag was refused"
    assert drop(widget, mime, at), "the drop was refused"
