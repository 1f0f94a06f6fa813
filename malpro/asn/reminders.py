from django.utils import timezone

from malpro.asn import obligation, periods, reports
from malpro.asn.models import Standing
from malpro.core.money import format_rupiah
from malpro.notifications import services as messaging


def send(*, year: int, month: int) -> int:
    """Reminders to every ASN below target, with the amount left; through send(), the one
    sending function (the bell, and the channels each chose)."""
    period = obligation.period_get(year, month)
    reports.ensure_standings(period)
    sent = 0
    label = periods.label(year, month)
    for standing in Standing.objects.filter(
        period=period, employee__user__isnull=False, employee__is_active=True
    ).select_related("employee__user"):
        if standing.counted >= standing.required:
            continue
        left = standing.required - standing.counted
        note = messaging.send(
            user=standing.employee.user,
            kind="asn.reminder",
            context={
                "period": label,
                "required": format_rupiah(standing.required),
                "counted": format_rupiah(standing.counted),
                "left": format_rupiah(left),
            },
            key=f"asn-reminder:{year}-{month:02d}:{standing.employee_id}",
        )
        sent += note is not None
    return sent


def send_if_due(*, days: int = 5, force: bool = False) -> tuple[int, int]:
    """(reminders sent, days left in the current period): sends only in the period's last
    `days` days unless forced. Safe to run every day: one reminder per ASN per period."""
    year, month = periods.parse(None)
    left = (periods.last_day(year, month) - timezone.localdate()).days + 1
    if left > days and not force:
        return 0, left
    return send(year=year, month=month), left
