from datetime import datetime

from ninja import Schema
from pydantic import Field


class LoginIn(Schema):
    phone: str = Field(..., max_length=32, examples=["081234567890"])
    password: str = Field(..., max_length=256)


class AgencyOut(Schema):
    code: str
    name: str


class AreaOut(Schema):
    code: str
    name: str
    level: str  # "kecamatan" or "kelurahan"


class RoleOut(Schema):
    role: str
    label: str
    agency: AgencyOut | None = None
    area: AreaOut | None = None


class MeOut(Schema):
    id: int
    phone: str
    name: str
    email: str
    roles: list[RoleOut]


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    user: MeOut
