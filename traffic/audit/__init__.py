"""The append-only audit trail, written in the same transaction as each change."""
