"""The JSON API for HR and applicant-tracking systems: /api/v1, tokens, OpenAPI 3.1."""
