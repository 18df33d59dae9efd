"""Control operations (trafikinsatser)."""
