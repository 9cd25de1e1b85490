"""Schemathesis against /openapi.json (issue 11): every documented operation, with generated queries, paths and
bodies, valid and invalid, a bounded number of examples each; no answer may be a 5xx or disagree with the schema
(an undocumented status, a wrong content type, a body that does not match its schema)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dailypapers.community import accounts
from dailypapers.web.app import create_app
from tests.community_support import make_user
from tests.webdata import seed

pytestmark = pytest.mark.slow
EXAMPLES = 8  # per operation and mode: about half a minute per backend on a busy machine
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def test_api_answers_match_the_openapi_schema(settings, db, tmp_path):
    seed(db, tmp_path)
    user = make_user(db, "schema", role="admin")
    token = accounts.create_api_token(db, user["id"], "schemathesis")
    # Unlimited writes, and an arXiv that refuses connections at once (submissions of unknown papers).
    app = create_app(settings.replace(rate_submit="10000/hour", rate_comment="10000/hour", rate_vote="10000/hour",
                                      submissions_per_day=10000, submission_lookup_wait_s=0.2,
                                      arxiv_api_url="http://127.0.0.1:9/api/query", arxiv_max_retries=0,
                                      arxiv_timeout_s=0.5), db=db)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15 and any(op.method == "post" and op.body for op in operations)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                                 suppress_health_check=list(HealthCheck))
            def check(case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE, operation.label  # nothing in it can be made invalid
