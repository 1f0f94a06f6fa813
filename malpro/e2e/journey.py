"""Small steps the browser journeys share."""


def open_menu(page, label: str) -> None:
    """Follows an entry of the main menu, as a person would."""
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name=label, exact=True
    ).click()
