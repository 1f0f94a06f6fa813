from ninja.security import HttpBearer

from malpro.accounts import services


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/login. Sets request.user."""

    def authenticate(self, request, token: str):
        api_token = services.api_token_authenticate(raw=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user
