"""The permissions table: every app's access module (`<app>/access.py`) lists its rules as
`PERMISSIONS` rows (role, action, scope) next to the functions that enforce them, and its
checkable cases as `ACCESS_CASES`. docs/permissions.md is generated from the rows
(`manage.py permissions_doc`) and a test fails when the file and the code disagree; another
test walks every case."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

ROLE_ORDER = [
    "anonymous",
    "buyer",
    "asn",
    "seller",
    "agency_officer",
    "area_operator",
    "city_admin",
    "auditor",
    "system",
]


@dataclass(frozen=True)
class Rule:
    app: str
    role: str
    action: str
    scope: str


def access_modules() -> dict[str, object]:
    """app label -> its access module, for every Malpro app that has one."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("malpro."):
            continue
        name = f"{config.name}.access"
        if find_spec(name) is not None:
            found[config.label] = import_module(name)
    return found


def rules() -> list[Rule]:
    out = []
    for label, module in access_modules().items():
        for role, action, scope in getattr(module, "PERMISSIONS", ()):
            out.append(Rule(label, str(role), str(action), str(scope)))
    return out


def render() -> str:
    lines = [
        "# Permissions: who may see or do what",
        "",
        "Generated from the `PERMISSIONS` rows of each app's `access.py` by",
        "`python manage.py permissions_doc`; `core/tests/test_permissions.py` fails when this",
        "file and the code disagree and walks every case of the apps' `ACCESS_CASES`",
        "(owner, other user, read-only role and anonymous on each protected page and endpoint).",
        "Roles: anonymous, buyer, asn, seller, agency_officer (scoped to an agency),",
        "area_operator (scoped to a kecamatan or kelurahan), city_admin, auditor (reads",
        "everything, decides integrity flags, changes nothing else), system (periodic jobs and",
        "webhooks).",
        "",
        "## Who is asking: addresses, phones and rate limits",
        "",
        "- A person's address (rate limits, audit) is the connection's own, unless that",
        "  connection comes from one of `MALPRO_TRUSTED_PROXIES` (addresses or networks, e.g.",
        "  `127.0.0.1,10.0.0.0/8`); only then is `MALPRO_CLIENT_IP_HEADER` (default",
        "  `X-Forwarded-For`) read, from the right, skipping the trusted proxies. A header sent",
        "  by anyone else changes nothing. See docs/deployment.md.",
        "- Every try is reserved atomically before the password or code is checked. Wrong",
        "  passwords cost growing delays (30 s, 60 s, ... at most 15 min) per (number, address)",
        "  after 5 failures, and per number after 20 from anywhere, which spares addresses the",
        "  number logged in from before; a one-time code ('Lupa kata sandi') ends them at once.",
        "  Every address has a window limit of its own; IPv6 clients count by their /64.",
        "- One-time codes: a pause and an hourly number per (number, address), a larger one per",
        "  number; a code is tried only with the ticket its request got, so nobody else's",
        "  requests replace it and nobody else's wrong guesses spend its tries; wrong codes from",
        "  one address cost growing delays.",
        "- What a phone proves (claims of businesses and NIPs, payout accounts, starting to",
        "  sell) needs a number verified with a one-time code.",
    ]
    by_app: dict[str, list[Rule]] = {}
    for rule in rules():
        by_app.setdefault(rule.app, []).append(rule)
    for app in sorted(by_app):
        lines += ["", f"## {app}", "", "| role | action | scope |", "| --- | --- | --- |"]
        ordered = sorted(
            by_app[app],
            key=lambda r: ROLE_ORDER.index(r.role) if r.role in ROLE_ORDER else len(ROLE_ORDER),
        )
        for rule in ordered:
            cells = [c.replace("|", "\\|") for c in (rule.role, rule.action, rule.scope)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
