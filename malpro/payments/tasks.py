from celery import shared_task

from malpro.payments import consumers, services, settlements


@shared_task(name="payments.expire")
def expire() -> int:
    return services.payments_expire()


@shared_task(name="payments.daily_payout_batch")
def daily_payout_batch() -> int:
    made = 0
    for provider in settlements.providers_with_payables():
        if settlements.batch_create(actor=None, provider=provider) is not None:
            made += 1
    return made


@shared_task(name="payments.remind_expiring")
def remind_expiring() -> int:
    return consumers.remind_expiring()
