"""Who may see or do what with the platform's own machinery (events and their deliveries).

Roles live in accounts, above core; the user object answers `is_city_admin` and
`is_auditor`, so core asks it without importing accounts."""


def signed_in(user) -> bool:
    """A person logged in with an active account: the first question of every access module.
    (Sessions and API tokens of a deactivated account already authenticate no one; asking
    again keeps a rule true when it is called with a user loaded some other way.)"""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_event_deliveries(*, user) -> bool:
    """City admins run the platform; auditors read everything an official may ask about."""
    return signed_in(user) and (user.is_city_admin or user.is_auditor)


def can_retry_event_deliveries(*, user) -> bool:
    return signed_in(user) and user.is_city_admin


PERMISSIONS = [
    ("anonymous", "stuck event deliveries (/kota/peristiwa/)", "none: sent to log in"),
    ("buyer", "stuck event deliveries", "none (403); likewise seller, officer, operator"),
    ("city_admin", "stuck event deliveries: list, retry one or all", "every consumer"),
    ("auditor", "stuck event deliveries: list only", "every consumer"),
    ("system", "deliver events after commit, retry with back-off, replay_events", "all"),
]

# The shape is described under malpro.accounts.access.ACCESS_CASES.
ACCESS_CASES = [
    {"role": None, "method": "get", "url": "/kota/peristiwa/", "expect": 302},
    {"role": "buyer", "method": "get", "url": "/kota/peristiwa/", "expect": 403},
    {"role": "officer", "method": "get", "url": "/kota/peristiwa/", "expect": 403},
    {"role": "auditor", "method": "get", "url": "/kota/peristiwa/", "expect": 200},
    {"role": "auditor", "method": "post", "url": "/kota/peristiwa/", "expect": 403},
    {"role": "city_admin", "method": "get", "url": "/kota/peristiwa/", "expect": 200},
    {"role": "city_admin", "method": "post", "url": "/kota/peristiwa/", "expect": 302},
]
