"""Issue 14, item 9: the QRIS payloads we build pass a validator written from the EMVCo
Merchant-Presented Mode rules and Bank Indonesia's QRIS profile, independently of our builder
and parser (nothing below imports their helpers)."""

import pytest

from malpro.payments import qris
from malpro.payments.gateways.simulator import SimulatorGateway


def _crc16_ccitt(data: bytes) -> int:
    # CRC-16/CCITT-FALSE computed the table-free, bitwise way from the spec: poly 0x1021, init FFFF.
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ ((byte >> bit) & 1):
                crc ^= 0x1021
    return crc


def _luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


def _tlv(data: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(data):
        assert len(data) - i >= 4, f"truncated at {i}"
        tag, length = data[i : i + 2], data[i + 2 : i + 4]
        assert tag.isdigit() and length.isdigit(), (tag, length)
        value = data[i + 4 : i + 4 + int(length)]
        assert len(value) == int(length), f"tag {tag} length {length} overruns"
        out.append((tag, value))
        i += 4 + int(length)
    return out


def emvco_problems(payload: str) -> list[str]:
    """Every rule of EMVCo MPM (v1.1) and QRIS (Indonesia) the payload breaks."""
    problems = []
    try:
        fields = _tlv(payload)
    except AssertionError as exc:
        return [f"TLV: {exc}"]
    tags = [t for t, _ in fields]
    values = dict(fields)
    if tags[0] != "00" or values["00"] != "01":
        problems.append("00 must come first and be 01")
    if values.get("01") not in ("11", "12"):
        problems.append("01 must be 11 or 12")
    for tag in ("52", "53", "58", "59", "60", "61", "63"):
        if tag not in values:
            problems.append(f"mandatory tag {tag} missing")
    if len(set(tags)) != len(tags):
        problems.append("a tag appears twice")
    if tags[-1] != "63" or len(values.get("63", "")) != 4:
        problems.append("63 must be last with 4 characters")
    else:
        crc = _crc16_ccitt(payload[:-4].encode("ascii"))
        if f"{crc:04X}" != values["63"]:
            problems.append("CRC mismatch")
    if not (values.get("52", "").isdigit() and len(values.get("52", "")) == 4):
        problems.append("52 must be a 4-digit MCC")
    if values.get("53") != "360" or values.get("58") != "ID":
        problems.append("53 must be 360 and 58 ID")
    if "54" in values and not (len(values["54"]) <= 13 and values["54"].replace(".", "").isdigit()):
        problems.append("54 must be numeric, at most 13 characters")
    if not 1 <= len(values.get("59", "")) <= 25:
        problems.append("59 must be 1-25 characters")
    if not 1 <= len(values.get("60", "")) <= 15:
        problems.append("60 must be 1-15 characters")
    if not 1 <= len(values.get("61", "")) <= 10:
        problems.append("61 must be 1-10 characters")
    accounts = [(t, v) for t, v in fields if "26" <= t <= "51"]
    if not accounts:
        problems.append("no merchant account information (26-51)")
    has_pan = False
    for tag, value in accounts:
        sub = dict(_tlv(value))
        guid = sub.get("00", "")
        if not 1 <= len(guid) <= 32:
            problems.append(f"{tag}.00 GUID missing")
        if "26" <= tag <= "45":
            pan = sub.get("01", "")
            if not (pan.isdigit() and 16 <= len(pan) <= 19 and _luhn_valid(pan)):
                problems.append(f"{tag}.01 must be a 16-19 digit PAN with a Luhn check digit")
            elif not pan.startswith("9360"):
                problems.append(f"{tag}.01 must start with an Indonesian NNS (9360)")
            else:
                has_pan = True
        if guid == "ID.CO.QRIS.WWW" and not (
            sub.get("02", "").startswith("ID") and len(sub["02"]) == 15
        ):
            problems.append(f"{tag}.02 NMID must be ID + 13 characters")
    if not has_pan:
        problems.append("no merchant account template with a PAN (26-45)")
    return problems


def test_the_validator_catches_what_the_old_builder_did_wrong():
    # The NMID in the PAN's place and no postal code: two problems, as the issue found them.
    sub = "0016ID.CO.MALPRO.WWW0115ID10260000000010215ID10260000000010303UMI"
    body = (
        "000201010212"
        + f"26{len(sub):02d}{sub}"
        + "52045499530336054045300"
        + "5802ID5907MALPRO16006MALANG6304"
    )
    payload = body + f"{_crc16_ccitt(body.encode()):04X}"
    problems = emvco_problems(payload)
    assert "mandatory tag 61 missing" in problems
    assert any("Luhn" in p for p in problems)


def test_the_validators_crc_and_luhn_are_right():
    assert f"{_crc16_ccitt(b'123456789'):04X}" == "29B1"
    assert _luhn_valid("79927398713") and not _luhn_valid("79927398710")


@pytest.mark.parametrize("amount", [1, 53000, 999_999_999])
def test_built_dynamic_qris_passes_the_independent_validator(amount):
    payload = qris.build_dynamic(
        merchant_name="Keripik Tempe Sanan Bu Siti (Malang)",
        merchant_city="Kota Malang Jawa Timur",
        nmid="ID1026000000001",
        amount=amount,
        reference="MLPABC123",
    )
    assert emvco_problems(payload) == []


def test_simulator_qris_passes_the_independent_validator():
    class Payment:
        method = "qris"
        amount = 75_500
        reference = "MLPSIM0001"

    result = SimulatorGateway().charge(
        Payment(), merchant_name="Warung Bu Siti", merchant_city="Malang"
    )
    assert emvco_problems(result.qris_payload) == []
    assert qris.parse(result.qris_payload).amount == 75_500


def test_a_bad_pan_is_refused_by_the_builder():
    with pytest.raises(qris.QRISError):
        qris.build_dynamic(
            merchant_name="X",
            merchant_city="Malang",
            nmid="ID1026000000001",
            amount=1000,
            reference="R",
            pan="9360099900000000001",  # wrong check digit
        )
