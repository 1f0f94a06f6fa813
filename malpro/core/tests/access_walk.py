"""Walks one ACCESS_CASES row of an app's access module (the shape is described under
malpro.accounts.access.ACCESS_CASES), for the apps' own tests until one test walks them all."""

from __future__ import annotations

PERSONAS = (
    "buyer",
    "other_buyer",
    "seller",
    "other_seller",
    "asn_user",
    "officer",
    "other_officer",
    "operator",
    "city_admin",
    "auditor",
    "leadership",
)


def case_id(case: dict) -> str:
    url = case["url"] if isinstance(case["url"], str) else case["url"].__name__
    return f"{case['role'] or 'anonymous'}-{case['method']}-{url}-{case['expect']}"


def walk(case: dict, request) -> int:
    """Builds the objects, calls the page or endpoint as the persona, returns the status."""
    objects = {name: request.getfixturevalue(name) for name in PERSONAS}
    if case.get("fixture"):
        objects[case["fixture"]] = request.getfixturevalue(case["fixture"])
    if case.get("make"):
        objects.update(case["make"](objects) or {})
    url = case["url"](objects) if callable(case["url"]) else case["url"]
    user = objects[case["role"]] if case["role"] else None
    if url.startswith("/api/"):
        client = request.getfixturevalue("api")(user)
        call = getattr(client, case["method"])
        return call(url, case.get("data")).status_code
    client = request.getfixturevalue("web")(user)
    call = getattr(client, case["method"])
    return call(url, case.get("data") or {}).status_code
