"""The main menu. Each app registers its entries in its AppConfig.ready(), so core does not
import the apps above it.

On a phone the menu is a bar at the bottom of the screen with the few destinations the person's
roles use most, and "Lainnya" (the menu page) for the rest. An entry's `bar` is its claim to a
place in the bar: the lowest numbers among a person's visible entries win, up to BAR_SIZE, and
they are shown in menu order. Entries without `bar` are only on the menu page. Staff work
(registry, dashboard) has the lowest numbers, then a seller's shop, then the ASN's obligation,
then shopping, so a person with several roles gets the bar of their main one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

BAR_SIZE = 4


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translation
    url_name: str
    visible: Callable[[object], bool]
    order: int = 100
    key: str = ""
    bar: int | None = None
    icon: str = "dot"  # a symbol of core/static/malpro/icons.svg


_ITEMS: list[NavItem] = []


def register(
    label,
    url_name: str,
    visible: Callable[[object], bool],
    order: int = 100,
    key: str = "",
    *,
    bar: int | None = None,
    icon: str = "dot",
) -> None:
    """Registering twice (ready() may run again in tests) keeps one entry per key, which
    defaults to the URL name; give a key when two entries lead to the same page."""
    key = key or url_name
    if not any(item.key == key for item in _ITEMS):
        _ITEMS.append(NavItem(label, url_name, visible, order, key, bar, icon))
        _ITEMS.sort(key=lambda item: item.order)


def _entry(item: NavItem, path: str) -> dict:
    url = reverse(item.url_name)
    current = path == url if url == "/" else path.startswith(url)
    return {"label": item.label, "url": url, "icon": item.icon, "key": item.key, "current": current}


def items_for(user) -> list[dict]:
    """Every entry the user may follow, in menu order."""
    return [_entry(item, "") for item in _ITEMS if item.visible(user)]


@dataclass(frozen=True)
class Menu:
    bar: list[dict]  # the phone's bottom bar, in menu order
    more: list[dict]  # the rest, on the menu page ("Lainnya")


def menu_for(user, path: str = "") -> Menu:
    """The user's menu split into the bottom bar and the rest; `path` marks the current page."""
    visible = [item for item in _ITEMS if item.visible(user)]
    claims = sorted((item for item in visible if item.bar is not None), key=lambda i: i.bar)
    in_bar = {item.key for item in claims[:BAR_SIZE]}
    bar, more = [], []
    for item in visible:
        entry = _entry(item, path)
        (bar if item.key in in_bar else more).append(entry)
    return Menu(bar=bar, more=more)
