"""Journeys in a real browser: Playwright (Python) driving Debian's chromium against the live
test server. CI installs chromium; on a machine without it these tests are skipped unless
MALPRO_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium_path() -> str | None:
    return os.environ.get("MALPRO_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not path:
        if os.environ.get("MALPRO_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (MALPRO_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("chromium not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _phone(browser, live_server):
    """A new browser context the size of a common cheap Android phone (360×740), Indonesian
    locale, and a page in it whose JavaScript errors collect in page.js_errors."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.js_errors = errors
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    """A page in a phone-sized window, Indonesian locale."""
    context, page = _phone(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def another_phone(browser, live_server):
    """another_phone() -> a fresh page in its own browser context (another person's phone), set
    up like `phone_page`."""
    contexts = []

    def make():
        context, page = _phone(browser, live_server)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    """sign_in(page, user): logs `user` in through the login form, as a person would."""
    from malpro.e2e.journey import log_in

    return log_in


@pytest.fixture
def fits_phone():
    """fits_phone(page): no horizontal scrolling at the phone's width."""
    from malpro.e2e.journey import assert_fits_phone

    return assert_fits_phone


@pytest.fixture
def patient_expect():
    """Assertions that wait up to 10 s instead of Playwright's 5 s: the shared 2-core machine
    can be loaded by other jobs. Restored afterwards."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=None)
