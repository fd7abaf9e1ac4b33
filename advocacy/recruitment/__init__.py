"""Recruitment: jobs from the ATS's feed, applications and where they came from (M14, M15, M20)."""
