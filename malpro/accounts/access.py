"""Who is who, and who may manage people: the role questions every app asks.

The roles are rows of RoleAssignment; the User object caches them and its properties
(`is_city_admin`, `officer_agency_ids()`, ...) stay the data source. Pages, API handlers, menus
and the other apps' access modules ask the functions here, keyword-only, so the rule for "who
sees the whole city" or "which agencies does this officer serve" lives in one place. Every
function answers False / an empty scope for an anonymous or deactivated user.
"""

from __future__ import annotations

from malpro.accounts.roles import Role
from malpro.core.access import signed_in


# --- roles ---------------------------------------------------------------------------------------
def has_role(*, user, role: str) -> bool:
    return signed_in(user) and user.has_role(role)


def is_buyer(*, user) -> bool:
    return has_role(user=user, role=Role.BUYER)


def is_seller(*, user) -> bool:
    return has_role(user=user, role=Role.SELLER)


def is_asn(*, user) -> bool:
    return has_role(user=user, role=Role.ASN)


def is_city_admin(*, user) -> bool:
    return signed_in(user) and user.is_city_admin


def is_auditor(*, user) -> bool:
    return signed_in(user) and user.is_auditor


def sees_whole_city(*, user) -> bool:
    """City admins run the city's marketplace; auditors read everything (and change nothing)."""
    return is_city_admin(user=user) or is_auditor(user=user)


def is_leadership(*, user) -> bool:
    """The mayor and heads of agencies: they read the city's dashboard and nothing else."""
    return signed_in(user) and user.has_role(Role.LEADERSHIP)


def officer_agency_ids(*, user) -> set[int]:
    """The agencies (OPD) an agency officer serves; empty for everyone else."""
    return set(user.officer_agency_ids()) if signed_in(user) else set()


def is_officer(*, user) -> bool:
    return bool(officer_agency_ids(user=user))


def operator_areas(*, user) -> tuple[set[str], set[str]]:
    """(kecamatan codes, kelurahan codes) an area operator covers; empty for everyone else."""
    if not signed_in(user):
        return set(), set()
    districts, villages = user.operator_areas()
    return set(districts), set(villages)


def is_operator(*, user) -> bool:
    districts, villages = operator_areas(user=user)
    return bool(districts or villages)


def is_official(*, user) -> bool:
    """Someone who works for the city on the platform (officer, operator, admin, auditor)."""
    return sees_whole_city(user=user) or is_officer(user=user) or is_operator(user=user)


def has_verified_phone(*, user) -> bool:
    """The person proved their phone with a one-time code: what claims, payouts and selling
    rely on."""
    return signed_in(user) and user.phone_verified_at is not None


def can_recover_accounts(*, user) -> bool:
    """Recovery in person (KTP seen) for someone who lost their phone: area operators, who
    meet people at the kelurahan, and the city admin."""
    return is_operator(user=user) or is_city_admin(user=user)


def can_verify_nik(*, user) -> bool:
    """Confirming a person's NIK against the KTP in front of them (or its photo on a business's
    documents): officers, operators and the city admin."""
    return is_officer(user=user) or is_operator(user=user) or is_city_admin(user=user)


# --- accounts: people, roles, tokens -------------------------------------------------------------
def can_open_back_office(*, user) -> bool:
    """The Django admin is the city admin's back office (and its login refuses everyone else)."""
    return is_city_admin(user=user)


def can_manage_users(*, user) -> bool:
    return is_city_admin(user=user)


def can_manage_roles(*, user) -> bool:
    return is_city_admin(user=user)


def can_manage_tokens(*, user) -> bool:
    """Seeing and revoking other people's API tokens (everyone may revoke their own)."""
    return is_city_admin(user=user)


def can_hold_all_permissions(*, user) -> bool:
    """Django's permission checks (the admin's models): city admins hold every one."""
    return is_city_admin(user=user)


def can_edit_profile(*, user, profile_user) -> bool:
    """A person edits their own name, email and password; nobody else does it on the pages."""
    return signed_in(user) and profile_user is not None and user.pk == profile_user.pk


def can_revoke_token(*, user, token) -> bool:
    return signed_in(user) and (token.user_id == user.pk or can_manage_tokens(user=user))


