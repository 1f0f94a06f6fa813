"""Every page fits a 360 px phone: no sideways scroll, no control under 44 px (issue 18).

The demo city (the people, shops, orders, payments, ASN programme, books and dashboard history
that `make run` shows, with a shorter history) is seeded into the live server's database. Then,
as each demo login and as a visitor, the browser opens the home page, the bottom bar's and
"Lainnya"'s destinations, and every page those link to, one page per kind (URL name), and
checks each one, in Indonesian: no English words of the known kinds, no raw "2026-11"
periods. All problems are collected and reported together.

Left out: Django's admin (the city admin's back office, not built for phones), downloads
(exports, PDFs, photos) and actions that are not pages (log-out, language switch)."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from malpro.e2e.journey import MIN_TARGET_PX, small_targets

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


PAGES_PER_PERSON = 45
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n)/|/(ekspor|unduh|export|download)/|"
    r"\.(csv|xlsx|pdf|png|jpe?g|svg|js|json|txt)$|/keluar/|/sw\.js$"
)


# English a person must not meet on an Indonesian page (issue 18), and machine formats: a raw
# "2026-11" period or "2026-11-29" date, a duration "0,0 menit".
ENGLISH = re.compile(
    r"\b(Checkout|SKU|[Bb]atch|[Ss]ettlement|Integrity|Periods?|Submit|Cancel|Upload|"
    r"Download|Dashboard|Payouts?|Reconciliation|Loading|Search)\b"
)
MACHINE = re.compile(r"\b20\d\d-(0[1-9]|1[0-2])(-[0-3]\d)?\b|\b\d+,\d menit\b")


def _kind(path: str) -> str | None:
    """The URL name a path resolves to (one visit per kind of page), or None to leave it."""
    if SKIP.search(path):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    own = urlsplit(page.url).netloc
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc == own and parts.path:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _check(page, problems: list[str], who: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"{who} {page.url}: {width}px wide")
    small = small_targets(page)
    if small:
        problems.append(f"{who} {page.url}: under {MIN_TARGET_PX}px: {small[:6]}")
    text = page.evaluate("document.body.innerText")
    for pattern, what in ((ENGLISH, "English"), (MACHINE, "machine format")):
        found = sorted({m.group(0) for m in pattern.finditer(text)})
        if found:
            problems.append(f"{who} {page.url}: {what} {found[:6]}")
    errors = getattr(page, "js_errors", [])
    if errors:
        problems.append(f"{who} {page.url}: JavaScript errors {errors[:3]} {page.sources[:3]}")
        errors.clear()
    page.sources.clear()


def _walk(page, who: str, problems: list[str], skip: frozenset = frozenset()) -> set[str]:
    """Opens the person's pages breadth-first from the home page and the menu page, one per
    kind, leaving out the kinds in `skip`; returns the kinds it opened."""
    opened: set[str] = set()
    queue = ["/", "/menu/"]
    page.sources = []  # where the console's errors come from
    page.on(
        "console",
        lambda m: (
            page.sources.append(f"{m.location.get('url')}:{m.location.get('lineNumber')}")
            if m.type == "error"
            else None
        ),
    )
    while queue and len(opened) < PAGES_PER_PERSON:
        path = queue.pop(0)
        kind = _kind(urlsplit(path).path)
        if kind is None or kind in opened or kind in skip:
            continue
        opened.add(kind)
        try:
            response = page.goto(path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):  # a file, not a page
                continue
            raise
        if response is None or response.status >= 400:
            # A link the person was shown must lead somewhere they may go.
            status = response.status if response else "no response"
            problems.append(f"{who} {path}: {status}")
            getattr(page, "js_errors", []).clear()  # the browser's own report of that status
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            # A file shown in the browser (a receipt's photo), not a page; the browser's image
            # viewer's own console messages are not ours.
            page.wait_for_load_state()
            getattr(page, "js_errors", []).clear()
            page.sources.clear()
            continue
        page.wait_for_load_state()
        _check(page, problems, who)
        queue.extend(_links(page))
    return opened


@pytest.fixture
def demo_city(live_server, settings):
    from malpro.accounts.models import User
    from malpro.demo import seeds

    if os.environ.get("MALPRO_EXPECT_DB") == "postgresql":
        pytest.skip("layout does not depend on the database: the SQLite leg walks every page")
    seeds.run(history_orders=20)
    return {key: User.objects.get(phone=f"+62{phone[1:]}").phone for key, phone, *_ in seeds.PEOPLE}


def _log_in(page, phone: str) -> None:
    from malpro.demo.seeds import DEMO_PASSWORD

    page.goto("/akun/masuk/")
    page.get_by_label("Nomor HP").fill(phone)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Akun saya")


def test_every_page_fits_a_phone_for_every_role(demo_city, phone_page, another_phone):
    problems: list[str] = []
    public = _walk(phone_page, "visitor", problems)
    # Signed in, most public pages differ only by the menu, which the home and menu pages
    # show; a product page and the cart also gain the ASN's badges and the person's lines.
    skip = frozenset(public - {"home", "menu", "catalog:product", "orders:cart"})
    visits = {"visitor": len(public)}
    for key, phone in demo_city.items():
        page = another_phone()
        _log_in(page, phone)
        visits[key] = len(_walk(page, key, problems, skip))
    assert all(count >= 3 for count in visits.values()), visits
    assert not problems, "\n".join(problems)
