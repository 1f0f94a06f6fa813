"""Rate-limit counters and the client's address (core.throttle, core.netaddr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory

from malpro.core import netaddr, throttle

ROOT = Path(__file__).resolve().parents[3]


def _request(remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No proxy configured: the header is never read.
        ([], "203.0.113.5", "1.2.3.4", "203.0.113.5"),
        # From a trusted proxy: the right-most address that is not a proxy.
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # A header from an untrusted peer is ignored even when a proxy is configured.
        (["10.0.0.0/8"], "203.0.113.5", "1.2.3.4", "203.0.113.5"),
        # Garbage in the header stops the walk at the last proxy.
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, not-an-ip", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["::1"], "::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, trusted, remote, forwarded, expected):
    settings.MALPRO_TRUSTED_PROXIES = trusted
    assert netaddr.client_ip(_request(remote, forwarded)) == expected


def test_the_header_may_be_named_in_request_meta_spelling(settings):
    settings.MALPRO_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MALPRO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", headers={"X-Real-IP": "1.2.3.4"})
    assert netaddr.client_ip(request) == "1.2.3.4"


@pytest.mark.django_db
def test_backoff_grows_and_is_capped(monkeypatch):
    clock = [__import__("time").time()]
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    backoff = throttle.Backoff(name="t", free=2, base=10, cap=35)
    waits = []
    for _ in range(5):
        wait = backoff.attempt("k")
        waits.append(wait)
        clock[0] += wait  # wait it out, then fail again
        assert backoff.attempt("k") == 0 if wait else True
        backoff.failed("k")
    assert waits == [0, 0, 10, 20, 35]
    # A refused attempt is not a failure: waiting is never made longer by asking.
    assert backoff.attempt("k") == 35
    assert backoff.attempt("k") == 35
    backoff.succeeded("k")
    assert backoff.failures("k") == 0 and backoff.attempt("k") == 0


def test_ipv6_clients_are_counted_by_their_64(settings):
    settings.MALPRO_TRUSTED_PROXIES = []
    one = netaddr.rate_key(_request("2001:db8:1:2::1"))
    same = netaddr.rate_key(_request("2001:db8:1:2:ffff::9"))
    other = netaddr.rate_key(_request("2001:db8:1:3::1"))
    assert one == same == "2001:db8:1:2::/64" and other != one
    assert netaddr.rate_key(_request("::ffff:198.51.100.7")) == "198.51.100.7"


@pytest.mark.django_db
def test_window_counter_counts_and_reports_the_rest_of_the_window():
    for expected in (1, 2, 3):
        usage = throttle.hit("w", "key", limit=2, window=60)
        assert usage.count == expected
    assert usage.exceeded and 0 < usage.retry_after <= 60
    assert throttle.hit("w", "other", limit=2, window=60).count == 1


@pytest.mark.django_db(transaction=True)
def test_counters_are_shared_with_another_worker_process():
    """Without Redis, another process (another gunicorn worker) sees the same counters."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}:{settings_dict.get('PASSWORD') or ''}@"
            f"{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "malpro.settings"}
    code = (
        "import django; django.setup();"
        "from malpro.core import throttle;"
        "[throttle.hit('shared', 'k', limit=9, window=3600) for _ in range(3)]"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert throttle.hit("shared", "k", limit=9, window=3600, count=False).count == 3
