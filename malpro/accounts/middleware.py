from malpro.accounts import sessions


class LoginSessionMiddleware:
    """A browser whose login session was ended elsewhere (another device, a password reset,
    a recovery at the kelurahan) is logged out at its next request; the last use of the others
    is noted for the sessions page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sessions.web_touch(request)
        return self.get_response(request)
