import pytest

from malpro.payments import qris

# A static QRIS as printed on a shop's sticker, with a 44-character merchant name (such payloads
# exist in the wild, beyond EMVCo's 25).
LONG_NAME = "TOKO KELONTONG BAROKAH JAYA ABADI SENTOSA MAK"


def static_payload(name="WARUNG BU SITI", city="MALANG", crc=None):
    account = (
        qris.tlv("00", "ID.CO.QRIS.WWW") + qris.tlv("02", "ID1020021234567") + qris.tlv("03", "UMI")
    )
    body = (
        qris.tlv("00", "01")
        + qris.tlv("01", "11")
        + qris.tlv("51", account)
        + qris.tlv("52", "5411")
        + qris.tlv("53", "360")
        + qris.tlv("58", "ID")
        + qris.tlv("59", name)
        + qris.tlv("60", city)
        + "6304"
    )
    return body + (crc or qris.crc16_ccitt_false(body))


def test_crc_is_ccitt_false():
    assert qris.crc16_ccitt_false("123456789") == "29B1"


def test_dynamic_payload_parses_back_with_amount_reference_and_valid_crc():
    payload = qris.build_dynamic(
        merchant_name="Keripik Tempe Sanan Bu Siti (Malang)",
        merchant_city="Kota Malang Jawa Timur",
        nmid="ID1026000000001",
        amount=53000,
        reference="MLPABC123",
    )
    parsed = qris.parse(payload)
    assert parsed.point_of_initiation == "dynamic" and parsed.amount == 53000
    assert parsed.crc_valid and parsed.reference == "MLPABC123"
    assert parsed.nmid == "ID1026000000001" and parsed.currency == "360"
    assert len(parsed.merchant_name) <= 25 and len(parsed.merchant_city) <= 15
    assert payload.startswith("000201010212") and payload[-8:-4] == "6304"


def test_static_payload_has_no_amount():
    parsed = qris.parse(static_payload())
    assert (parsed.point_of_initiation, parsed.amount, parsed.merchant_name) == (
        "static",
        None,
        "WARUNG BU SITI",
    )


def test_long_merchant_names_are_accepted_with_a_warning():
    parsed = qris.parse(static_payload(name=LONG_NAME))
    assert parsed.merchant_name == LONG_NAME and parsed.crc_valid
    assert any("59" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (static_payload(crc="0000"), "CRC tidak cocok"),
        ("000201" + "01AB12", "Panjang tag 01 tidak valid"),
        ("0002010199", "melebihi sisa data"),
        ("000201" + "5303360" + "6304ABCD", "Tag wajib tidak ada"),
        ("00020101021152045411530336058", "terpotong"),
        ("", "kosong"),
        ("0X0201", "Tag tidak valid"),
    ],
)
def test_broken_payloads_are_refused_with_the_reason(payload, fragment):
    with pytest.raises(qris.QRISError) as info:
        qris.parse(payload)
    assert fragment.lower() in info.value.message.lower()


@pytest.mark.django_db
def test_parse_api(api):
    ok = api().post("/api/v1/payments/qris/parse", {"payload": static_payload(name=LONG_NAME)})
    assert ok.status_code == 200
    body = ok.json()
    assert body["merchant_name"] == LONG_NAME and body["crc_valid"] is True
    assert body["nmid"] == "ID1020021234567" and body["amount"] is None
    broken = api().post("/api/v1/payments/qris/parse", {"payload": static_payload(crc="FFFF")})
    assert broken.status_code == 422 and "CRC" in broken.json()["message"]


def payload_with_amount(amount: str) -> str:
    account = qris.tlv("00", "ID.CO.QRIS.WWW") + qris.tlv("02", "ID1020021234567")
    body = (
        qris.tlv("00", "01")
        + qris.tlv("01", "12")
        + qris.tlv("51", account)
        + qris.tlv("52", "5411")
        + qris.tlv("53", "360")
        + qris.tlv("54", amount)
        + qris.tlv("58", "ID")
        + qris.tlv("59", "WARUNG BU SITI")
        + qris.tlv("60", "MALANG")
        + "6304"
    )
    return body + qris.crc16_ccitt_false(body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        ("NaN", "harus angka rupiah"),
        ("inf", "harus angka rupiah"),
        ("Infinity", "harus angka rupiah"),
        ("1e5", "harus angka rupiah"),
        ("-15000", "harus angka rupiah"),
        ("15000.5", "memuat sen"),
        ("15000.123", "harus angka rupiah"),
        ("12345678901234", "harus angka rupiah"),  # EMVCo: at most 13 characters
        ("0.00", "lebih dari nol"),
    ],
)
def test_parse_api_refuses_a_bad_amount_with_422_naming_the_field(api, amount, fragment):
    response = api().post("/api/v1/payments/qris/parse", {"payload": payload_with_amount(amount)})
    assert response.status_code == 422
    body = response.json()
    assert fragment in body["message"] and "tag 54" in body["extra"]["fields"]["payload"]


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "rupiah"), [("15000", 15000), ("15000.00", 15000), ("7.0", 7)])
def test_parse_api_reads_the_amount_exactly(api, amount, rupiah):
    response = api().post("/api/v1/payments/qris/parse", {"payload": payload_with_amount(amount)})
    assert response.status_code == 200 and response.json()["amount"] == rupiah
    assert response.json()["warnings"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["NaN", "inf", "1e5"])
def test_qris_check_page_shows_a_bad_amount_as_an_error(client, amount):
    response = client.post("/cek-qris/", {"payload": payload_with_amount(amount)})
    assert response.status_code == 200
    assert "Jumlah (tag 54) harus angka rupiah" in response.content.decode()
