"""Providers' status callbacks: POST /api/v1/notifications/webhooks/{provider}."""

from ninja import Router

router = Router(tags=["notifications"])
