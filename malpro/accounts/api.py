from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from malpro.accounts import selectors, services, sessions
from malpro.accounts.auth import BearerAuth
from malpro.accounts.schemas import (
    LoginIn,
    MeOut,
    OtpRequestIn,
    OtpSentOut,
    OtpVerifyIn,
    PasswordResetIn,
    SessionOut,
    TokenOut,
)
from malpro.core.exceptions import ApplicationError

router = Router(tags=["auth"])


def _token_out(user, raw: str, token) -> dict:
    return {"token": raw, "expires_at": token.expires_at, "user": selectors.user_me(user=user)}


@router.post("/login", response=TokenOut, auth=None, summary="Log in with phone and password")
def login(request: HttpRequest, payload: LoginIn):
    """Returns a bearer token for `Authorization: Bearer <token>`, valid for a day
    (MALPRO_API_TOKEN_HOURS); renew it with POST /auth/renew before it expires, up to 30 days
    after the login. Wrong passwords cost growing delays per number and address (429 with
    `extra.retry_after`); a client address has a limit of its own."""
    user = services.login_attempt(request=request, phone=payload.phone, password=payload.password)
    raw, token = services.api_token_issue(user=user, request=request)
    return _token_out(user, raw, token)


@router.post("/renew", response=TokenOut, summary="Trade the token used for a fresh one")
def renew(request: HttpRequest):
    """The token used for this call ends; the new one belongs to the same session. Refused
    (401) once the session reached its absolute end, was ended, or the password changed."""
    raw, token = sessions.api_renewed(token=request.api_token)
    return _token_out(request.auth, raw, token)


@router.post("/logout", response={204: None}, summary="End the session of the token used")
def logout(request: HttpRequest):
    services.api_token_revoke(token=request.api_token)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="The logged-in user and their roles")
def me(request: HttpRequest):
    return selectors.user_me(user=request.auth)


class _OptionalBearer(BearerAuth):
    """A bearer token when one is sent; anonymous otherwise (reset codes)."""

    def __call__(self, request):
        result = super().__call__(request)
        return result if result is not None else True


@router.post(
    "/otp/request",
    response=OtpSentOut,
    auth=_OptionalBearer(),
    summary="Send a one-time code by SMS",
)
def otp_request(request: HttpRequest, payload: OtpRequestIn):
    """`purpose=verify`: to the logged-in account's own number (token required).
    `purpose=reset`: to `phone`, for POST /auth/password/reset; the answer is the same whether
    or not an account has the number. A new code may be asked for after `resend_in` seconds
    (429 with `extra.retry_after` before); five an hour per number."""
    user = getattr(request, "api_token", None) and request.api_token.user
    if payload.purpose == "verify":
        if not user:
            raise ApplicationError(_("Perlu masuk untuk memverifikasi nomor HP."), status=401)
        sent = services.user_verify_phone_send(user=user, request=request)
    else:
        if not payload.phone:
            raise ApplicationError.for_field("phone", _("Nomor HP wajib diisi."))
        sent = services.password_reset_send(phone=payload.phone, request=request)
    return sent.__dict__


@router.post("/otp/verify", response=MeOut, summary="Prove the account's number with its code")
def otp_verify(request: HttpRequest, payload: OtpVerifyIn):
    """Five tries per code; a code lives five minutes."""
    user = services.user_verify_phone(user=request.auth, code=payload.code, request=request)
    return selectors.user_me(user=user)


@router.post(
    "/password/reset", response={204: None}, auth=None, summary="Set a new password with a code"
)
def password_reset(request: HttpRequest, payload: PasswordResetIn):
    """With the code from POST /auth/otp/request (purpose=reset). Every session and token of
    the account ends; log in again with the new password."""
    services.password_reset(
        phone=payload.phone,
        code=payload.code,
        password=payload.password,
        ticket=payload.ticket,
        request=request,
    )
    return Status(204, None)


@router.get("/sessions", response=list[SessionOut], summary="Where this account is logged in")
def session_list(request: HttpRequest):
    current = request.api_token.session_id
    return [
        {
            "id": str(row.pk),
            "kind": row.kind,
            "device": row.device,
            "created_at": row.created_at,
            "last_used_at": row.last_used_at,
            "expires_at": row.expires_at,
            "current": row.pk == current,
        }
        for row in sessions.live(user=request.auth)
    ]


@router.delete("/sessions/{session_id}", response={204: None}, summary="End one session")
def session_end(request: HttpRequest, session_id: UUID):
    """Ends a browser or API session of one's own (404 for any other id)."""
    sessions.end_one(user=request.auth, session_id=session_id, request=request)
    return Status(204, None)


@router.delete("/sessions", response={204: None}, summary="Log out everywhere")
def session_end_all(request: HttpRequest):
    """Ends every session and token of the account, this one included."""
    sessions.end_all(user=request.auth, reason="ended_by_user", request=request)
    return Status(204, None)
