"""What can be sent: the categories people choose channels for, and the message templates.

A template (`Kind`) has a title and a body in Indonesian (translated to English through the
usual catalogue) with named placeholders, and a link to the page where the person acts. Its
WhatsApp template is `malpro_<key>`, whose body takes the placeholders as {{1}}, {{2}}, ...
in the order they appear in the Indonesian body (`manage.py whatsapp_templates` prints them
for registration with Meta). Each app declares its own templates and registers them from its
AppConfig.ready(), as it subscribes its consumers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

WHATSAPP, SMS, EMAIL = "whatsapp", "sms", "email"
OUTSIDE_CHANNELS = (WHATSAPP, SMS, EMAIL)


@dataclass(frozen=True)
class Category:
    key: str
    label: object
    help: object
    defaults: frozenset[str]  # outside channels on unless the person turns them off
    # Roles whose people get messages of this category (empty: everyone); the preferences
    # show a person only the categories that concern them.
    roles: frozenset[str] = frozenset()
    # Always sent through its default channels, whatever the person chose: a warning that
    # someone changed where the money goes must reach the owner even if that someone, holding
    # the owner's session, turned the warnings off first.
    locked: bool = False


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "orders",
            _("Pesanan"),
            _("Pesanan baru, diterima, siap, dikirim, dibatalkan."),
            frozenset({WHATSAPP}),
        ),
        Category(
            "payments",
            _("Pembayaran dan pencairan"),
            _("Tagihan yang harus dibayar, dana masuk, pengembalian dana, pencairan."),
            frozenset({WHATSAPP}),
        ),
        Category(
            "shop",
            _("Usaha dan produk"),
            _("Verifikasi usaha, produk disembunyikan, stok menipis, ulasan baru."),
            frozenset({WHATSAPP}),
            frozenset({"seller"}),
        ),
        Category(
            "asn",
            _("Program belanja ASN"),
            _("Klaim NIP, sisa kewajiban belanja, pembelian langsung."),
            frozenset({WHATSAPP}),
            frozenset({"asn"}),
        ),
        Category(
            "work",
            _("Pekerjaan petugas"),
            _("Pengajuan baru untuk diperiksa dan ringkasan harian pekerjaan yang menunggu."),
            frozenset({EMAIL}),
            frozenset({"agency_officer", "area_operator", "city_admin"}),
        ),
        Category(
            "security",
            _("Keamanan akun"),
            _("Perubahan rekening pencairan, QRIS, pemulihan akun."),
            frozenset({WHATSAPP, SMS}),
            locked=True,
        ),
    )
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class _Values(dict):
    def __missing__(self, key):
        return ""


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    link: str  # a path on the site ("/pesanan/12/"), or ""
    params: tuple[str, ...]  # the body's values in WhatsApp order


@dataclass(frozen=True)
class Kind:
    key: str  # "order.new_for_seller"
    category: str
    title: object  # lazy text with %(name)s placeholders
    body: object
    link: str = ""  # a path with %(name)s placeholders
    # Quiet hours apply to every message but one-time codes.
    quiet: bool = True
    placeholders: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.key}: unknown category {self.category!r}")
        with translation.override("id"):
            names = _PLACEHOLDER.findall(str(self.body))
        object.__setattr__(self, "placeholders", tuple(dict.fromkeys(names)))

    @property
    def whatsapp_name(self) -> str:
        return "malpro_" + re.sub(r"[^a-z0-9]+", "_", self.key.lower())

    def render(self, context: dict, language: str = "id") -> Rendered:
        # A value missing from an older row's context reads as empty rather than failing.
        values = _Values({k: "" if v is None else v for k, v in context.items()})
        with translation.override(language or "id"):
            title = str(self.title) % values
            body = str(self.body) % values
        link = self.link % values if self.link else ""
        params = tuple(str(values.get(name, "")) for name in self.placeholders)
        return Rendered(title=title[:150], body=body[:2000], link=link[:300], params=params)


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        _KINDS[kind.key] = kind


def get(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no message template {key!r}") from None


def get_or_none(key: str) -> Kind | None:
    return _KINDS.get(key)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.key)
