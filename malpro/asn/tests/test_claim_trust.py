"""Issue 13, item 4: NIP claims that prove something. Each test names the finding it covers;
each fails on the code before the issue (claims by any account, a birth date as proof,
different answers for a NIP not found / inactive / taken / waited on, no limits, a stranger's
pending claim blocking the ASN)."""

import pytest

from malpro.accounts.services import PhoneNotVerified
from malpro.asn import access, services
from malpro.asn.models import Employee, NipClaim
from malpro.asn.tests.factories import employee
from malpro.conftest import make_user
from malpro.core.crypto import nip_hash
from malpro.core.exceptions import RateLimited
from malpro.core.models import Event
from malpro.notifications.models import Notification

NIP = "198507122010012003"
CLAIMS = "/api/v1/asn/claims"
RECEIVED = (
    "Klaim diterima. Jika NIP cocok dengan data BKPSDM, OPD Anda akan memeriksanya; hasilnya "
    "muncul di halaman ini."
)


def nip(n: int) -> str:
    """Well-formed NIPs that differ in their sequence number."""
    return f"1985071220100120{n + 1:02d}"


def person(n: int, *, verified=True):
    return make_user(f"0812345610{n:02d}", f"Orang {n}", verified=verified)


# --- a verified phone before any claim -----------------------------------------------------------
@pytest.mark.django_db
def test_an_unverified_account_cannot_claim_even_with_the_roster_phone():
    """Finding: phones are never verified, yet a matching phone approved the claim."""
    user = person(1, verified=False)
    employee(phone=user.phone)
    with pytest.raises(PhoneNotVerified) as info:
        services.nip_claim(user=user, nip=NIP)
    assert info.value.status == 403 and info.value.extra["code"] == "phone_unverified"
    assert not NipClaim.objects.exists() and Employee.objects.get().user is None


@pytest.mark.django_db
def test_the_claim_page_sends_an_unverified_account_to_verify_its_phone(web):
    user = person(1, verified=False)
    employee(phone=user.phone)
    client = web(user)
    for response in (client.get("/asn/"), client.post("/asn/", {"nip": NIP})):
        assert response.status_code == 302
        assert response["Location"] == "/akun/verifikasi-hp/?next=%2Fasn%2F"
    assert not NipClaim.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_claim_before_the_phone_is_verified(api):
    user = person(1, verified=False)
    employee(phone=user.phone)
    response = api(user).post(CLAIMS, {"nip": NIP})
    assert response.status_code == 403
    assert response.json()["extra"]["code"] == "phone_unverified"
    assert not NipClaim.objects.exists()


@pytest.mark.django_db
def test_the_verified_roster_phone_links_the_account_at_once_through_the_api(api, buyer):
    employee(phone=buyer.phone)
    response = api(buyer).post(CLAIMS, {"nip": "19850712 201001 2 003"})
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "NIP terverifikasi. Selamat datang!"
    assert body["claim"]["state"] == "approved" and body["claim"]["nip"] == "1985•••••••••••003"
    assert Employee.objects.get().user == buyer


# --- the birth date proves nothing ---------------------------------------------------------------
@pytest.mark.django_db
def test_the_claim_asks_only_for_the_nip(web, api, buyer):
    """Finding: the birth date was checked as proof, but a NIP begins with it."""
    page = web(buyer).get("/asn/").content.decode()
    assert 'name="nip"' in page and "birth_date" not in page and "Tanggal lahir" not in page
    schema = api(buyer).get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert list(schema["NipClaimIn"]["properties"]) == ["nip"]


# --- one answer whatever the roster says ---------------------------------------------------------
def roster_of_every_kind(other_buyer):
    """One NIP of each kind a stranger could try, and who already waits on which."""
    employee(nip=nip(1), agency="DISKOPINDAG", phone="+6281299998888")  # claimable
    employee(nip=nip(2), agency="DISKOPINDAG", is_active=False)  # inactive
    employee(nip=nip(3), agency="DISKOPINDAG", user=other_buyer)  # linked to another account
    employee(nip=nip(4), agency="DISKOPINDAG")  # someone else waits on it
    services.nip_claim(user=make_user("081234561099", "Orang Lain"), nip=nip(4))
    return {"claimable": nip(1), "inactive": nip(2), "taken": nip(3), "waited on": nip(4)} | {
        "not on the roster": nip(5)
    }


def without_ids(body: dict) -> dict:
    claim = {k: v for k, v in body["claim"].items() if k not in ("id", "nip", "created_at")}
    return {**body, "claim": claim}


