"""Issue 14, item 8: a property-based fuzzer (schemathesis) walks every operation of the
OpenAPI schema as a buyer, a seller, an officer and a city admin, and fails on any 5xx.

Run with `make fuzz` (its own CI leg); `make test` leaves it out (pytest -m "not fuzz").
Bounded in time: a few derandomised examples per operation, no deadline per example.
"""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from malpro.catalog.tests.factories import product, shop

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = 8
# Operations that end the caller's own sessions would turn the rest of the run into 401s.
SKIP = {
    ("POST", "/api/v1/auth/logout"),
    ("DELETE", "/api/v1/auth/sessions"),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"),
}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@contextmanager
def kept_connection():
    """Like Django's test Client: the WSGI handler must not close the test's database
    connection (and with it the test's transaction) at the end of each request. (The Client
    connects the closer again after each of its own requests, so this wraps every call.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(api, buyer, seller, officer, city_admin):
    business = shop(seller, name="Keripik Sanan")
    product(business, "Keripik Tempe", price=15000, stock=20)
    return {
        name: api(user).token
        for name, user in [
            ("buyer", buyer),
            ("seller", seller),
            ("officer", officer),
            ("city_admin", city_admin),
        ]
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, tokens):
    if (case.method.upper(), case.path) in SKIP:
        pytest.skip("ends the caller's sessions")
    for role, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        with kept_connection():
            response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{role}: {case.method} {case.formatted_path} -> {response.status_code}\n"
            f"{case.as_curl_command(headers=headers)}\n{response.text[:2000]}"
        )
