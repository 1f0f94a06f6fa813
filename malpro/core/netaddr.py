"""The client's address, believed only from proxies the city configured.

A request's own `REMOTE_ADDR` is the peer that connected. Only when that peer is one of
`MALPRO_TRUSTED_PROXIES` (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8") is the
forwarding header (`MALPRO_CLIENT_IP_HEADER`, default X-Forwarded-For) read, from the right:
the first address that is not itself a trusted proxy is the client. Anyone else can write any
header they like; it changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(value: str):
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_ip(request) -> str | None:
    if request is None:
        return None
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.MALPRO_TRUSTED_PROXIES))
    if not _trusted(peer, networks):
        return str(peer) if peer is not None else None
    header = settings.MALPRO_CLIENT_IP_HEADER
    # "X-Forwarded-For" or its request.META spelling "HTTP_X_FORWARDED_FOR".
    meta_key = header if header.startswith("HTTP_") else "HTTP_" + header.upper().replace("-", "_")
    hops = [_parse(part) for part in request.META.get(meta_key, "").split(",") if part.strip()]
    nearest = peer
    for hop in reversed(hops):
        if hop is None:
            # A hop we cannot read: stop believing the header here.
            break
        if not _trusted(hop, networks):
            return str(hop)
        nearest = hop
    return str(nearest)


def rate_key(request) -> str:
    """The client's address as rate limits count it: an IPv4 address, or the /64 network of an
    IPv6 one (a single subscriber usually holds a whole /64, so counting addresses would give
    them billions of fresh budgets)."""
    value = client_ip(request)
    if not value:
        return "unknown"
    address = ipaddress.ip_address(value)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))
