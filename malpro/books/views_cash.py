"""Pages of the cash book. STUBS: being written; every function here is replaced."""

from django.http import HttpResponse


def home(request, **kwargs):
    return HttpResponse("home")


def service_worker(request, **kwargs):
    return HttpResponse("service_worker")


def book(request, **kwargs):
    return HttpResponse("book")


def entry_new(request, **kwargs):
    return HttpResponse("entry_new")


def entries(request, **kwargs):
    return HttpResponse("entries")


def entry_detail(request, **kwargs):
    return HttpResponse("entry_detail")


def entry_edit(request, **kwargs):
    return HttpResponse("entry_edit")


def entry_delete(request, **kwargs):
    return HttpResponse("entry_delete")


def entry_restore(request, **kwargs):
    return HttpResponse("entry_restore")


def receipt(request, **kwargs):
    return HttpResponse("receipt")
