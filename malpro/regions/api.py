from django.http import HttpRequest
from ninja import Router, Schema

from malpro.regions import selectors

router = Router(tags=["regions"], auth=None)


class AreaOut(Schema):
    code: str
    name: str


@router.get("/districts", response=list[AreaOut], summary="Kecamatan of a regency/city")
def districts(request: HttpRequest, regency: str | None = None):
    """The kecamatan of `regency` (default: the city this installation serves)."""
    return list(selectors.district_list(regency_code=regency).values("code", "name"))


@router.get("/villages", response=list[AreaOut], summary="Kelurahan/desa of a kecamatan")
def villages(request: HttpRequest, district: str):
    return list(selectors.village_list(district_code=district).values("code", "name"))
