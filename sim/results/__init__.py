"""Results as tables, files, charts and maps, and the trace checker."""
