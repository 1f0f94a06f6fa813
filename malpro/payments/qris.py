"""QRIS payloads (EMVCo Merchant-Presented Mode, as profiled by Bank Indonesia's QRIS).

A payload is a string of TLV fields: two-digit tag, two-digit length, value. It ends with tag 63,
the CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of everything before the CRC value,
including "6304".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from malpro.core import money, qrimage

MANDATORY = {
    "00": "payload format indicator",
    "01": "point of initiation",
    "52": "merchant category code",
    "53": "transaction currency",
    "58": "country code",
    "59": "merchant name",
    "60": "merchant city",
    "63": "CRC",
}
LIMITS = {"59": 25, "60": 15}


class QRISError(ValueError):
    def __init__(self, message: str, *, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


def crc16_ccitt_false(data: str) -> str:
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise QRISError(_("Nilai tag %(tag)s terlalu panjang.") % {"tag": tag})
    return f"{tag}{len(value):02d}{value}"


def _ascii(text: str, limit: int) -> str:
    cleaned = "".join(c for c in text if 32 <= ord(c) < 127).strip()
    return cleaned[:limit]


# The simulator's National Network Switch prefix (9360 + a four-digit institution code) and the
# postal code used when a shop has none on record (Kota Malang's central post office).
SIMULATOR_NNS = "93600999"
DEFAULT_POSTAL_CODE = "65111"


def luhn_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit to append to `digits`."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def merchant_pan(*, nns: str, merchant_number: str) -> str:
    """A Merchant PAN as QRIS writes it in a merchant account template (tag 26-45, sub-tag 01):
    the 8-digit NNS, the merchant's number at the institution, and a Luhn check digit; 16 to 19
    digits in all."""
    digits = nns + merchant_number.zfill(16 - len(nns) - 1)
    if not digits.isdigit() or len(nns) != 8 or not 15 <= len(digits) <= 18:
        raise QRISError(_("Merchant PAN harus 16–19 angka."))
    return digits + luhn_check_digit(digits)


def pan_from_nmid(nmid: str, *, nns: str = SIMULATOR_NNS) -> str:
    """A stable Merchant PAN for a merchant known only by its NMID (ID + 13 digits)."""
    digits = "".join(c for c in nmid if c.isdigit())[-10:]
    return merchant_pan(nns=nns, merchant_number=digits or "0")


def build_dynamic(
    *,
    merchant_name: str,
    merchant_city: str,
    nmid: str,
    amount: int,
    reference: str,
    acquirer: str = "ID.CO.MALPRO.WWW",
    mcc: str = "5499",
    postal_code: str = DEFAULT_POSTAL_CODE,
    pan: str = "",
    criteria: str = "UMI",
) -> str:
    """A dynamic (one payment) QRIS with the amount and a reference to the checkout.

    Tag 26 carries the acquirer's GUID, the numeric Merchant PAN (with its Luhn check digit),
    the merchant ID and the criteria; tag 51 the national QRIS GUID and the NMID; tag 61 the
    postal code, which QRIS requires for Indonesia."""
    if amount <= 0:
        raise QRISError(_("Jumlah pembayaran harus lebih dari nol."))
    return _build(
        merchant_name=merchant_name,
        merchant_city=merchant_city,
        nmid=nmid,
        amount=amount,
        reference=reference,
        acquirer=acquirer,
        mcc=mcc,
        postal_code=postal_code,
        pan=pan,
        criteria=criteria,
    )


def build_static(
    *,
    merchant_name: str,
    merchant_city: str,
    nmid: str,
    acquirer: str = "ID.CO.MALPRO.WWW",
    mcc: str = "5499",
    postal_code: str = DEFAULT_POSTAL_CODE,
    pan: str = "",
    criteria: str = "UMI",
) -> str:
    """A static QRIS as printed on a shop's sticker: no amount (the payer types it), no
    reference, point of initiation 11; the same account fields as a dynamic one."""
    return _build(
        merchant_name=merchant_name,
        merchant_city=merchant_city,
        nmid=nmid,
        amount=None,
        reference="",
        acquirer=acquirer,
        mcc=mcc,
        postal_code=postal_code,
        pan=pan,
        criteria=criteria,
    )


def _build(
    *,
    merchant_name: str,
    merchant_city: str,
    nmid: str,
    amount: int | None,
    reference: str,
    acquirer: str,
    mcc: str,
    postal_code: str,
    pan: str,
    criteria: str,
) -> str:
    pan = pan or pan_from_nmid(nmid)
    if not (pan.isdigit() and 16 <= len(pan) <= 19 and luhn_check_digit(pan[:-1]) == pan[-1]):
        raise QRISError(_("Merchant PAN harus 16–19 angka dengan digit pemeriksa yang benar."))
    postal = "".join(c for c in postal_code if c.isalnum())[:10] or DEFAULT_POSTAL_CODE
    merchant_account = tlv("00", acquirer) + tlv("01", pan) + tlv("02", nmid) + tlv("03", criteria)
    qris_account = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", nmid) + tlv("03", criteria)
    parts = [
        tlv("00", "01"),
        tlv("01", "11" if amount is None else "12"),
        tlv("26", merchant_account),
        tlv("51", qris_account),
        tlv("52", mcc),
        tlv("53", "360"),
        *([] if amount is None else [tlv("54", str(int(amount)))]),
        tlv("58", "ID"),
        tlv("59", _ascii(merchant_name, 25) or "MALPRO"),
        tlv("60", _ascii(merchant_city, 15) or "MALANG"),
        tlv("61", postal),
    ]
    if amount is not None:  # a static sticker has no reference: every payment is new
        parts.append(tlv("62", tlv("01", reference[:25]) + tlv("05", reference[:25])))
    body = "".join(parts) + "6304"
    return body + crc16_ccitt_false(body)


def _parse_tlv(data: str, offset: int = 0) -> list[tuple[str, str, int]]:
    fields, index = [], 0
    while index < len(data):
        if len(data) - index < 4:
            raise QRISError(
                _("Data terpotong di posisi %(pos)d.") % {"pos": offset + index},
                position=offset + index,
            )
        tag, length_text = data[index : index + 2], data[index + 2 : index + 4]
        if not tag.isdigit():
            raise QRISError(
                _("Tag tidak valid %(tag)r di posisi %(pos)d.")
                % {"tag": tag, "pos": offset + index},
                position=offset + index,
            )
        if not length_text.isdigit():
            raise QRISError(
                _("Panjang tag %(tag)s tidak valid (%(len)r).") % {"tag": tag, "len": length_text},
                position=offset + index + 2,
            )
        length = int(length_text)
        value = data[index + 4 : index + 4 + length]
        if len(value) != length:
            raise QRISError(
                _("Panjang tag %(tag)s (%(len)d) melebihi sisa data.")
                % {"tag": tag, "len": length},
                position=offset + index + 2,
            )
        fields.append((tag, value, offset + index))
        index += 4 + length
    return fields


def _amount(value: str, *, position: int) -> int:
    """Tag 54 per EMVCo: at most 13 characters, digits with an optional '.' as the decimal mark.
    Rupiah has no sen in practice and Malpro keeps whole rupiah, so decimals must be zero."""
    amount, code = None, "format"
    if len(value) <= 13:
        try:
            amount = money.parse_decimal_rupiah(value)
        except money.AmountError as exc:
            code = exc.code
    if amount is None:
        if code == "fraction":
            message = _("Jumlah (tag 54) memuat sen (%(v)s); hanya rupiah bulat yang diterima.")
        else:
            message = _(
                "Jumlah (tag 54) harus angka rupiah, paling banyak 13 karakter, dengan titik "
                "desimal opsional dan paling banyak dua angka desimal (mis. 15000 atau "
                "15000.00): %(v)s."
            )
        raise QRISError(message % {"v": value}, position=position) from None
    if amount <= 0:
        raise QRISError(_("Jumlah (tag 54) harus lebih dari nol."), position=position)
    return amount


@dataclass
class ParsedQRIS:
    point_of_initiation: str  # "static" or "dynamic"
    merchant_name: str
    merchant_city: str
    nmid: str | None
    amount: int | None
    crc_valid: bool
    reference: str | None = None
    currency: str = ""
    country: str = ""
    warnings: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


def parse(payload: str, *, require_valid_crc: bool = True) -> ParsedQRIS:
    """Parses and checks a QRIS payload. Raises QRISError with the reason for a broken one.
    Length limits real payloads break (a 44-character merchant name exists) only warn."""
    payload = (payload or "").strip()
    if not payload:
        raise QRISError(_("Payload QRIS kosong."))
    fields = _parse_tlv(payload)
    tags: dict[str, str] = {}
    for tag, value, position in fields:
        if tag in tags and not ("26" <= tag <= "51"):
            raise QRISError(_("Tag %(tag)s muncul dua kali.") % {"tag": tag}, position=position)
        tags[tag] = value
    missing = [f"{tag} ({name})" for tag, name in MANDATORY.items() if tag not in tags]
    if missing:
        raise QRISError(_("Tag wajib tidak ada: %(tags)s.") % {"tags": ", ".join(missing)})
    if not any("26" <= tag <= "51" for tag in tags):
        raise QRISError(_("Informasi akun merchant (tag 26–51) tidak ada."))
    last_tag, last_value, last_position = fields[-1]
    if last_tag != "63" or len(last_value) != 4:
        raise QRISError(
            _("Tag 63 (CRC, 4 karakter) harus menjadi tag terakhir."), position=last_position
        )
    if tags["00"] != "01":
        raise QRISError(_("Payload format indicator (tag 00) harus 01."))
    if tags["01"] not in ("11", "12"):
        raise QRISError(_("Point of initiation (tag 01) harus 11 (statis) atau 12 (dinamis)."))
    expected = crc16_ccitt_false(payload[: last_position + 4])
    crc_valid = expected == last_value.upper()
    if require_valid_crc and not crc_valid:
        raise QRISError(
            _("CRC tidak cocok: tertulis %(got)s, seharusnya %(want)s.")
            % {"got": last_value, "want": expected},
            position=last_position,
        )
    warnings = []
    for tag, limit in LIMITS.items():
        if len(tags[tag]) > limit:
            warnings.append(
                _("Tag %(tag)s lebih dari %(n)d karakter (%(len)d); diterima.")
                % {"tag": tag, "n": limit, "len": len(tags[tag])}
            )
    amount = None
    if "54" in tags:
        amount = _amount(tags["54"], position=next(p for t, _v, p in fields if t == "54"))
    if tags["01"] == "12" and amount is None:
        warnings.append(_("QRIS dinamis tanpa jumlah (tag 54)."))
    nmid = None
    reference = None
    for tag in sorted(t for t in tags if "26" <= t <= "51"):
        try:
            sub = {t: v for t, v, _ in _parse_tlv(tags[tag])}
        except QRISError:
            warnings.append(_("Isi tag %(tag)s tidak berformat TLV.") % {"tag": tag})
            continue
        if sub.get("00", "").upper() == "ID.CO.QRIS.WWW" and sub.get("02"):
            nmid = sub["02"]
    if nmid is None:
        for tag in sorted(t for t in tags if "26" <= t <= "51"):
            try:
                sub = {t: v for t, v, _ in _parse_tlv(tags[tag])}
            except QRISError:
                continue
            if sub.get("02", "").startswith("ID"):
                nmid = sub["02"]
                break
    if "62" in tags:
        try:
            sub = {t: v for t, v, _ in _parse_tlv(tags["62"])}
            reference = sub.get("05") or sub.get("01")
        except QRISError:
            warnings.append(_("Isi tag 62 tidak berformat TLV."))
    return ParsedQRIS(
        point_of_initiation="dynamic" if tags["01"] == "12" else "static",
        merchant_name=tags["59"],
        merchant_city=tags["60"],
        nmid=nmid,
        amount=amount,
        crc_valid=crc_valid,
        reference=reference,
        currency=tags["53"],
        country=tags["58"],
        warnings=[str(w) for w in warnings],
        tags=tags,
    )


# --- a QRIS read from a photo of a sticker --------------------------------------------------------
@dataclass
class PhotoQRIS:
    payload: str
    parsed: ParsedQRIS


def from_photo(upload) -> PhotoQRIS:
    """The QRIS in a photo (of a sticker, a counter stand, a screen). Raises QRImageError with
    `code`: too_large / not_image / no_qr (from core.qrimage), not_qris (a QR code, but not a
    QRIS: a link, a WhatsApp code), crc (a QRIS whose check digits do not match its content:
    misprinted or edited), with a message for the person holding the phone."""
    texts = qrimage.qr_texts(upload)
    broken = None
    for text in texts:
        try:
            parsed = parse(text, require_valid_crc=False)
        except QRISError:
            continue
        if parsed.crc_valid:
            return PhotoQRIS(payload=text.strip(), parsed=parsed)
        broken = broken or parsed
    if broken is not None:
        raise qrimage.QRImageError(
            _(
                "QRIS di foto ini terbaca, tetapi kode pemeriksanya (CRC) tidak cocok: stiker "
                "mungkin salah cetak atau sudah diubah. Minta stiker baru ke bank atau penyedia "
                "QRIS Anda."
            ),
            "crc",
        )
    raise qrimage.QRImageError(
        _(
            "Kode QR terbaca, tetapi bukan QRIS (kode pembayaran berlogo QRIS). Pastikan yang "
            "difoto stiker QRIS, bukan kode QR lain."
        ),
        "not_qris",
    )


_NAME_NOISE = {"TOKO", "WARUNG", "UD", "CV", "PT", "TB", "KIOS", "DEPOT", "RM", "BU", "PAK", "IBU"}


def _name_words(name: str) -> set[str]:
    words = "".join(c if c.isalnum() else " " for c in (name or "").upper()).split()
    return {w for w in words if len(w) >= 3 and w not in _NAME_NOISE}


def name_matches(merchant_name: str, shop_name: str) -> bool:
    """Whether the merchant name on a QRIS (tag 59, often cut to 25 characters and upper-case)
    plausibly names the shop: a word in common beyond "toko", "warung" and the like. A mismatch
    is only a warning: many warungs registered their QRIS under the owner's name."""
    return bool(_name_words(merchant_name) & _name_words(shop_name))


@dataclass
class Sticker:
    """A shop's static QRIS read from a photo, to show its owner before saving."""

    payload: str
    parsed: ParsedQRIS
    name_matches: bool


def sticker_from_photo(upload, *, shop_name: str) -> Sticker:
    """A static QRIS from a photo of the shop's sticker (QRImageError as from_photo, and
    code `dynamic` for a one-payment QRIS with an amount, e.g. a photo of a payment screen)."""
    found = from_photo(upload)
    if found.parsed.point_of_initiation != "static":
        raise qrimage.QRImageError(
            _(
                "Ini QRIS sekali bayar (dinamis, sudah berisi nominal), bukan stiker QRIS toko. "
                "Foto stiker QRIS statis yang dipasang di toko Anda."
            ),
            "dynamic",
        )
    return Sticker(
        payload=found.payload,
        parsed=found.parsed,
        name_matches=name_matches(found.parsed.merchant_name, shop_name),
    )