def can_view_profile(*, user) -> bool:
    return signed_in(user)


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    (
        "anonymous",
        "account: register, log in (pages and API; growing delays per number and address), "
        "'Lupa kata sandi' with a one-time code (/auth/otp/request, /auth/password/reset)",
        "-",
    ),
    ("buyer", "profile: view, edit name and email, change password", "own account"),
    (
        "buyer",
        "phone verification by one-time code (page and API); needed before claims, payouts "
        "and selling",
        "own number",
    ),
    (
        "buyer",
        "sessions: list and end browsers and API clients (/akun/sesi/, /auth/sessions), "
        "renew or revoke the token used",
        "own sessions only",
    ),
    ("buyer", "API: /auth/me, revoke the token used (/auth/logout)", "own account and token"),
    (
        "area_operator",
        "recovery in person (/akun/pemulihan/): move an account to a new number after "
        "checking the KTP against the NIK on record; recorded, the old number told by SMS, "
        "payout account and QRIS held for 3 days",
        "citizens' accounts (buyer, seller, ASN) with a NIK on record",
    ),
    ("asn", "profile and API as a buyer", "own account"),
    ("seller", "profile and API as a buyer", "own account"),
    ("agency_officer", "profile and API as a buyer", "own account"),
    ("area_operator", "profile and API as a buyer", "own account"),
    (
        "city_admin",
        "back office (/admin/): users, roles, agencies, API tokens; recovery in person, also "
        "of officials' accounts and of accounts without a NIK on record",
        "every account of the city but their own",
    ),
    ("auditor", "profile and API as a buyer; no back office", "own account"),
]


def _persona_cases() -> list[dict]:
    cases: list[dict] = [
        {"role": None, "method": "get", "url": "/akun/profil/", "expect": 302},
        {"role": None, "method": "get", "url": "/akun/masuk/", "expect": 200},
        {"role": None, "method": "get", "url": "/akun/daftar/", "expect": 200},
        {"role": None, "method": "get", "url": "/api/v1/auth/me", "expect": 401},
        {"role": None, "method": "get", "url": "/admin/", "expect": 302},
        {"role": "city_admin", "method": "get", "url": "/admin/", "expect": 200},
        {"role": "city_admin", "method": "get", "url": "/admin/accounts/user/", "expect": 200},
        {"role": "city_admin", "method": "get", "url": "/admin/accounts/apitoken/", "expect": 200},
        {"role": None, "method": "get", "url": "/akun/lupa-kata-sandi/", "expect": 200},
        {"role": None, "method": "get", "url": "/akun/sesi/", "expect": 302},
        {"role": None, "method": "get", "url": "/akun/pemulihan/", "expect": 302},
        {"role": None, "method": "get", "url": "/api/v1/auth/sessions", "expect": 401},
        {"role": "operator", "method": "get", "url": "/akun/pemulihan/", "expect": 200},
        {"role": "city_admin", "method": "get", "url": "/akun/pemulihan/", "expect": 200},
    ]
    for role in ("buyer", "seller", "officer", "operator", "auditor", "asn_user"):
        cases += [
            {"role": role, "method": "get", "url": "/akun/profil/", "expect": 200},
            {"role": role, "method": "get", "url": "/akun/sesi/", "expect": 200},
            {"role": role, "method": "get", "url": "/api/v1/auth/sessions", "expect": 200},
            {"role": role, "method": "get", "url": "/api/v1/auth/me", "expect": 200},
            # The back office sends everyone but the city admin to its own login.
            {"role": role, "method": "get", "url": "/admin/", "expect": 302},
            {"role": role, "method": "get", "url": "/admin/accounts/user/", "expect": 302},
        ]
    for role in ("buyer", "seller", "officer", "auditor", "asn_user"):
        cases.append({"role": role, "method": "get", "url": "/akun/pemulihan/", "expect": 403})
    return cases


ACCESS_CASES = _persona_cases()
"""Checkable cases for the permissions test. Each dict:
- "role": a persona fixture name (buyer, other_buyer, seller, other_seller, asn_user, officer,
  other_officer, operator, city_admin, auditor) or None for anonymous;
- "method": "get" or "post" (optional "data" for the body);
- "url": a path, or a callable(objects) -> path, where `objects` holds the personas by name
  plus what the optional "make": callable(objects) -> dict returns (or the value of the
  optional "fixture", a fixture name, under that name);
- "expect": the status code. Paths under /api/ are called with the persona's bearer token,
  other paths with a logged-in session. Pages are only read here (the profile is one's own,
  so "other user" has no page to try); the back office sends non-admins to its login (302)."""
