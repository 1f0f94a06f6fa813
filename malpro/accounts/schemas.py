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
    phone_verified: bool
    name: str
    email: str
    roles: list[RoleOut]


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    user: MeOut


class OtpRequestIn(Schema):
    purpose: str = Field(..., pattern="^(verify|reset)$", examples=["verify"])
    phone: str | None = Field(
        None, max_length=32, description="Required for purpose=reset (the account's number)."
    )


class OtpSentOut(Schema):
    sent_to: str
    expires_in: int
    resend_in: int
    ticket: str = Field(
        ..., description="Send it back with the code: the code is tried only with its ticket."
    )


class OtpVerifyIn(Schema):
    code: str = Field(..., max_length=12)


class PasswordResetIn(Schema):
    phone: str = Field(..., max_length=32)
    code: str = Field(..., max_length=12)
    password: str = Field(..., max_length=256)
    ticket: str = Field(
        "",
        max_length=64,
        description="The ticket of POST /auth/otp/request. Without it the newest code of the "
        "number is tried (and someone else's wrong guesses may have spent its tries).",
    )


class SessionOut(Schema):
    id: str
    kind: str
    device: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool
