"""Reminders and notifications: planned as rows by a periodic scan, sent in batches, once.

The flow: `planning.plan(now)` inserts due rows (the dedupe key UNIQUE(user, kind, period,
channel) makes a second plan a no-op), and other features add theirs with `notices.notify`;
`dispatch.dispatch(now)` leases due rows to batches and enqueues one task per batch (after
commit); `delivery.send_batch` claims, sends and marks each row. No ETA tasks: a retry is a
later `due_at` that the next scan picks up.
"""
