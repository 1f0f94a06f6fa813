"""Issue 18: the officials' Indonesian pages (registry, claims, import, ASN report and flags,
payouts, reconciliation, QRIS check, dashboard, admin) carry no English words people were
seen stumbling on."""

import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(checkout|sku|batch|settlement|flags?|integrity|periods?|payouts?|payload|merchant|"
    r"reconciliation|dashboard|upload|download|mapping|pending|back office|pack|pcs|"
    r"cart|order line|journal line|bank account|search term|import job)\b",
    re.IGNORECASE,
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html)
    return unescape(re.sub(r"\s+", " ", text))


def english_in(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted({m.group(0) for m in ENGLISH.finditer(visible_text(response.content.decode()))})


PAGES = {
    "operator": ["/umkm/registri/", "/umkm/klaim/tinjau/", "/dasbor/"],
    "officer": ["/umkm/registri/impor/", "/asn/laporan/", "/dasbor/umkm/", "/dasbor/operasional/"],
    "auditor": ["/asn/integritas/"],
    "city_admin": [
        "/kota/pencairan/",
        "/kota/rekonsiliasi/",
        "/cek-qris/",
        "/admin/",
        "/admin/asn/",
        "/admin/asn/integrityflag/",
    ],
}


@pytest.mark.parametrize(("persona", "url"), [(p, u) for p, urls in PAGES.items() for u in urls])
def test_no_english_on_indonesian_pages(web, request, persona, url):
    assert english_in(web(request.getfixturevalue(persona)), url) == []
