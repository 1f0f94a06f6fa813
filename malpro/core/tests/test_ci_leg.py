import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_ci_asked_for():
    expected = os.environ.get("MALPRO_EXPECT_DB")
    if not expected:
        pytest.skip("MALPRO_EXPECT_DB not set (only CI sets it)")
    assert connection.vendor == expected
    if expected == "postgresql":
        assert connection.pg_version >= 150000
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
