"""The transcript pane: the Qt panel and, without Qt, its text offsets and search."""
