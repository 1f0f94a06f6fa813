from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from malpro.core.exceptions import NotFound
from malpro.core.views import redirect_next
from malpro.notifications import access, preferences, selectors, services
from malpro.notifications.forms import PreferencesForm


@login_required
@never_cache
def notification_list(request):
    unread_only = request.GET.get("belum") == "1"
    page = Paginator(
        selectors.notification_list(user=request.user, unread_only=unread_only),
        selectors.PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "next": request.get_full_path()},
    )


@never_cache
@require_GET
def unread_count(request):
    """The bell, for htmx to swap in every minute. A session that ended gets no content (the
    bell stays as it was) rather than the login page inside the header."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(
        request,
        "notifications/partials/bell.html",
        {"count": selectors.unread_count(user=request.user)},
    )


def _own(request, notification_id: int):
    try:
        return access.notification_get_for_user(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404 from None


def _internal(request, link: str) -> bool:
    # Only a path of this site: a link that names another host (or //host) is not followed.
    return (
        link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()})
    )


@login_required
def open_notification(request, notification_id: int):
    """Opening a notification marks it read and goes where it points (its page)."""
    note = _own(request, notification_id)
    services.mark_read(user=request.user, notification_ids=[note.pk])
    if note.link and _internal(request, note.link):
        return redirect(note.link)
    return redirect("notifications:list")


@login_required
@require_POST
def read_one(request, notification_id: int):
    note = _own(request, notification_id)
    services.mark_read(user=request.user, notification_ids=[note.pk])
    return redirect_next(request, "notifications:list")


@login_required
@require_POST
def read_all(request):
    count = services.mark_read(user=request.user)
    if count:
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
    return redirect_next(request, "notifications:list")


@login_required
@never_cache
def preferences_page(request):
    user = request.user
    current = selectors.preferences_of(user=user)
    initial = {"language": current["language"]} | {
        c["key"]: c["channels"] for c in current["categories"]
    }
    form = PreferencesForm(
        request.POST or None,
        initial=initial,
        categories=[c["key"] for c in current["categories"]],
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            preferences.preferences_set(user=user, choices=form.choices())
            services.language_set(user=user, language=form.cleaned_data["language"])
        messages.success(request, _("Pilihan pemberitahuan disimpan."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "reachable": set(current["reachable"]), "user_obj": user},
    )
