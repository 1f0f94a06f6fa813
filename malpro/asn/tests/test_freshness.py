"""The stored standings (what OPD reports read) follow every change they depend on: a new
policy version, its amounts, an exemption, the roster. Closed periods never move."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from malpro.asn import obligation, periods, reports
from malpro.asn.models import Exemption, Period, PolicyAmount, Standing
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.conftest import make_user


@pytest.fixture
def programme(asn_user, seller):
    first = policy(default=500_000)
    item = product(delivering_shop(seller), "Beras 5 kg", category="beras", price=70000, stock=100)
    yuli = employee(user=asn_user, agency="DISKOMINFO", name="Yuli Astuti")
    budi = employee(
        nip="199003152022211001", user=make_user("081299995555", "Budi"), name="Budi Santoso"
    )
    complete_order(asn_user, item, 2)  # Yuli: 140.000
    return {"policy": first, "yuli": yuli, "budi": budi}


def diskominfo(year, month):
    rows = reports.opd_report(year=year, month=month)
    return next(r for r in rows if r.agency.code == "DISKOMINFO")


def recount(year, month) -> str:
    out = io.StringIO()
    call_command("asn_recount", "--period", f"{year}-{month:02d}", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_new_policy_version_for_an_open_period_applies_to_it_and_its_report(
    programme, django_capture_on_commit_callbacks
):
    year, month = periods.parse(None)
    assert diskominfo(year, month).total_required == 1_000_000  # 2 × 500.000
    with django_capture_on_commit_callbacks(execute=True):
        newer = policy(effective_from=periods.first_day(year, month), default=1_000_000)
        PolicyAmount.objects.create(policy=newer, basis="golongan", value="III", amount=750_000)
    assert Period.objects.get(year=year, month=month).policy == newer
    row = diskominfo(year, month)
    assert (row.total_required, row.total_counted) == (1_500_000, 140_000)  # 2 × 750.000
    assert obligation.obligation_for(programme["yuli"], year, month).required == 750_000
    assert recount(year, month).endswith("differences=0\n")


@pytest.mark.django_db
def test_a_closed_period_keeps_its_policy_and_its_figures(
    programme, django_capture_on_commit_callbacks
):
    closed = obligation.period_close(year=2026, month=3)
    frozen = sorted(Standing.objects.filter(period=closed).values_list("required", "counted"))
    assert frozen == [(500_000, 0), (500_000, 0)]
    with django_capture_on_commit_callbacks(execute=True):
        policy(effective_from=dt.date(2026, 3, 1), default=2_000_000)
    assert Period.objects.get(pk=closed.pk).policy == programme["policy"]
    assert (
        sorted(Standing.objects.filter(period=closed).values_list("required", "counted")) == frozen
    )


@pytest.mark.django_db
def test_an_exemption_updates_the_report_at_once(programme, django_capture_on_commit_callbacks):
    year, month = periods.parse(None)
    assert diskominfo(year, month).total_required == 1_000_000
    with django_capture_on_commit_callbacks(execute=True):
        Exemption.objects.create(
            employee=programme["budi"],
            kind=Exemption.Kind.SECONDMENT,
            start=periods.first_day(year, month),
            end=periods.last_day(year, month),
        )
    assert diskominfo(year, month).total_required == 500_000  # Budi owes nothing this month
    assert recount(year, month).endswith("differences=0\n")


@pytest.mark.django_db
def test_roster_changes_move_an_asn_between_opd_reports(
    programme, django_capture_on_commit_callbacks
):
    from malpro.accounts.models import Agency

    year, month = periods.parse(None)
    assert diskominfo(year, month).asn_count == 2
    budi = programme["budi"]
    with django_capture_on_commit_callbacks(execute=True):
        budi.agency = Agency.objects.get(code="DISPANGTAN")
        budi.save()
    assert diskominfo(year, month).asn_count == 1
    others = {r.agency.code: r.asn_count for r in reports.opd_report(year=year, month=month)}
    assert others["DISPANGTAN"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        budi.is_active = False
        budi.save()
    codes = {r.agency.code for r in reports.opd_report(year=year, month=month)}
    assert "DISPANGTAN" not in codes  # an ASN who left is no longer reported as not compliant
