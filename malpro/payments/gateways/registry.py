from django.conf import settings

from malpro.payments.gateways.base import Gateway
from malpro.payments.gateways.midtrans import MidtransGateway
from malpro.payments.gateways.simulator import SimulatorGateway
from malpro.payments.gateways.snapbi import SnapBIGateway

GATEWAYS: dict[str, type[Gateway]] = {
    g.name: g for g in (SimulatorGateway, MidtransGateway, SnapBIGateway)
}


def gateway(name: str) -> Gateway:
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise LookupError(name) from None


def provider_for(method: str) -> str:
    return settings.MALPRO_PAYMENT_PROVIDERS[method]
