"""Issue 14's "done when": after a full demo run, no NIK, NIP, birth date or bank account number
appears in clear in a dump of the database, in a log line or in a URL."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from malpro.core.logging import RedactPersonalNumbers
from malpro.demo.seeds import DEMO_PASSWORD


def _personal_values() -> set[str]:
    """The demo's personal numbers, read (decrypted) through the models."""
    from malpro.accounts.models import User
    from malpro.asn.models import Employee
    from malpro.payments.models import BankAccount
    from malpro.umkm.models import Business

    values: set[str] = set()
    values |= {n for n in User.objects.values_list("nik", flat=True) if n}
    values |= {n for n in Business.objects.values_list("owner_nik", flat=True) if n}
    for nip, born in Employee.objects.values_list("nip", "birth_date"):
        values.add(nip)
        if born:
            values.add(born.isoformat())
    values |= {n for n in BankAccount.objects.values_list("account_number", flat=True) if n}
    return {v for v in values if len(v) >= 8}


def _dump() -> str:
    """Every value of every table, as text (what a database dump holds)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


@pytest.mark.django_db
def test_after_a_demo_run_no_personal_number_is_in_clear(settings):
    settings.DEBUG = False
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(RedactPersonalNumbers())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    watched = [logging.getLogger(name) for name in ("", "django", "django.request", "malpro")]
    for logger in watched:
        logger.addHandler(handler)
    paths: list[str] = []
    try:
        call_command("seed_demo", stdout=io.StringIO())
        secrets = _personal_values()
        assert len(secrets) > 20, "the demo holds personal numbers to look for"
        # People at work: an officer and the city admin read the registry and a business,
        # an ASN their page, a seller their balance; a stranger fails to log in.
        pages = {
            "081100000003": ["/umkm/registri/", "/asn/laporan/"],
            "081100000001": ["/umkm/registri/", "/kota/pencairan/", "/asn/klaim/"],
            "081100000008": ["/asn/"],
            "081100000006": ["/jual/saldo/", "/umkm/saya/"],
        }
        for phone, urls in pages.items():
            client = Client()
            client.post("/akun/masuk/", {"username": phone, "password": DEMO_PASSWORD})
            for url in urls:
                response = client.get(url, follow=True)
                paths.extend(path for path, _status in response.redirect_chain)
                paths.append(url)
                html = response.content.decode()
                paths.extend(re.findall(r'(?:href|action|src)="([^"]+)"', html))
        Client().post("/akun/masuk/", {"username": "081100000003", "password": "salah"})
    finally:
        for logger in watched:
            logger.removeHandler(handler)
    dump = _dump()
    log = captured.getvalue()
    urls = "\n".join(paths)
    for value in sorted(secrets):
        assert value not in dump, f"a personal number is stored in clear: {value[:4]}…"
        assert value not in log, f"a personal number reached the log: {value[:4]}…"
        assert value not in urls, f"a personal number is in a URL: {value[:4]}…"
