"""The Vozzo desk: use cases, recordings by use case, their answers and dashboards."""
