"""Reminders and notifications: planned as rows by a periodic scan, sent in batches, once."""
