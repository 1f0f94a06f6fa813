"""Small steps the browser journeys share."""

from playwright.sync_api import expect

from malpro.conftest import PASSWORD


def open_menu(page, label: str) -> None:
    """Follows an entry of the main menu, as a person would."""
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name=label, exact=True
    ).click()


def log_in(page, user) -> None:
    """Logs `user` in through the login form."""
    page.goto("/akun/masuk/")
    page.get_by_label("Nomor HP").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Akun saya")


def assert_fits_phone(page) -> None:
    """No horizontal scrolling at the page's (phone) width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"horizontal scroll on a phone at {page.url}: {width}px"
