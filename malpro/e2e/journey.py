"""Small steps the browser journeys share."""

from playwright.sync_api import expect

from malpro.conftest import PASSWORD


def open_menu(page, label: str) -> None:
    """Follows an entry of the menu, as a person would: from the bottom bar when it is there,
    otherwise through "Lainnya"."""
    bar = page.get_by_role("navigation", name="Menu utama")
    link = bar.get_by_role("link", name=label, exact=True)
    if not link.count():
        with page.expect_navigation():
            bar.get_by_role("link", name="Lainnya", exact=True).click()
        link = page.get_by_role("navigation", name="Menu lainnya").get_by_role(
            "link", name=label, exact=True
        )
    # The next step starts on the new page, not on the one being left.
    with page.expect_navigation():
        link.click()


def menu_labels(page) -> list[str]:
    """What the bottom bar offers on the current page."""
    bar = page.get_by_role("navigation", name="Menu utama")
    return [text.strip() for text in bar.get_by_role("link").all_inner_texts()]


def log_out(page) -> None:
    """Logs out from the account page, where the button is."""
    page.goto("/akun/profil/")
    page.get_by_role("button", name="Keluar", exact=True).click()


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


# What counts as a control a thumb must hit, and how big it must be (WCAG 2.5.5 / Android's
# 48 dp guideline, rounded to Apple's 44 pt). Links inside running text are exempt (WCAG's
# "inline" exception), and so are controls that are not shown. A radio or checkbox is measured
# by its label, which is what the thumb presses.
MIN_TARGET_PX = 44

_SMALL_TARGETS_JS = """(min) => {
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button]';
  const inlineText = (el) => {
    if (el.tagName !== 'A') return false;
    const style = getComputedStyle(el);
    if (style.display !== 'inline') return false;
    const block = el.parentElement && el.parentElement.closest(
      'p, li, td, dd, small, figcaption, label, .muted, .hint, .help');
    return !!block && !el.closest('nav, .bar, .actions');
  };
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[hidden], template, .sr-only, .skip')) continue;
    let box = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      box = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    const r = box.getBoundingClientRect();
    const style = getComputedStyle(box);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (inlineText(el)) continue;
    if (r.height < min - 0.5 || r.width < min - 0.5) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name
        || el.tagName).trim().slice(0, 40);
      const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def small_targets(page) -> list[str]:
    """The visible controls on the page smaller than MIN_TARGET_PX in either direction."""
    return page.evaluate(_SMALL_TARGETS_JS, MIN_TARGET_PX)


def assert_thumb_sized(page) -> None:
    """Every control on the page is at least 44×44 px (see MIN_TARGET_PX)."""
    small = small_targets(page)
    assert not small, f"controls under {MIN_TARGET_PX}px at {page.url}: {small}"


def assert_phone_ready(page) -> None:
    """No sideways scroll and no control a thumb cannot hit, at the phone's width."""
    assert_fits_phone(page)
    assert_thumb_sized(page)
