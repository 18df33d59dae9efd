"""The Trafiktrygg domain: models, services, statistics, storage and demo data."""
