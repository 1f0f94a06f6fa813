from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from malpro.core.exceptions import NotFound
from malpro.regions.models import District, Regency, Village


def regency_get(*, code: str | None = None) -> Regency:
    code = code or settings.MALPRO_REGENCY
    try:
        return Regency.objects.select_related("province").get(code=code)
    except Regency.DoesNotExist:
        raise NotFound(
            _("Kabupaten/kota dengan kode %(code)s tidak ditemukan.") % {"code": code}
        ) from None


def district_list(*, regency_code: str | None = None) -> QuerySet[District]:
    regency = regency_get(code=regency_code)
    return District.objects.filter(regency=regency).order_by("code")


def district_get(*, code: str) -> District:
    try:
        return District.objects.select_related("regency").get(code=code)
    except District.DoesNotExist:
        raise NotFound(
            _("Kecamatan dengan kode %(code)s tidak ditemukan.") % {"code": code}
        ) from None


def village_list(*, district_code: str) -> QuerySet[Village]:
    district = district_get(code=district_code)
    return Village.objects.filter(district=district).order_by("code")


def city_villages(*, regency_code: str | None = None) -> QuerySet[Village]:
    """Every kelurahan of the city this installation serves, with its kecamatan."""
    code = regency_code or settings.MALPRO_REGENCY
    return (
        Village.objects.filter(district__regency_id=code)
        .select_related("district")
        .order_by("district__name", "name")
    )


def area_get(*, code: str) -> District | Village:
    """A kecamatan (35.73.01) or kelurahan (35.73.01.1001) by code, for scoping roles."""
    if code.count(".") == 2:
        return district_get(code=code)
    try:
        return Village.objects.select_related("district").get(code=code)
    except Village.DoesNotExist:
        raise NotFound(
            _("Kelurahan dengan kode %(code)s tidak ditemukan.") % {"code": code}
        ) from None
