"""Pages of the cash book (being built)."""

from django.http import HttpResponse
from django.urls import path


def home(request):
    return HttpResponse("buku")


urlpatterns = [path("", home, name="home")]
