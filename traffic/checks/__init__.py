"""Vehicle checks (kontrollerade fordon)."""
