"""Uploading recordings: the queue presenter, the metadata dialog, the uploads dock."""
