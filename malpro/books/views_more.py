"""Pages of debts, stock, reports, sharing, assistance, the agency's view. STUBS (replaced)."""

from django.http import HttpResponse


def debts(request, **kwargs):
    return HttpResponse("debts")


def contact_new(request, **kwargs):
    return HttpResponse("contact_new")


def contact_detail(request, **kwargs):
    return HttpResponse("contact_detail")


def debt_new(request, **kwargs):
    return HttpResponse("debt_new")


def contact_pay(request, **kwargs):
    return HttpResponse("contact_pay")


def contact_remind(request, **kwargs):
    return HttpResponse("contact_remind")


def payment_undo(request, **kwargs):
    return HttpResponse("payment_undo")


def stock(request, **kwargs):
    return HttpResponse("stock")


def item_new(request, **kwargs):
    return HttpResponse("item_new")


def item_detail(request, **kwargs):
    return HttpResponse("item_detail")


def report(request, **kwargs):
    return HttpResponse("report")


def report_export(request, **kwargs):
    return HttpResponse("report_export")


def share(request, **kwargs):
    return HttpResponse("share")


def assistance(request, **kwargs):
    return HttpResponse("assistance")


def assist_home(request, **kwargs):
    return HttpResponse("assist_home")


def assist_start(request, **kwargs):
    return HttpResponse("assist_start")


def assistance_end(request, **kwargs):
    return HttpResponse("assistance_end")


def shared(request, **kwargs):
    return HttpResponse("shared")


def shared_detail(request, **kwargs):
    return HttpResponse("shared_detail")
