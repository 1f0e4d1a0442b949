"""Property-based fuzzing of the playground API from its own OpenAPI schema (schemathesis): never a 5xx.

Requests are generated from the published schema, valid and invalid alike; operations on a session get the id
of a live one (except DELETE, which would end it), so the fuzzer reaches the engine, not just the 404 path. Each
answer must have a status, content type and body the schema declares for it.
"""

from __future__ import annotations

import functools

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from glassgrad.web import server

APP = server.create_app(capacity=16)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
CONFIG = dict(dataset="xor", samples=40, hidden=[3], activations=["tanh", "sigmoid"], loss="bce", optimizer="sgd",
              lr=0.1, batch_size=8, seed=1)


@functools.cache
def live_session() -> tuple[str, dict[str, str]]:
    """A session's id and its owner's cookie (without it, every request on the session is a 404)."""
    client = TestClient(APP)
    sid = client.post("/api/sessions", json=CONFIG).json()["session_id"]
    return sid, dict(client.cookies)


@SCHEMA.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case):
    sid, cookies = live_session()
    if case.path_parameters and "sid" in case.path_parameters and case.method != "DELETE":
        case.path_parameters["sid"] = sid
    response = case.call(cookies=cookies)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:300]} -> "
        f"{response.status_code}: {response.text[:500]}")
    if response.status_code >= 400:
        assert response.json()["detail"], "an error without a message"
    # every answer, errors included (the 422's list of issues too), is what the schema declares for it
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
