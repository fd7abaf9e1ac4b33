"""Recruitment: jobs from the ATS's feed, applications and where they came from."""
