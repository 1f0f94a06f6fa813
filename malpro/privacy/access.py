"""Who reads which personal-data records. A person reads everything held about them (their
data export and the access records naming them); auditors read every access record; city
admins decide erasure requests (auditors may read them). Nobody changes or deletes an access
record: there is no path for it."""

from __future__ import annotations

from malpro.core.access import signed_in
from malpro.privacy.models import AccessRecord, ErasureRequest


def can_view_own_data(*, user) -> bool:
    return signed_in(user)


def can_read_all_records(*, user) -> bool:
    return signed_in(user) and user.is_auditor


def can_decide_erasure(*, user) -> bool:
    return signed_in(user) and user.is_city_admin


def can_view_erasure_requests(*, user) -> bool:
    return signed_in(user) and (user.is_city_admin or user.is_auditor)


def records_about(*, user):
    if not signed_in(user):
        return AccessRecord.objects.none()
    return AccessRecord.objects.filter(subject_user=user).select_related("actor")


def records_visible(*, user):
    if not can_read_all_records(user=user):
        return AccessRecord.objects.none()
    return AccessRecord.objects.select_related("actor", "subject_user")


def erasure_requests_visible(*, user):
    if not can_view_erasure_requests(user=user):
        return ErasureRequest.objects.none()
    return ErasureRequest.objects.select_related("user", "decided_by")


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "privacy notice (/privasi/)", "read; everything else sent to log in"),
    (
        "buyer",
        "own data (/data-saya/, GET /api/v1/me/data-export): read, download JSON/PDF, "
        "ask for erasure",
        "own account only; likewise every role",
    ),
    ("buyer", "access records about oneself", "records naming oneself as the subject"),
    ("auditor", "access records (/kota/akses-data/, GET /api/v1/privacy/access-records)", "all"),
    ("auditor", "erasure requests: list only", "all"),
    ("city_admin", "erasure requests (/kota/penghapusan-data/): list, approve, reject", "all"),
    ("city_admin", "access records of others", "none (403): auditors read them"),
    ("system", "access records: change or delete", "never (append-only)"),
]


def _make_request(objects) -> dict:
    from malpro.privacy import services

    return {"erasure": services.erasure_request_create(user=objects["buyer"], note="")}


def _decide_url(objects) -> str:
    return f"/kota/penghapusan-data/{objects['erasure'].pk}/"


def _api_decide_url(objects) -> str:
    return f"/api/v1/privacy/erasure-requests/{objects['erasure'].pk}/reject"


def _cases() -> list[dict]:
    cases = [
        {"role": None, "method": "get", "url": "/privasi/", "expect": 200},
        {"role": None, "method": "get", "url": "/data-saya/", "expect": 302},
        {"role": None, "method": "get", "url": "/kota/akses-data/", "expect": 302},
        {"role": None, "method": "get", "url": "/api/v1/me/data-export", "expect": 401},
        {"role": None, "method": "post", "url": "/api/v1/me/erasure-request", "expect": 401},
        {"role": "buyer", "method": "get", "url": "/data-saya/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/data-saya/unduh.json", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/api/v1/me/data-export", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/api/v1/me/access-records", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/kota/akses-data/", "expect": 403},
        {"role": "buyer", "method": "get", "url": "/kota/penghapusan-data/", "expect": 403},
        {
            "role": "buyer",
            "method": "get",
            "url": "/api/v1/privacy/access-records",
            "expect": 403,
        },
        {"role": "officer", "method": "get", "url": "/kota/akses-data/", "expect": 403},
        {"role": "city_admin", "method": "get", "url": "/kota/akses-data/", "expect": 403},
        {"role": "auditor", "method": "get", "url": "/kota/akses-data/", "expect": 200},
        {
            "role": "auditor",
            "method": "get",
            "url": "/api/v1/privacy/access-records",
            "expect": 200,
        },
        {"role": "auditor", "method": "get", "url": "/kota/penghapusan-data/", "expect": 200},
        {"role": "city_admin", "method": "get", "url": "/kota/penghapusan-data/", "expect": 200},
    ]
    for role, expect in (("other_buyer", 403), ("auditor", 403), ("officer", 403)):
        cases.append(
            {
                "role": role,
                "method": "post",
                "url": _decide_url,
                "expect": expect,
                "make": _make_request,
                "data": {"decision": "reject", "reason": "x"},
            }
        )
    cases.append(
        {
            "role": "city_admin",
            "method": "post",
            "url": _decide_url,
            "expect": 302,
            "make": _make_request,
            "data": {"decision": "reject", "reason": "Masih ada pesanan berjalan."},
        }
    )
    cases.append(
        {
            "role": "auditor",
            "method": "post",
            "url": _api_decide_url,
            "expect": 403,
            "make": _make_request,
            "data": {"reason": "x"},
        }
    )
    return cases


ACCESS_CASES = _cases()
