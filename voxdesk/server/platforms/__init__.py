"""The platforms the local server speaks, each over the neutral core: its routes, auth,
errors and views (wire bodies come from ``voxdesk.contracts``)."""
