"""Who sees which part of the city's dashboard: the one place pages, the API, menus, exports
and the monthly report ask.

- City admins, auditors and leadership (the mayor, heads of agencies) see the whole city and
  may narrow it to one guiding agency and/or one kecamatan.
- An agency officer sees the businesses their agency guides (binaan), and may narrow that to a
  kecamatan; another agency is refused (403).
- An area operator sees the businesses of their kecamatan or kelurahan, and may narrow that to
  a guiding agency or to one of their kecamatan.
- Everyone else: no dashboard (403; anonymous people are sent to log in). The open-data page
  and `GET /api/v1/public/stats` are public and hold aggregates only (malpro.dashboard.public).

A person holding several official roles sees the scope of the widest: the city, else their
agencies, else their area.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from malpro.accounts import access as accounts_access
from malpro.accounts.models import Agency
from malpro.core.access import signed_in
from malpro.core.exceptions import ApplicationError, PermissionDenied
from malpro.regions.models import District, Village
from malpro.umkm.models import Guidance

CITY, AGENCY, AREA = "city", "agency", "area"


@dataclass(frozen=True)
class Scope:
    """A part of the city's businesses. None means "not restricted" on that axis; the area
    axis is the union of its kecamatan and kelurahan."""

    base: str  # CITY, AGENCY or AREA: what the person may see at most
    agency_ids: frozenset[int] | None = None
    district_codes: frozenset[str] | None = None
    village_codes: frozenset[str] | None = None
    label: str = ""
    agency: Agency | None = None  # the one chosen in the filter
    district: District | None = None

    @property
    def whole_city(self) -> bool:
        return self.agency_ids is None and not self.area_restricted

    @property
    def area_restricted(self) -> bool:
        return self.district_codes is not None or self.village_codes is not None

    def q(self, business: str = "business") -> Q:
        """A filter on rows that point to a business through `business` ("" for Business
        itself)."""
        pk = f"{business}_id" if business else "id"
        path = f"{business}__" if business else ""
        q = Q()
        if self.agency_ids is not None:
            guided = Guidance.objects.filter(agency_id__in=self.agency_ids).values("business_id")
            q &= Q(**{f"{pk}__in": guided})
        if self.area_restricted:
            area = Q(**{f"{path}village__district_id__in": self.district_codes or ()})
            area |= Q(**{f"{path}village_id__in": self.village_codes or ()})
            q &= area
        return q

    def key(self) -> str:
        """What the scope is, for cache keys and file names ("kota" for the whole city)."""
        parts = [
            prefix + "-".join(str(v) for v in sorted(values))
            for prefix, values in (
                ("a", self.agency_ids),
                ("d", self.district_codes),
                ("v", self.village_codes),
            )
            if values
        ]
        return "_".join(parts) or "kota"


def base_scope(*, user) -> Scope | None:
    """The widest part of the dashboard `user` may see; None: no dashboard. Kept on the user
    object while its roles stay loaded (the page, its filters and the menu all ask)."""
    if not signed_in(user):
        return None
    roles = user.role_assignments  # a new list when the roles are reloaded (forget_roles)
    cached = user.__dict__.get("_dashboard_scope")
    if cached is None or cached[0] is not roles:
        cached = (roles, _base_scope(user))
        user.__dict__["_dashboard_scope"] = cached
    return cached[1]


def _base_scope(user) -> Scope | None:
    if accounts_access.sees_whole_city(user=user) or accounts_access.is_leadership(user=user):
        return city_scope()
    agency_ids = accounts_access.officer_agency_ids(user=user)
    if agency_ids:
        names = Agency.objects.filter(pk__in=agency_ids).order_by("short_name")
        return Scope(
            AGENCY,
            agency_ids=frozenset(agency_ids),
            label=_("UMKM binaan %(agencies)s")
            % {"agencies": ", ".join(a.short_name for a in names)},
        )
    districts, villages = accounts_access.operator_areas(user=user)
    if districts or villages:
        names = [d.name for d in District.objects.filter(pk__in=districts)]
        names += [v.name for v in Village.objects.filter(pk__in=villages)]
        return Scope(
            AREA,
            district_codes=frozenset(districts),
            village_codes=frozenset(villages),
            label=_("Wilayah %(areas)s") % {"areas": ", ".join(sorted(names))},
        )
    return None


def shows_asn_programme(scope: Scope) -> bool:
    """The ASN programme is reported per OPD (where the ASN work), not per area: a scope
    narrowed to an area (an operator's, or a kecamatan chosen) has no ASN figures, else an
    operator picking an OPD would read that OPD's figures for the whole city."""
    return not scope.area_restricted


def can_view_dashboard(*, user) -> bool:
    return base_scope(user=user) is not None


def can_filter_agency(*, user) -> bool:
    """Officers are already one agency's (or a few's) view; the others may pick one."""
    scope = base_scope(user=user)
    return scope is not None and (scope.base != AGENCY or len(scope.agency_ids or ()) > 1)


def _agency(value) -> Agency:
    text = str(value).strip()
    agency = None
    if text.isascii() and text.isdigit() and len(text) < 12:
        agency = Agency.objects.filter(pk=int(text)).first()
    if agency is None and text:
        agency = (
            Agency.objects.filter(code__iexact=text).first()
            or Agency.objects.filter(short_name__iexact=text).first()
        )
    if agency is None:
        raise ApplicationError.for_field("agency", _("OPD tidak dikenal."), status=422)
    return agency


def _district(value) -> District:
    text = str(value).strip()
    city = District.objects.filter(regency_id=settings.MALPRO_REGENCY)
    district = city.filter(pk=text).first() or city.filter(name__iexact=text).first()
    if district is None:
        raise ApplicationError.for_field(
            "kecamatan", _("Kecamatan tidak dikenal di kota ini."), status=422
        )
    return district


def city_scope() -> Scope:
    """The whole city, for those who hold it by role and for the city's own reports."""
    return Scope(CITY, label=_("Seluruh kota"))


def scope_for(*, user, agency=None, kecamatan=None) -> Scope:
    """The scope `user` asked for: their own, narrowed to an agency and/or a kecamatan.
    Outside what they may see: PermissionDenied (403); unknown values: a field error (422)."""
    base = base_scope(user=user)
    if base is None:
        raise PermissionDenied(_("Dasbor hanya untuk pejabat dan petugas kota."))
    return narrow(base, agency=agency, kecamatan=kecamatan)


def narrow(base: Scope, *, agency=None, kecamatan=None) -> Scope:
    """`base` narrowed to a guiding agency (id, code or short name) and/or a kecamatan (code
    or name), never widened: outside `base` is PermissionDenied, unknown values a field
    error."""
    agency_ids, districts, villages = base.agency_ids, base.district_codes, base.village_codes
    chosen_agency = chosen_district = None
    labels = [base.label]
    if agency not in (None, ""):
        chosen_agency = _agency(agency)
        if agency_ids is not None and chosen_agency.pk not in agency_ids:
            raise PermissionDenied(_("Anda hanya dapat melihat UMKM binaan OPD Anda."))
        agency_ids = frozenset({chosen_agency.pk})
        labels = [_("UMKM binaan %(agency)s") % {"agency": chosen_agency.short_name}]
        if base.base == AREA:
            labels.insert(0, base.label)
    if kecamatan not in (None, ""):
        chosen_district = _district(kecamatan)
        if base.area_restricted:
            own_villages = frozenset(
                v for v in (villages or ()) if v.startswith(chosen_district.pk + ".")
            )
            if chosen_district.pk in (districts or ()):
                districts, villages = frozenset({chosen_district.pk}), frozenset()
            elif own_villages:
                districts, villages = frozenset(), own_villages
            else:
                raise PermissionDenied(_("Kecamatan ini di luar wilayah Anda."))
        else:
            districts, villages = frozenset({chosen_district.pk}), frozenset()
        labels.append(_("Kecamatan %(name)s") % {"name": chosen_district.name})
    return Scope(
        base.base,
        agency_ids=agency_ids,
        district_codes=districts,
        village_codes=villages,
        label=" · ".join(labels),
        agency=chosen_agency,
        district=chosen_district,
    )


def agencies_for(*, user) -> list[Agency]:
    """The agencies the filter offers: those guiding a business (or the officer's own)."""
    base = base_scope(user=user)
    if base is None:
        return []
    agencies = Agency.objects.filter(pk__in=Guidance.objects.values("agency_id"))
    if base.agency_ids is not None:
        agencies = Agency.objects.filter(pk__in=base.agency_ids)
    return list(agencies.order_by("short_name"))


def districts_for(*, user) -> list[District]:
    base = base_scope(user=user)
    if base is None:
        return []
    city = District.objects.filter(regency_id=settings.MALPRO_REGENCY)
    if base.area_restricted:
        prefixes = {v.rsplit(".", 1)[0] for v in base.village_codes or ()}
        city = city.filter(pk__in={*(base.district_codes or ()), *prefixes})
    return list(city.order_by("name"))


PERMISSIONS = [
    ("anonymous", "dashboard pages, exports and API", "none: sent to log in (pages) or 401"),
    (
        "anonymous",
        "open data: page /data/, its CSV, GET /api/v1/public/stats",
        "city-wide aggregates only; counts under 5 and amounts from under 5 sellers or orders "
        "suppressed; no names, no personal data",
    ),
    ("buyer", "dashboard", "none (403); likewise seller and ASN"),
    (
        "leadership",
        "dashboard: every section, CSV/XLSX exports, GET /api/v1/dashboard/summary",
        "the whole city; may narrow to one guiding agency and/or kecamatan; reads nothing else",
    ),
    ("city_admin", "dashboard, exports, summary API, monthly_report", "the whole city"),
    ("auditor", "dashboard, exports, summary API (read only, as everything)", "the whole city"),
    (
        "officer",
        "dashboard, exports, summary API",
        "the businesses their agency guides; another agency is refused (403)",
    ),
    (
        "operator",
        "dashboard (no ASN section), exports, summary API",
        "the businesses of their kecamatan/kelurahan; another kecamatan is refused (403)",
    ),
]

# The shape is described under malpro.accounts.access.ACCESS_CASES.
_SUMMARY = "/api/v1/dashboard/summary"
ACCESS_CASES = [
    {"role": None, "method": "get", "url": "/dasbor/", "expect": 302},
    {"role": None, "method": "get", "url": "/dasbor/ekspor/kpi.csv", "expect": 302},
    {"role": None, "method": "get", "url": _SUMMARY, "expect": 401},
    {"role": None, "method": "get", "url": "/data/", "expect": 200},
    {"role": None, "method": "get", "url": "/api/v1/public/stats", "expect": 200},
    *[
        {"role": role, "method": "get", "url": url, "expect": 403}
        for role in ("buyer", "seller", "asn_user")
        for url in ("/dasbor/", "/dasbor/ekspor/kpi.csv", _SUMMARY)
    ],
    *[
        {"role": role, "method": "get", "url": url, "expect": 200}
        for role in ("leadership", "city_admin", "auditor", "officer", "operator")
        for url in ("/dasbor/", "/dasbor/pemerataan/", "/dasbor/ekspor/kpi.csv", _SUMMARY)
    ],
    *[
        {"role": role, "method": "get", "url": f"/dasbor/{name}/", "expect": 200}
        for role in ("leadership", "city_admin", "officer")
        for name in ("umkm", "uang", "asn", "operasional", "sosialisasi", "wilayah")
    ],
    {"role": "city_admin", "method": "get", "url": "/dasbor/wilayah/?ukuran=orders", "expect": 200},
    {
        "role": "city_admin",
        "method": "get",
        "url": "/dasbor/ekspor/bagian/uang.xlsx",
        "expect": 200,
    },
    {"role": "operator", "method": "get", "url": "/dasbor/asn/", "expect": 403},
    {"role": "operator", "method": "get", "url": "/dasbor/ekspor/bagian/asn.xlsx", "expect": 403},
    {"role": "officer", "method": "get", "url": "/dasbor/?opd=DISPANGTAN", "expect": 403},
    {
        "role": "officer",
        "method": "get",
        "url": "/dasbor/ekspor/kpi.csv?opd=DISPANGTAN",
        "expect": 403,
    },
    {"role": "officer", "method": "get", "url": f"{_SUMMARY}?agency=DISPANGTAN", "expect": 403},
    {
        "role": "other_officer",
        "method": "get",
        "url": f"{_SUMMARY}?agency=DISPANGTAN",
        "expect": 200,
    },
    {"role": "operator", "method": "get", "url": "/dasbor/?kecamatan=35.73.05", "expect": 403},
    {"role": "operator", "method": "get", "url": f"{_SUMMARY}?kecamatan=35.73.02", "expect": 200},
    {"role": "leadership", "method": "get", "url": "/umkm/registri/", "expect": 403},
]
