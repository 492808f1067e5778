"""The design graph: building it, checking it, querying it and rendering it."""
