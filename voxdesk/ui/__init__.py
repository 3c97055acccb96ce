"""voxdesk."""
