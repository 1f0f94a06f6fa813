"""API of messages: the person's notifications and preferences (`router`) and the providers'
status callbacks (`webhook_router`, notifications.webhooks)."""

from ninja import Router

from malpro.notifications.webhooks import router as webhook_router

router = Router(tags=["notifications"])

__all__ = ["router", "webhook_router"]
