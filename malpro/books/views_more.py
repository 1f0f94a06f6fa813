"""Pages of debts, stock, reports, sharing, assistance and the agency's view (being built)."""

from django.http import HttpResponse
from django.urls import path


def shared(request):
    return HttpResponse("dibagikan")


urlpatterns = [path("dibagikan/", shared, name="shared")]
