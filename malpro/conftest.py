"""Shared test setup: the reference data (Kota Malang's regions and agencies) and named personas.

Tests run against the real database of the leg (SQLite file in WAL mode, or PostgreSQL when
DATABASE_URL is set) and render real templates.
"""

from __future__ import annotations

import io
import json
import os

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone, translation

from malpro.accounts import services as account_services
from malpro.accounts.roles import Role
from malpro.celery import app as celery_app
from malpro.notifications import sms
from malpro.notifications.channels.base import memory_outbox

PASSWORD = "rahasia-kuat-123"


def _redis_db_per_xdist_worker() -> None:
    """Under pytest-xdist (`pytest -n 2`) each worker process gets a Redis database of its own
    (gw0 -> 1, gw1 -> 2, ...) for the cache, the rate limits and Celery's broker and results:
    every test clears the cache (FLUSHDB) and some run a real Celery worker on the queues, which
    two test processes must not share. A worker subprocess inherits it through REDIS_URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL")
    if not (url and worker.startswith("gw")):
        return
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    url = urlunsplit(urlsplit(url)._replace(path=f"/{int(worker[2:]) + 1}"))
    os.environ["REDIS_URL"] = url
    caches_ = {alias: {**conf, "LOCATION": url} for alias, conf in settings.CACHES.items()}
    override_settings(
        REDIS_URL=url, CACHES=caches_, CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url
    ).enable()
    celery_app.conf.broker_url = url
    celery_app.conf.result_backend = url


_redis_db_per_xdist_worker()


class QuickArgon2(Argon2PasswordHasher):
    """Argon2 as in production, with test-sized costs: hashing dominates a suite that logs
    many personas in."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def load_reference_data() -> None:
    from django.db import connection

    from malpro.catalog.models import Category
    from malpro.catalog.search.query import forget_synonyms
    from malpro.regions.models import Village

    if not Village.objects.filter(code__startswith="35.73.").exists():
        call_command("load_regions", regency="35.73", stdout=io.StringIO())
        call_command("load_agencies", stdout=io.StringIO())
    if not Category.objects.exists():
        if connection.vendor == "sqlite":  # a flush empties tables, not the FTS5 index
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO catalog_fts(catalog_fts) VALUES('delete-all')")
        call_command("load_categories", stdout=io.StringIO())
    forget_synonyms()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _fresh_state(request, settings, tmp_path):
    # Rate-limit counters live in the cache; media files go to a per-test folder.
    cache.clear()
    # Each test starts in the city's language: a request in English (the language cookie)
    # leaves English active in the thread, as Django's LocaleMiddleware does.
    translation.activate(settings.LANGUAGE_CODE)
    sms.outbox.clear()
    memory_outbox.clear()
    settings.MALPRO_SMS_BACKEND = "memory"
    settings.MALPRO_WHATSAPP_BACKEND = "memory"
    # Tests that are about quiet hours turn them on; the others must not depend on the clock.
    settings.MALPRO_QUIET_HOURS = ""
    settings.MALPRO_DASHBOARD_LIVE_SECONDS = 0  # tests see every sale at once
    settings.PASSWORD_HASHERS = ["malpro.conftest.QuickArgon2"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "malpro.core.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    # Without a worker in the test process, tasks run in the caller even when a Redis broker
    # is configured (the one test that needs a real worker turns this off itself).
    celery_app.conf.task_always_eager = True
    if (
        transactional
        or "transactional_db" in request.fixturenames
        or ("live_server" in request.fixturenames)
    ):
        # Transactional tests empty every table afterwards; put the reference data back.
        request.getfixturevalue("transactional_db")
        load_reference_data()
    else:
        _CommitPoints(request.getfixturevalue("monkeypatch"))
    # Rate-limit counters: in Redis, or (the embedded default) in a table of the test database,
    # which every test starts empty.
    if settings.MALPRO_THROTTLE_CACHE:
        caches[settings.MALPRO_THROTTLE_CACHE].clear()
    yield
    cache.clear()


class _CommitPoints:
    """In a test wrapped in a transaction (pytest-django's `db`) nothing ever commits, so
    on_commit callbacks (event deliveries, tasks) would never run. This makes the end of the
    outermost *application* atomic block behave as the commit it is in production: its
    callbacks run there, and a callback registered outside any application block runs at
    once (autocommit). A block that rolls back drops its callbacks, as Django does."""

    def __init__(self, monkeypatch):
        from django.db import connections
        from django.db.backends.base.base import BaseDatabaseWrapper
        from django.db.transaction import Atomic

        original_on_commit = BaseDatabaseWrapper.on_commit
        original_exit = Atomic.__exit__

        def only_test_blocks(connection) -> bool:
            return all(getattr(b, "_from_testcase", False) for b in connection.atomic_blocks)

        def run_pending(connection) -> None:
            while connection.run_on_commit and only_test_blocks(connection):
                _sids, func, robust = connection.run_on_commit.pop(0)
                if robust:
                    try:
                        func()
                    except Exception:  # as Django does for robust callbacks
                        import logging

                        logging.getLogger("django.db.backends.base").exception("on_commit")
                else:
                    func()

        def on_commit(connection, func, robust=False):
            original_on_commit(connection, func, robust)
            if connection.in_atomic_block and only_test_blocks(connection):
                run_pending(connection)

        def atomic_exit(self, exc_type, exc_value, traceback):
            result = original_exit(self, exc_type, exc_value, traceback)
            connection = connections[self.using or "default"]
            if connection.in_atomic_block and only_test_blocks(connection):
                run_pending(connection)
            return result

        monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
        monkeypatch.setattr(Atomic, "__exit__", atomic_exit)


def make_user(phone: str, name: str, roles=(), *, password: str = PASSWORD, verified=True):
    """A registered user; `verified` (the default) as if they had proved their phone with a
    one-time code, which claims, payouts and selling need."""
    user = account_services.user_register(phone=phone, password=password, name=name)
    if verified:
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
    for role, agency, area in roles:
        account_services.role_grant(user=user, role=role, agency_code=agency, area_code=area)
    user.forget_roles()
    return user


@pytest.fixture
def buyer(db):
    return make_user("081234500001", "Citra Pembeli")


@pytest.fixture
def other_buyer(db):
    return make_user("081234500002", "Dodi Pembeli")


@pytest.fixture
def seller(db):
    return make_user("081234500003", "Bu Sari Penjual", [(Role.SELLER, None, None)])


@pytest.fixture
def other_seller(db):
    return make_user("081234500004", "Pak Joko Penjual", [(Role.SELLER, None, None)])


@pytest.fixture
def asn_user(db):
    return make_user("081234500005", "Yuli ASN", [(Role.ASN, None, None)])


@pytest.fixture
def officer(db):
    """An agency officer of Diskopindag."""
    return make_user(
        "081234500006", "Sri Diskopindag", [(Role.AGENCY_OFFICER, "DISKOPINDAG", None)]
    )


@pytest.fixture
def other_officer(db):
    """An agency officer of Dispangtan."""
    return make_user("081234500007", "Agus Dispangtan", [(Role.AGENCY_OFFICER, "DISPANGTAN", None)])


@pytest.fixture
def operator(db):
    """An area operator for Kecamatan Klojen."""
    return make_user("081234500008", "Dewi Klojen", [(Role.AREA_OPERATOR, None, "35.73.02")])


@pytest.fixture
def city_admin(db):
    return make_user("081234500009", "Rina Admin", [(Role.CITY_ADMIN, None, None)])


@pytest.fixture
def auditor(db):
    return make_user("081234500010", "Bambang Auditor", [(Role.AUDITOR, None, None)])


@pytest.fixture
def leadership(db):
    """The mayor: reads the city's dashboard and nothing else."""
    return make_user("081234500011", "Pak Wali Kota", [(Role.LEADERSHIP, None, None)])


class ApiClient:
    """A thin JSON client for /api/v1 that carries a bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, data=None, headers=None):
        return self.client.post(
            path,
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def put(self, path, data=None, headers=None):
        return self.client.put(
            path,
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path, data=None, headers=None):
        return self.client.patch(
            path,
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def delete(self, path, data=None, headers=None):
        return self.client.delete(
            path,
            json.dumps(data) if data is not None else "",
            content_type="application/json",
            headers=self._headers(headers),
        )


@pytest.fixture
def api():
    """api(user) -> an ApiClient logged in as `user` (a real token from the login endpoint);
    api() -> anonymous."""

    def make(user=None, password: str = PASSWORD) -> ApiClient:
        if user is None:
            return ApiClient()
        response = ApiClient().post(
            "/api/v1/auth/login", {"phone": user.phone, "password": password}
        )
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"])

    return make


@pytest.fixture
def web():
    """web(user) -> a Django test Client logged in as `user` through the login page."""

    def make(user=None, password: str = PASSWORD) -> Client:
        client = Client()
        if user is not None:
            response = client.post("/akun/masuk/", {"username": user.phone, "password": password})
            assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return make
