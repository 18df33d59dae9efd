"""Presence sessions (närvaro) at resecentrum and other zones."""
