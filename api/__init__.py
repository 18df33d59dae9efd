"""The FastAPI app (REST, GeoJSON, OGC API Features, HTML pages), settings, auth and the CLI."""
