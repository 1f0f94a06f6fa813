"""A person's copy of their data (UU 27/2022, the right of access): everything Malpro holds
about them, their own personal numbers in full. JSON for machines, a PDF for people."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.asn.models import Employee, NipClaim
from malpro.orders.models import Order, SavedAddress
from malpro.privacy.models import AccessRecord, Consent, ErasureRequest
from malpro.umkm.models import Business, Claim


def _iso(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def personal_data(*, user) -> dict:
    roles = [
        {"role": a.role, "label": str(a.get_role_display()), "scope": str(a.scope_label)}
        for a in user.role_assignments
    ]
    orders = [
        {
            "number": o.number,
            "placed_at": _iso(o.placed_at),
            "status": o.status,
            "business_id": o.business_id,
            "seller_name": o.seller_name,
            "total": o.total,
            "delivery": {
                "street": o.street,
                "village_code": o.village_id,
                "contact_name": o.contact_name,
                "contact_phone": o.contact_phone,
                "note": o.note,
            },
            "lines": [
                {
                    "product": line.product_name,
                    "variant": line.variant_name,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "total": line.line_total,
                }
                for line in o.lines.all()
            ],
        }
        for o in Order.objects.filter(buyer=user).prefetch_related("lines").order_by("placed_at")
    ]
    addresses = [
        {
            "label": a.label,
            "recipient": a.recipient,
            "phone": a.phone,
            "street": a.street,
            "village_code": a.village_id,
            "is_default": a.is_default,
            "created_at": _iso(a.created_at),
        }
        for a in SavedAddress.objects.filter(user=user).order_by("pk")
    ]
    businesses = [
        {
            "id": b.pk,
            "name": b.name,
            "status": b.status,
            "owner_name": b.owner_name,
            "owner_nik": b.owner_nik,
            "phone": b.phone,
            "address": b.address,
            "village_code": b.village_id,
            "nib": b.nib,
            "created_at": _iso(b.created_at),
        }
        for b in Business.objects.filter(owner=user).order_by("pk")
    ]
    claims = [
        {
            "kind": "umkm",
            "business_id": c.business_id,
            "state": c.state,
            "nik": c.nik,
            "created_at": _iso(c.created_at),
            "decided_at": _iso(c.decided_at),
            "reason": c.reason,
        }
        for c in Claim.objects.filter(user=user).order_by("pk")
    ] + [
        {
            "kind": "nip",
            "state": c.state,
            "nip": c.nip,
            "created_at": _iso(c.created_at),
            "decided_at": _iso(c.decided_at),
            "reason": c.reason,
        }
        for c in NipClaim.objects.filter(user=user).order_by("pk")
    ]
    employee = Employee.objects.filter(user=user).select_related("agency").first()
    return {
        "generated_at": _iso(timezone.now()),
        "account": {
            "id": user.pk,
            "name": user.name,
            "phone": user.phone,
            "phone_verified_at": _iso(user.phone_verified_at),
            "email": user.email,
            "nik": user.nik,
            "nik_verified_at": _iso(user.nik_verified_at),
            "date_joined": _iso(user.date_joined),
            "is_active": user.is_active,
        },
        "roles": roles,
        "asn": None
        if employee is None
        else {
            "nip": employee.nip,
            "name": employee.name,
            "agency": employee.agency.name,
            "birth_date": _iso(employee.birth_date),
            "phone": employee.phone,
        },
        "orders": orders,
        "saved_addresses": addresses,
        "businesses": businesses,
        "claims": claims,
        "consents": [
            {"notice_version": c.notice_version, "accepted_at": _iso(c.accepted_at)}
            for c in Consent.objects.filter(user=user)
        ],
        "erasure_requests": [
            {
                "id": e.pk,
                "state": e.state,
                "created_at": _iso(e.created_at),
                "decided_at": _iso(e.decided_at),
                "reason": e.reason,
            }
            for e in ErasureRequest.objects.filter(user=user)
        ],
        "access_records": [record_out(r) for r in AccessRecord.objects.filter(subject_user=user)],
    }


def record_out(r: AccessRecord, *, with_subject: bool = False) -> dict:
    out = {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "at": _iso(r.at),
        "actor": None if r.actor_id is None else {"id": r.actor_id, "name": r.actor.name},
        "business_id": r.subject_business_id,
        "where": r.where,
        "client": r.client,
        "reason": r.reason,
    }
    if with_subject:
        out["subject_user_id"] = r.subject_user_id
    return out


def _text(value) -> str:
    # The core PDF fonts are Latin-1; names in other scripts print with "?" rather than fail.
    return str("-" if value in (None, "") else value).encode("latin-1", "replace").decode("latin-1")


def pdf(data: dict) -> bytes:
    from fpdf import FPDF

    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_title(_("Data pribadi saya di Malpro"))
    doc.add_page()
    doc.set_font("helvetica", "B", 14)
    doc.cell(0, 10, _text(_("Data pribadi saya di Malpro")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 8)
    doc.cell(
        0,
        5,
        _text(
            _("Dibuat %(at)s. Dokumen ini memuat NIK Anda: simpan baik-baik.")
            % {"at": data["generated_at"][:16].replace("T", " ")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    def heading(title: str) -> None:
        doc.ln(3)
        doc.set_font("helvetica", "B", 11)
        doc.cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", "", 9)

    def line(label: str, value) -> None:
        doc.multi_cell(0, 5, _text(f"{label}: {_text(value)}"), new_x="LMARGIN", new_y="NEXT")

    account = data["account"]
    heading(_("Akun"))
    for label, key in (
        (_("Nama"), "name"),
        (_("Nomor HP"), "phone"),
        (_("Email"), "email"),
        ("NIK", "nik"),
        (_("Terdaftar sejak"), "date_joined"),
    ):
        line(label, account[key])
    line(_("Peran"), ", ".join(f"{r['label']} ({r['scope']})" for r in data["roles"]))
    if data["asn"]:
        heading(_("Data ASN"))
        line("NIP", data["asn"]["nip"])
        line(_("OPD"), data["asn"]["agency"])
        line(_("Tanggal lahir"), data["asn"]["birth_date"])
    heading(_("Pesanan sebagai pembeli (%(n)s)") % {"n": len(data["orders"])})
    for o in data["orders"]:
        line(
            o["number"] or "-",
            f"{o['placed_at'][:10]} · {o['seller_name']} · Rp{o['total']:,} · {o['status']} · "
            f"{o['delivery']['street']}".replace(",", "."),
        )
    heading(_("Alamat tersimpan (%(n)s)") % {"n": len(data["saved_addresses"])})
    for a in data["saved_addresses"]:
        line(a["label"], f"{a['recipient']} · {a['phone']} · {a['street']}")
    heading(_("Usaha milik saya (%(n)s)") % {"n": len(data["businesses"])})
    for b in data["businesses"]:
        line(b["name"], f"NIK {b['owner_nik']} · {b['phone']} · {b['address']} · {b['status']}")
    heading(_("Klaim"))
    for c in data["claims"]:
        line(c["kind"].upper(), f"{c['state']} · {c['created_at'][:10]}")
    heading(_("Persetujuan pemberitahuan privasi"))
    for c in data["consents"]:
        line(_("Versi %(v)s") % {"v": c["notice_version"]}, c["accepted_at"][:16])
    heading(_("Catatan akses ke data saya (%(n)s)") % {"n": len(data["access_records"])})
    for r in data["access_records"][:500]:
        who = r["actor"]["name"] if r["actor"] else "-"
        line(r["at"][:16].replace("T", " "), f"{r['kind_label']} · {who} · {r['where']}")
    return bytes(doc.output())
