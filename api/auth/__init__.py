"""Accounts in the API: bearer tokens, session cookies, login with lock-out, permissions."""
