"""Who may keep or read a business's books: the one place pages, the API, menus and exports
ask.

- The owner keeps the book of each business they own.
- An area operator keeps it on the owner's behalf while an assistance is open (the owner's
  consent recorded) and the business is in their area.
- An officer of an agency the owner shared the book with reads its summaries (income,
  spending, profit, receivables per period): never the entries, customers, debts or stock.
  Sharing is the owner's (or the assisting operator's, recording the owner's consent) and
  ends when revoked or when the agency no longer guides the business.
- Nobody else, city admins and auditors included: a shop's books are its own. Outside these
  a book does not exist for the user (404); an agency that only reads summaries is refused
  the entries with 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts_access
from malpro.books.models import Assistance, Book, Share
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound, PermissionDenied
from malpro.umkm.models import Business, Guidance

OWNER, ASSISTANT, AGENCY = "owner", "assistant", "agency"
PARTY_LABELS = {
    OWNER: gettext_lazy("pemilik usaha"),
    ASSISTANT: gettext_lazy("operator wilayah pendamping"),
    AGENCY: gettext_lazy("OPD pembina yang diberi ringkasan"),
}
KEEPERS = frozenset({OWNER, ASSISTANT})


def _area_q(user) -> Q | None:
    districts, villages = accounts_access.operator_areas(user=user)
    if not districts and not villages:
        return None
    return Q(village__district_id__in=districts) | Q(village_id__in=villages)


def _open_assistance(user):
    return Assistance.objects.filter(
        book__business=OuterRef("pk"), operator=user, ended_at__isnull=True
    )


def businesses_kept(*, user) -> QuerySet[Business]:
    """Businesses whose books `user` keeps: their own, and those they assist in their area."""
    if not signed_in(user):
        return Business.objects.none()
    q = Q(owner=user)
    area = _area_q(user)
    if area is not None:
        q |= area & Q(Exists(_open_assistance(user)))
    return Business.objects.filter(q).select_related("village__district")


def businesses_assistable(*, user) -> QuerySet[Business]:
    """Businesses an area operator may start keeping a book for: in their area."""
    area = _area_q(user) if signed_in(user) else None
    return Business.objects.none() if area is None else Business.objects.filter(area)


def can_assist(*, user) -> bool:
    return signed_in(user) and _area_q(user) is not None


def shares_visible(*, user) -> QuerySet[Share]:
    """Open shares with the user's agencies, of businesses the agency still guides."""
    if not signed_in(user):
        return Share.objects.none()
    agency_ids = accounts_access.officer_agency_ids(user=user)
    if not agency_ids:
        return Share.objects.none()
    # Guided since before the share: guidance ended and given again later does not bring
    # an old consent back.
    guided = Guidance.objects.filter(
        business_id=OuterRef("book__business_id"),
        agency_id=OuterRef("agency_id"),
        since__lte=OuterRef("granted_at"),
    )
    return Share.objects.filter(agency_id__in=agency_ids, revoked_at__isnull=True).filter(
        Exists(guided)
    )


def can_view_shared(*, user) -> bool:
    return signed_in(user) and bool(accounts_access.officer_agency_ids(user=user))


def book_parties(user, business: Business) -> set[str]:
    parties: set[str] = set()
    if not signed_in(user):
        return parties
    if business.owner_id and business.owner_id == user.pk:
        parties.add(OWNER)
    area = _area_q(user)
    if (
        area is not None
        and Assistance.objects.filter(
            book__business=business, operator=user, ended_at__isnull=True
        ).exists()
        and Business.objects.filter(area, pk=business.pk).exists()
    ):
        parties.add(ASSISTANT)
    if shares_visible(user=user).filter(book__business=business).exists():
        parties.add(AGENCY)
    return parties


def _business(business_id) -> Business | None:
    try:
        business_id = int(business_id)
    except (TypeError, ValueError):
        return None
    return Business.objects.select_related("village__district").filter(pk=business_id).first()


