import datetime as dt

from ninja import Schema
from pydantic import Field

from malpro.core.validators import SafeLine, SafeText


class BusinessIn(Schema):
    name: SafeLine = Field(..., max_length=150)
    owner_name: SafeLine = Field(..., max_length=120)
    owner_nik: str = Field(..., max_length=24)
    phone: str = Field(..., max_length=32)
    village_code: str = Field(..., max_length=13, examples=["35.73.05.1003"])
    sector: str = Field(..., examples=["makanan_minuman"])
    address: SafeLine = Field("", max_length=255)
    opening_hours: SafeLine = Field("", max_length=120)
    description: SafeText = Field("", max_length=2000)
    nib: str = Field("", max_length=24)
    halal_number: str = Field("", max_length=40)
    halal_issued_on: dt.date | None = None
    halal_expires_on: dt.date | None = None
    pirt_number: str = Field("", max_length=30)
    capital: int | None = Field(None, ge=0)
    annual_sales: int | None = Field(None, ge=0)
    agency_codes: list[str] = Field(default_factory=list, max_length=10)


class AreaOut(Schema):
    code: str
    name: str


class HalalOut(Schema):
    number: str
    expires_on: dt.date | None
    valid: bool


class BusinessOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    status_reason: str
    sector: str
    scale: str
    kecamatan: AreaOut
    kelurahan: AreaOut
    nib: str | None
    halal: HalalOut
    pirt_number: str
    agencies: list[str]
    on_marketplace: bool
    owner_name: str
    owner_nik: str
    phone: str
    has_owner_account: bool
    created_at: dt.datetime


class HistoryOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    reason: str
    at: dt.datetime


class BusinessDetailOut(BusinessOut):
    address: str
    opening_hours: str
    description: str
    capital: int | None
    annual_sales: int | None
    allowed_transitions: list[str]
    history: list[HistoryOut]


class BusinessPage(Schema):
    total: int
    page: int
    page_size: int
    results: list[BusinessOut]


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class ClaimIn(Schema):
    nik: str = Field(..., max_length=24)


class ClaimOut(Schema):
    id: int
    business_id: int
    state: str
