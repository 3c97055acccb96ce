"""The window fits common screens: nothing in the reading panes is wider than the pane
(they never scroll sideways, so anything wider is cut off), long values wrap or elide
with a tooltip, internal markers are not shown, and the first window fits the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call
from tests.ui.conftest import TEST_CONNECTION, Driver, WindowFactory, make_services
from voxdesk.services.catalog import SortKey
from voxdesk.services.connections import Connection
from voxdesk.services.uploads.jobs import MARKER_UDF
from voxdesk.ui.browse.call_list_model import Column
from voxdesk.ui.main_window.window import MainWindow

UPLOAD_ID = "9f1c2b7e4d3a4c8f9e0b1a2c3d4e5f60" * 2
LONG_VALUE = "https://crm.example.com/tickets/" + "A1B2C3D4" * 12
LONG_AGENT = "maximilian.featherstonehaugh-villanueva@customer-care.example.com"


@pytest.fixture(scope="module")
def call(server: LocalServer, speech_wav: Path) -> dict:
    """An analysed call by an agent with a long address, carrying the upload queue's
    marker and a long unbreakable user field (analysed once per module)."""
    call_id = create_call(
        server,
        speech_wav,
        member=LONG_AGENT,
        date="2026-01-05",
        udfs={MARKER_UDF: UPLOAD_ID, "crmLink": LONG_VALUE, "ticket": "T-100"},
    )
    return wait_for_call(server, call_id, timeout=180)


def _window(windows: WindowFactory, server: LocalServer, home: Path) -> MainWindow:
    connection = Connection(TEST_CONNECTION, "local", server.base_url)
    return windows.open(make_services(home, [(connection, server.token)]))


def _overflowing(pane: QScrollArea) -> list[str]:
    """Every visible widget in ``pane`` that reaches past its viewport's right edge, and
    every one-line label too narrow for its text without saying so in a tooltip."""
    viewport = pane.viewport()
    found = []
    content = pane.widget()
    if content.width() > viewport.width():
        found.append(f"content {content.width()} px > viewport {viewport.width()} px")
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(pane):
            continue
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        name = widget.objectName() or type(widget).__name__
        if right > viewport.width():
            found.append(f"{name} ends at {right} px > viewport {viewport.width()} px")
        if (
            isinstance(widget, QLabel)
            and not widget.wordWrap()
            and widget.width() < widget.sizeHint().width()
            and not widget.toolTip()
        ):
            found.append(f"{name} cut: {widget.width()} < {widget.sizeHint().width()} px")
    return found


#: 1280×720 and 1920×1080 maximised, and 1280×720 at a scale of 1.5 (853×480 in pixels
#: of the app's own size).
SCREENS = [(1280, 720), (1920, 1080), (853, 480)]


@pytest.mark.parametrize("size", SCREENS)
def test_detail_and_sections_fit_their_panes(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    call: dict,
    size: tuple[int, int],
) -> None:
    window = _window(windows, server, home)
    driver.pump(0.2)
    window.resize(*size)
    call_id = call["callId"]
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=30, what="listed")
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        what="the detail",
    )
    driver.pump(0.3)  # layouts settle
    assert window.findChild(QLabel, "detail-score") is not None
    assert window.findChild(QLabel, "detail-outcome-rationale") is not None
    assert window.width() <= size[0], "the window's minimum is wider than the screen"
    for pane in (window.detail, window.sections):
        assert _overflowing(pane) == [], pane.objectName()

    # The internal marker is not shown; a long value is elided, whole in its tooltip.
    labels = window.detail.widget().findChildren(QLabel)
    assert not [label for label in labels if UPLOAD_ID in label.text()]
    assert not [label for label in labels if MARKER_UDF in label.text()]
    crm = window.findChild(QLabel, "detail-udf-crmLink")
    assert crm is not None and crm.toolTip() == LONG_VALUE
    agent = window.findChild(QLabel, "detail-agent")
    assert "Featherstonehaugh" in agent.toolTip()  # the whole name, however it is shown
    driver.pump(0.3)


def test_a_splitter_dragged_far_stops_before_cutting_the_panes_off(
    driver: Driver, windows: WindowFactory, server: LocalServer, home: Path, call: dict
) -> None:
    window = _window(windows, server, home)
    window.resize(1280, 720)
    call_id = call["callId"]
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=30, what="listed")
    driver.wait_until(lambda: window.detail.call is not None, what="the detail")
    driver.pump(0.3)
    window.splitter.setSizes([2000, 1, 1])  # the reader drags both handles to the right
    driver.pump(0.3)
    for pane in (window.detail, window.sections):
        assert pane.width() > 1
        assert _overflowing(pane) == [], pane.objectName()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_first_layout_shares_the_width_sensibly(
    driver: Driver, windows: WindowFactory, server: LocalServer, home: Path, size
) -> None:
    """A first run (nothing saved), then maximised on the screen: the reading panes get
    room, the list is not squeezed, and its last column does not take its spare width."""
    window = _window(windows, server, home)
    driver.pump(0.3)
    window.resize(*size)
    driver.pump(0.3)
    em = window.fontMetrics().averageCharWidth()
    list_width, detail_width, sections_width = window.splitter.sizes()
    total = list_width + detail_width + sections_width
    assert list_width <= 0.5 * total
    assert list_width >= 40 * em
    assert min(detail_width, sections_width) >= 35 * em
    header = window.call_list.table.horizontalHeader()
    status = header.sectionSize(Column.STATUS)
    assert status <= max(header.sectionSize(c) for c in Column if c != Column.STATUS)
    # The reviewer's columns are on screen, the list does not scroll sideways.
    layout = window.call_list.model.list_layout
    for key in (SortKey.SCORE, SortKey.STATUS, SortKey.REVIEW, SortKey.HUMAN_SCORE, SortKey.DELTA):
        assert not header.isSectionHidden(layout.index_of(key)), key
    assert not window.call_list.table.horizontalScrollBar().isVisible()


def test_the_first_window_fits_the_screen(windows: WindowFactory, driver: Driver, home) -> None:
    services = make_services(home, [])
    window = windows.open(services, start=False)
    driver.pump(0.2)
    available = window.screen().availableGeometry()
    frame = window.frameGeometry()
    assert available.contains(frame), f"{frame} does not fit {available}"
    assert QApplication.primaryScreen() is not None
