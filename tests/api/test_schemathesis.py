"""schemathesis against the served OpenAPI document: no server error, no answer that breaks
the schema, for every operation, with a valid token and some real data behind it.

The app is called through schemathesis' WSGI support (the same app object, the test's
rolled-back database). Each operation gets its own Hypothesis run; failures are collected so
that one report names every operation that broke.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories as f

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
EXAMPLES = 30


def test_every_operation_conforms(app, db_session, bearer):
    team = f.unit()
    person = f.user("ambassador", unit=team)
    job = f.post(kind="job")
    job.job_reference = "JOB-1"
    f.share(person, job)
    db_session.flush()
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in loaded.get_all_operations()]
        assert len(operations) >= 12
        failures: list[str] = []
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate(headers=bearer, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  reported below
                failures.append(f"{operation.label}: {exc}"[:3000])
        assert failures == [], "\n\n".join(failures)
    finally:
        app.config.pop("API_RATE_LIMIT", None)