def book_get_for_keeper(*, user, business_id) -> tuple[Business, set[str]]:
    """A business whose book `user` keeps (owner or assisting operator). 404 for strangers;
    403 for an agency that only reads the shared summaries."""
    business = _business(business_id)
    parties = book_parties(user, business) if business is not None else set()
    if parties & KEEPERS:
        return business, parties
    if AGENCY in parties:
        raise PermissionDenied(
            _("OPD pembina hanya dapat melihat ringkasan yang dibagikan pemilik, bukan catatannya.")
        )
    raise NotFound(_("Buku usaha tidak ditemukan."))


def book_get_for_summary(*, user, business_id) -> tuple[Business, set[str]]:
    """A business whose summaries `user` may read: its keepers and the agencies it shared
    them with. 404 for everyone else."""
    business = _business(business_id)
    parties = book_parties(user, business) if business is not None else set()
    if parties:
        return business, parties
    raise NotFound(_("Buku usaha tidak ditemukan."))


def can_share(parties: set[str]) -> bool:
    return bool(parties & KEEPERS)


def can_end_assistance(*, user, assistance: Assistance, business: Business) -> bool:
    return signed_in(user) and (
        assistance.operator_id == user.pk
        or business.owner_id == user.pk
        or accounts_access.is_city_admin(user=user)
    )


def book_of(business: Business) -> Book | None:
    return Book.objects.filter(business=business).first()


def now():
    return timezone.now()


# --- the table -----------------------------------------------------------------------------------
PERMISSIONS = [
    (
        "seller",
        "books: keep the cash book, debts (kasbon), stock; reports and exports; share "
        "summaries with a guiding agency; end an operator's assistance",
        "own businesses only",
    ),
    (
        "area_operator",
        "books: start assisting (owner's consent recorded), then keep the book like its owner",
        "businesses in their kecamatan/kelurahan, while the assistance is open",
    ),
    (
        "agency_officer",
        "books: read summaries shared with their agency (income, spending, profit, "
        "receivables); never entries, customers, debts or stock (403)",
        "businesses their agency guides whose owner shared the book with it, until revoked",
    ),
    (
        "city_admin",
        "books: end an operator's assistance; no reading of any book",
        "the whole city",
    ),
    ("auditor", "books: none", "a shop's books are its own"),
    ("buyer", "books: none (a business of their own makes them its owner)", ""),
    (
        "system",
        "books: enter completed marketplace orders, their refunds (a reversal) and confirmed "
        "ASN in-store purchases",
        "every business with a book or a marketplace order",
    ),
]


def _book_of(owner: str, *, share_with: str | None = None):
    """ACCESS_CASES' `make`: a business of the persona `owner` guided by Diskopindag (the
    `officer`'s agency), in Lowokwaru (outside the `operator`'s Klojen), optionally shared
    with the agency of the persona `share_with`."""

    def make(objects):
        from malpro.books import services
        from malpro.umkm.tests.factories import make_business  # test data, only when walked

        business = make_business(owner=objects[owner])
        if share_with:
            agency = accounts_access.officer_agency_ids(user=objects[share_with])
            services.share_grant(
                actor=objects[owner], business_id=business.pk, agency_id=min(agency), agreed=True
            )
        return {"business": business}

    return make


def entries_api(objects) -> str:
    return f"/api/v1/books/{objects['business'].pk}/entries"


def summary_api(objects) -> str:
    return f"/api/v1/books/{objects['business'].pk}/summary"


def stock_api(objects) -> str:
    return f"/api/v1/books/{objects['business'].pk}/stock"


def _page(suffix: str):
    def url(objects) -> str:
        return f"/buku/{objects['business'].pk}/{suffix}"

    url.__name__ = f"book_page_{suffix.strip('/').replace('/', '_').replace('.', '_') or 'home'}"
    return url


