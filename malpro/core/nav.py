"""The main menu. Each app registers its entries in its AppConfig.ready(), so core does not
import the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translation
    url_name: str
    visible: Callable[[object], bool]
    order: int = 100
    key: str = ""


_ITEMS: list[NavItem] = []


def register(
    label, url_name: str, visible: Callable[[object], bool], order: int = 100, key: str = ""
) -> None:
    """Registering twice (ready() may run again in tests) keeps one entry per key, which
    defaults to the URL name; give a key when two entries lead to the same page."""
    key = key or url_name
    if not any(item.key == key for item in _ITEMS):
        _ITEMS.append(NavItem(label, url_name, visible, order, key))
        _ITEMS.sort(key=lambda item: item.order)


def items_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in _ITEMS
        if item.visible(user)
    ]
