"""Storage: SQLAlchemy base and mixins, engines and sessions, Alembic migrations."""
