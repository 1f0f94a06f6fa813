from django import template

from malpro.core import validators
from malpro.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """{{ order.total|rupiah }} -> Rp15.000"""
    if amount in (None, ""):
        return ""
    return format_rupiah(int(amount))


@register.filter
def phone(e164):
    return validators.format_phone(e164) if e164 else ""


@register.filter
def masked_phone(e164):
    return validators.mask_phone(e164)


@register.filter
def masked_nik(nik):
    return validators.mask_nik(nik)
