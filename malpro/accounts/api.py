from django.http import HttpRequest
from ninja import Router, Status

from malpro.accounts import selectors, services
from malpro.accounts.schemas import LoginIn, MeOut, TokenOut

router = Router(tags=["auth"])


@router.post("/login", response=TokenOut, auth=None, summary="Log in with phone and password")
def login(request: HttpRequest, payload: LoginIn):
    """Returns a bearer token for `Authorization: Bearer <token>`. Rate limited per client
    address and per phone number (429)."""
    user = services.login_attempt(request=request, phone=payload.phone, password=payload.password)
    agent = request.headers.get("User-Agent", "")[:100]
    raw, token = services.api_token_issue(user=user, name=f"API login {agent}".strip())
    return {"token": raw, "expires_at": token.expires_at, "user": selectors.user_me(user=user)}


@router.post("/logout", response={204: None}, summary="Revoke the token used for this call")
def logout(request: HttpRequest):
    services.api_token_revoke(token=request.api_token)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="The logged-in user and their roles")
def me(request: HttpRequest):
    return selectors.user_me(user=request.auth)