@pytest.mark.django_db
def test_the_api_answers_the_same_for_any_nip(api, other_buyer, officer):
    """Finding: the answers told which NIPs exist, are claimed, or pending."""
    kinds = roster_of_every_kind(other_buyer)
    answers, lists = {}, {}
    for n, (kind, number) in enumerate(kinds.items()):
        client = api(person(n))
        response = client.post(CLAIMS, {"nip": number})
        answers[kind] = (response.status_code, repr(without_ids(response.json())))
        mine = client.get(f"{CLAIMS}/mine").json()
        lists[kind] = [(c["state"], c["state_label"], c["reason"], c["decided_at"]) for c in mine]
    assert len(set(answers.values())) == 1, answers
    status, body = answers["not on the roster"]
    assert status == 202 and RECEIVED in body and "'state': 'pending'" in body
    assert len(set(map(repr, lists.values()))) == 1, lists
    # Only the claims a roster entry can take reach the OPD: none is work about unknown NIPs.
    queue = api(officer).get(CLAIMS).json()
    assert sorted(row["nip"] for row in queue) == [nip(1), nip(4), nip(4)]


@pytest.mark.django_db
def test_the_claim_page_answers_the_same_for_any_nip(web, other_buyer):
    kinds = roster_of_every_kind(other_buyer)
    for n, (kind, number) in enumerate(kinds.items()):
        client = web(person(n))
        response = client.post("/asn/", {"nip": number}, follow=True)
        page = response.content.decode()
        assert response.redirect_chain == [("/asn/", 302)], kind
        assert RECEIVED in page, kind
        assert "menunggu konfirmasi OPD" not in page and "tidak aktif" not in page, kind
        assert "Klaim NIP 1985•••••••••••0" in page and "diterima pada" in page, kind


@pytest.mark.django_db
def test_unmatched_claims_make_no_work_for_any_opd(buyer, officer, city_admin):
    employee(nip=nip(2), agency="DISKOPINDAG", is_active=False)
    services.nip_claim(user=buyer, nip=nip(2))
    services.nip_claim(user=make_user("081234561098", "Lain"), nip=nip(5))
    assert NipClaim.objects.filter(state=NipClaim.State.UNMATCHED).count() == 2
    for reader in (officer, city_admin):
        assert not access.nip_claims_to_review(user=reader).exists()
    assert not Event.objects.filter(kind="nip_claim.pending").exists()


@pytest.mark.django_db
def test_a_new_claim_replaces_the_accounts_open_claim_without_a_message(buyer, officer):
    employee(agency="DISKOPINDAG", phone="+6281299998888")
    first = services.nip_claim(user=buyer, nip=NIP)
    services.nip_claim(user=buyer, nip=nip(5))  # mistyped: not on the roster
    first.refresh_from_db()
    assert first.state == NipClaim.State.WITHDRAWN and first.decided_by == buyer
    assert not access.nip_claims_to_review(user=officer).exists()
    assert not Notification.objects.filter(user=buyer).exists()


# --- limits per account and per NIP --------------------------------------------------------------
@pytest.mark.django_db
def test_an_account_claims_at_most_five_times_a_day(api, buyer):
    """Finding: claims had no rate limit."""
    client = api(buyer)
    for n in range(5):
        assert client.post(CLAIMS, {"nip": nip(n)}).status_code == 202
    response = client.post(CLAIMS, {"nip": nip(5)})
    assert response.status_code == 429
    assert "sudah 5 kali mengklaim NIP hari ini" in response.json()["message"]
    assert response.json()["extra"]["retry_after"] > 0
    assert NipClaim.objects.filter(user=buyer).count() == 5


@pytest.mark.django_db
def test_the_claim_page_says_when_the_limit_is_reached(web, buyer):
    client = web(buyer)
    for n in range(5):
        client.post("/asn/", {"nip": nip(n)})
    response = client.post("/asn/", {"nip": nip(5)})
    assert response.status_code == 429
    assert "sudah 5 kali mengklaim NIP hari ini" in response.content.decode()


@pytest.mark.django_db
def test_refused_claims_count_too(asn_user):
    """The counters live outside the claim's transaction: a claim refused inside it (this
    account is already linked) still counts."""
    employee(user=asn_user)
    for n in range(5):
        with pytest.raises(Exception) as info:
            services.nip_claim(user=asn_user, nip=nip(n))
        assert info.value.status == 409
    with pytest.raises(RateLimited):
        services.nip_claim(user=asn_user, nip=nip(5))


