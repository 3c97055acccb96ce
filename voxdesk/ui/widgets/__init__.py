"""Shared widgets with no feature of their own: banner, labels and panes, item delegates,
status icons, the date filter, the shortcut guard, the drop target."""
