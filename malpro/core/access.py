"""Who may see or do what with the platform's own machinery (events and their deliveries).

Roles live in accounts, above core; the user object answers `is_city_admin` and
`is_auditor`, so core asks it without importing accounts."""


def _user(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_view_event_deliveries(*, user) -> bool:
    """City admins run the platform; auditors read everything an official may ask about."""
    return _user(user) and (user.is_city_admin or user.is_auditor)


def can_retry_event_deliveries(*, user) -> bool:
    return _user(user) and user.is_city_admin