@pytest.mark.django_db
@pytest.mark.parametrize("on_roster", [True, False], ids=["on the roster", "not on it"])
def test_one_nip_is_claimed_by_at_most_three_accounts_a_day(api, on_roster):
    if on_roster:
        employee(phone="+6281299998888")
    first = api(person(0))
    for _ in range(3):  # one account's repeats count once for the NIP
        assert first.post(CLAIMS, {"nip": NIP}).status_code == 202
    for n in (1, 2):
        assert api(person(n)).post(CLAIMS, {"nip": NIP}).status_code == 202
    response = api(person(3)).post(CLAIMS, {"nip": NIP})
    assert response.status_code == 429
    assert "NIP ini sudah diklaim dari beberapa akun hari ini" in response.json()["message"]


@pytest.mark.django_db
def test_strangers_cannot_use_up_the_day_of_the_roster_phone_holder(api, buyer):
    employee(phone=buyer.phone)
    for n in range(3):
        api(person(n)).post(CLAIMS, {"nip": NIP})
    response = api(buyer).post(CLAIMS, {"nip": NIP})
    assert response.status_code == 200 and response.json()["claim"]["state"] == "approved"
    assert set(NipClaim.objects.exclude(user=buyer).values_list("state", flat=True)) == {
        NipClaim.State.REJECTED
    }


# --- a pending claim never blocks the roster phone holder ----------------------------------------
@pytest.mark.django_db
def test_a_strangers_pending_claim_never_blocks_the_roster_phone_holder(buyer, other_buyer):
    """Finding: a stranger's pending claim blocked the real ASN."""
    employee(phone=buyer.phone, agency="DISKOPINDAG")
    theirs = services.nip_claim(user=other_buyer, nip=NIP)
    assert theirs.state == NipClaim.State.PENDING
    mine = services.nip_claim(user=buyer, nip=NIP)
    assert mine.state == NipClaim.State.APPROVED
    theirs.refresh_from_db()
    assert theirs.state == NipClaim.State.REJECTED and theirs.decided_by is None
    assert "pemilik nomor HP yang tercatat di BKPSDM" in theirs.reason
    rejected = Event.objects.get(kind="nip_claim.rejected")
    assert rejected.actor is None and rejected.subject_id == str(theirs.pk)
    note = Notification.objects.get(user=other_buyer)
    assert note.title == "Klaim NIP Anda ditolak" and "pemilik nomor HP" in note.body
    assert Employee.objects.get().user == buyer


@pytest.mark.django_db
def test_several_accounts_wait_on_one_nip_and_its_opd_sees_them_all(
    web, api, buyer, other_buyer, officer
):
    employee(phone="+6281299998888", agency="DISKOPINDAG")
    ids = [api(u).post(CLAIMS, {"nip": NIP}).json()["claim"]["id"] for u in (buyer, other_buyer)]
    queue = api(officer).get(CLAIMS).json()
    assert [row["id"] for row in queue] == ids
    assert all(row["other_claims"] == 1 and row["decidable"] for row in queue)
    page = web(officer).get("/asn/klaim/").content.decode()
    assert page.count("Ada 1 klaim lain untuk NIP ini") == 2
    response = api(officer).post(f"{CLAIMS}/{ids[0]}/transition", {"to": "approved"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    other = NipClaim.objects.get(pk=ids[1])
    assert other.state == NipClaim.State.REJECTED and other.decided_by is None
    assert other.reason == "NIP ini sudah dihubungkan OPD ke akun lain"
    assert not api(officer).get(CLAIMS).json()


@pytest.mark.django_db
def test_an_officer_cannot_link_a_second_nip_to_an_account(buyer, officer):
    employee(nip=nip(1), agency="DISKOPINDAG")
    employee(nip=nip(2), agency="DISKOPINDAG")
    first = NipClaim.objects.create(
        user=buyer, nip=nip(1), employee=Employee.objects.get(nip_hash=nip_hash(nip(1)))
    )
    services.nip_claim_transition(actor=officer, claim_id=first.pk, to="approved")
    late = NipClaim.objects.create(
        user=buyer, nip=nip(2), employee=Employee.objects.get(nip_hash=nip_hash(nip(2)))
    )
    with pytest.raises(Exception, match="Akun pengaju sudah terhubung ke NIP lain"):
        services.nip_claim_transition(actor=officer, claim_id=late.pk, to="approved")
