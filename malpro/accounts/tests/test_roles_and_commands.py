import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from malpro.accounts import services
from malpro.accounts.models import Agency, RoleAssignment, User
from malpro.core.exceptions import ApplicationError


def add_user(*args) -> str:
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_agencies_of_pemkot_malang_are_seeded():
    codes = set(Agency.objects.values_list("code", flat=True))
    assert {"DISKOMINFO", "DISKOPINDAG", "DISPANGTAN", "BKPSDM", "INSPEKTORAT"} <= codes
    kecamatan = Agency.objects.filter(kind="kecamatan")
    assert sorted(a.district.name for a in kecamatan) == [
        "Blimbing",
        "Kedungkandang",
        "Klojen",
        "Lowokwaru",
        "Sukun",
    ]


@pytest.mark.django_db
def test_loading_agencies_twice_changes_nothing():
    out = io.StringIO()
    call_command("load_agencies", stdout=out)
    assert "created=0 updated=0 unchanged=29" in out.getvalue()


@pytest.mark.django_db
def test_add_user_with_several_roles_then_login_through_the_api(api):
    output = add_user(
        "--phone",
        "0813-3000-1111",
        "--password",
        "kunci-rahasia-99",
        "--role",
        "agency_officer",
        "--agency",
        "dispangtan",
        "--role",
        "auditor",
        "--name",
        "Ir. Hadi",
    )
    assert output.startswith("created user +6281330001111 (Ir. Hadi)")
    user = User.objects.get(phone="+6281330001111")
    assert user.role_names == ["agency_officer", "auditor", "buyer"]
    assert user.officer_agency_ids() == {Agency.objects.get(code="DISPANGTAN").pk}
    response = api().post(
        "/api/v1/auth/login", {"phone": "081330001111", "password": "kunci-rahasia-99"}
    )
    assert response.status_code == 200
    me = (
        api()
        .get("/api/v1/auth/me", headers={"Authorization": "Bearer " + response.json()["token"]})
        .json()
    )
    assert {r["role"] for r in me["roles"]} == {"agency_officer", "auditor", "buyer"}


@pytest.mark.django_db
def test_add_user_twice_updates_instead_of_duplicating():
    add_user("--phone", "081330001111", "--password", "kunci-rahasia-99", "--role", "seller")
    output = add_user(
        "--phone",
        "+6281330001111",
        "--password",
        "kunci-lain-sekali",
        "--role",
        "area_operator",
        "--area",
        "35.73.02.1001",
    )
    assert output.startswith("updated user")
    user = User.objects.get(phone="+6281330001111")
    assert user.check_password("kunci-lain-sekali")
    assert user.role_names == ["area_operator", "buyer", "seller"]
    assert user.operator_areas() == (set(), {"35.73.02.1001"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--phone", "12345", "--password", "kunci-rahasia-99", "--role", "seller"], "Nomor HP"),
        (
            ["--phone", "081330001111", "--password", "kunci-rahasia-99", "--role", "walikota"],
            "Peran walikota tidak dikenal",
        ),
        (
            [
                "--phone",
                "081330001111",
                "--password",
                "kunci-rahasia-99",
                "--role",
                "agency_officer",
            ],
            "memerlukan kode OPD",
        ),
        (
            [
                "--phone",
                "081330001111",
                "--password",
                "kunci-rahasia-99",
                "--role",
                "agency_officer",
                "--agency",
                "DINASX",
            ],
            "DINASX",
        ),
        (
            [
                "--phone",
                "081330001111",
                "--password",
                "kunci-rahasia-99",
                "--role",
                "area_operator",
                "--area",
                "35.73.09",
            ],
            "35.73.09",
        ),
        (["--phone", "081330001111", "--password", "123", "--role", "seller"], "sandi"),
    ],
)
def test_add_user_bad_input_exits_2_and_writes_nothing(args, fragment):
    with pytest.raises(CommandError) as info:
        add_user(*args)
    assert info.value.returncode == 2
    assert fragment in str(info.value)
    assert not User.objects.filter(phone="+6281330001111").exists()


@pytest.mark.django_db
def test_the_database_refuses_a_role_without_its_scope(buyer):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=buyer, role="agency_officer")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=buyer, role="seller", agency=Agency.objects.get(code="DISKOMINFO")
        )


@pytest.mark.django_db
def test_granting_a_role_twice_is_idempotent(buyer):
    first = services.role_grant(user=buyer, role="agency_officer", agency_code="DISKOPINDAG")
    second = services.role_grant(user=buyer, role="agency_officer", agency_code="diskopindag")
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=buyer, role="agency_officer").count() == 1


@pytest.mark.django_db
def test_an_officer_may_serve_two_agencies(buyer):
    services.role_grant(user=buyer, role="agency_officer", agency_code="DISKOPINDAG")
    services.role_grant(user=buyer, role="agency_officer", agency_code="DISPANGTAN")
    assert len(buyer.officer_agency_ids()) == 2


@pytest.mark.django_db
def test_register_service_refuses_a_taken_number_with_409(buyer):
    with pytest.raises(ApplicationError) as info:
        services.user_register(phone="081234500001", password="kopi-tubruk-malang", name="X")
    assert info.value.status == 409
