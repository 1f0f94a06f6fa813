"""The bell's first count, rendered with the page (htmx refreshes it from
/notifikasi/jumlah/). Lazy: the template calls it only where the bell is shown, once per
page (the answer is kept), and an anonymous page gets nothing to call."""

from functools import cache

from malpro.notifications import selectors


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_count() -> int:
        return selectors.unread_count(user=user)

    return {"unread_count": unread_count}
