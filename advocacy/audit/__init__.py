"""The audit log of admin and curator actions."""
