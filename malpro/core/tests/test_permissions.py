"""One parametrised walk of every app's ACCESS_CASES (owner, other user, read-only role and
anonymous on each protected page and endpoint), and docs/permissions.md checked against the
PERMISSIONS rows of the access modules."""

import io

import pytest
from django.core.management import call_command

from malpro.core import permissions
from malpro.core.tests.access_walk import case_id, walk

CASES = [
    pytest.param(case, id=f"{label}:{case_id(case)}")
    for label, module in permissions.access_modules().items()
    for case in getattr(module, "ACCESS_CASES", ())
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_access_case(case, request):
    assert walk(case, request) == case["expect"]


def test_every_app_with_pages_has_an_access_module_with_rules_and_cases():
    modules = permissions.access_modules()
    for label in ("accounts", "umkm", "catalog", "orders", "payments", "asn", "notifications"):
        assert getattr(modules[label], "PERMISSIONS", None), label
        assert getattr(modules[label], "ACCESS_CASES", None), label


def test_the_permissions_document_matches_the_code():
    out = io.StringIO()
    call_command("permissions_doc", check=True, stdout=out)
    assert "up to date" in out.getvalue()
