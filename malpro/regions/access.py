"""Who may read the regions: everyone. Kecamatan and kelurahan are public reference data
(addresses, search filters, registration forms); only the load_regions command, run by the
people operating the platform, writes them (and the city admin's back office edits them)."""

from __future__ import annotations


def can_read_regions(*, user) -> bool:
    return True


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "regions: list kecamatan and kelurahan (API)", "every region"),
    ("city_admin", "regions: edit in the back office", "every region"),
]

ACCESS_CASES = [
    {"role": None, "method": "get", "url": "/api/v1/regions/districts", "expect": 200},
    {
        "role": None,
        "method": "get",
        "url": "/api/v1/regions/villages?district=35.73.02",
        "expect": 200,
    },
    {"role": "buyer", "method": "get", "url": "/api/v1/regions/districts", "expect": 200},
    {"role": "city_admin", "method": "get", "url": "/admin/regions/district/", "expect": 200},
    {"role": "auditor", "method": "get", "url": "/admin/regions/district/", "expect": 302},
]
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES."""
