from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from malpro.orders import services

CART_TOKEN = "cart_token"


@receiver(user_logged_in)
def _merge_cart(sender, request, user, **kwargs):
    # Session data survives login (only the session's key is rotated), so the anonymous
    # basket is found by the token it was stored under.
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(CART_TOKEN, None)
    if token:
        services.cart_merge(session_key=token, user=user)
