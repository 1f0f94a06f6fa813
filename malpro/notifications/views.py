from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from malpro.notifications import access, services


@login_required
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {"notifications": access.notifications_visible(user=request.user)[:100]},
    )


@login_required
@require_POST
def read_all(request):
    services.mark_read(user=request.user)
    return redirect("notifications:list")
