"""Organisations, users and roles."""