def shared_detail_page(objects) -> str:
    return f"/buku/dibagikan/{objects['business'].pk}/"


def assist_start_page(objects) -> str:
    return f"/buku/bantu/{objects['business'].pk}/mulai/"


BOOK_PAGES = [
    _page(p)
    for p in (
        "",
        "catat/",
        "catatan/",
        "kasbon/",
        "stok/",
        "laporan/",
        "laporan/unduh.xlsx",
        "berbagi/",
        "pendamping/",
    )
]

_STRANGERS = [
    (None, 401),
    ("other_seller", 404),
    ("buyer", 404),
    ("operator", 404),
    ("auditor", 404),
    ("city_admin", 404),
    ("leadership", 404),
]

ACCESS_CASES = [
    *[
        {"role": role, "method": "get", "url": url, "make": _book_of("seller"), "expect": expect}
        for url in (entries_api, summary_api, stock_api)
        for role, expect in [("seller", 200), ("officer", 404), *_STRANGERS]
    ],
    # Shared with Diskopindag: its officer reads the summary, not the entries or the stock;
    # another agency still sees nothing.
    *[
        {
            "role": role,
            "method": "get",
            "url": url,
            "make": _book_of("seller", share_with="officer"),
            "expect": expect,
        }
        for url, role, expect in [
            (summary_api, "officer", 200),
            (entries_api, "officer", 403),
            (stock_api, "officer", 403),
            (summary_api, "other_officer", 404),
            (summary_api, "city_admin", 404),
        ]
    ],
    {
        "role": "seller",
        "method": "post",
        "url": entries_api,
        "make": _book_of("other_seller"),
        "data": {
            "direction": "in",
            "category": "sales",
            "amount": 1000,
            "occurred_on": "2026-01-02",
        },
        "expect": 404,
    },
    # The pages of one book: its keeper only; strangers 404, anonymous to the login page.
    *[
        {"role": role, "method": "get", "url": url, "make": _book_of("seller"), "expect": expect}
        for url in BOOK_PAGES
        for role, expect in [
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 404),
            ("operator", 404),
            ("auditor", 404),
            ("city_admin", 404),
            (None, 302),
        ]
    ],
    *[
        {
            "role": role,
            "method": "get",
            "url": url,
            "make": _book_of("seller", share_with="officer"),
            "expect": expect,
        }
        for url, role, expect in [
            *[(page, "officer", 403) for page in BOOK_PAGES],
            (shared_detail_page, "officer", 200),
            (shared_detail_page, "other_officer", 404),
            (shared_detail_page, "city_admin", 404),
            (shared_detail_page, "seller", 302),  # its keeper: to the full report
        ]
    ],
    {"role": "officer", "method": "get", "url": "/buku/dibagikan/", "expect": 200},
    {"role": "seller", "method": "get", "url": "/buku/dibagikan/", "expect": 403},
    {"role": "buyer", "method": "get", "url": "/buku/dibagikan/", "expect": 403},
    {"role": None, "method": "get", "url": "/buku/dibagikan/", "expect": 302},
    {"role": "operator", "method": "get", "url": "/buku/bantu/", "expect": 200},
    {"role": "seller", "method": "get", "url": "/buku/bantu/", "expect": 403},
    {  # a business in Lowokwaru: outside the Klojen operator's area
        "role": "operator",
        "method": "get",
        "url": assist_start_page,
        "make": _book_of("seller"),
        "expect": 404,
    },
    {"role": "seller", "method": "get", "url": "/buku/sw.js", "expect": 200},
    {"role": None, "method": "get", "url": "/buku/", "expect": 302},
    {"role": "officer", "method": "get", "url": "/api/v1/books/shared", "expect": 200},
    {"role": "seller", "method": "get", "url": "/api/v1/books/shared", "expect": 403},
    {"role": None, "method": "get", "url": "/api/v1/books/shared", "expect": 401},
]
