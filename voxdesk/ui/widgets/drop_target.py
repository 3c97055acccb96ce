"""Recordings dropped anywhere on a window, turned into a list of paths.

An event filter rather than a ``dropEvent`` override, so any window (or dock) can take
drops without subclassing, and all it does is say which local files and folders were
dropped: what happens to them is the owner's decision.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag (web links and the like are ignored)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropTarget(QObject):
    """``DropTarget(window)``: the window accepts drops of files and folders and emits
    ``files_dropped(list[Path])``. Widgets inside it that take drops themselves (a text
    field) keep doing so; everywhere else the drop reaches the window.

    ``refuse(reason)`` stops accepting drags (the cursor shows they cannot land) and
    answers files dragged in, or dropped anyway (some desktops deliver them regardless),
    with ``drop_refused(reason)`` instead of ``files_dropped``. ``refuse(None)`` accepts
    again.
    """

    files_dropped = Signal(list)
    #: Files were dragged in or dropped while drops are refused: the reason, to show.
    drop_refused = Signal(str)

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.refusal: str | None = None
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def refuse(self, reason: str | None) -> None:
        self.refusal = reason

    @property
    def accepting(self) -> bool:
        return self.refusal is None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent)
            if local_paths(event.mimeData()):
                if self.refusal is None:
                    event.acceptProposedAction()
                else:
                    event.ignore()
                    if kind == QEvent.Type.DragEnter:
                        # Qt delivers no drop after a refused enter: say why right away.
                        self.drop_refused.emit(self.refusal)
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            dropped = local_paths(event.mimeData())
            if dropped and self.refusal is not None:
                event.ignore()
                self.drop_refused.emit(self.refusal)
                return True
            if dropped:
                event.acceptProposedAction()
                self.files_dropped.emit(dropped)
                return True
        return super().eventFilter(watched, event)
