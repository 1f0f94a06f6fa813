from django import template

from malpro.core import validators, words
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


@register.filter
def month_label(value):
    """{{ "2026-11"|month_label }} -> November 2026 (also a date, a (year, month) pair or an
    object with year and month)."""
    return words.month_label(value)


@register.filter
def minutes_words(minutes):
    """{{ 185|minutes_words }} -> 3 jam 5 menit; under a minute: "kurang dari 1 menit"."""
    if minutes in (None, ""):
        return ""
    return words.duration_words(minutes=minutes)


@register.filter
def seconds_words(seconds):
    if seconds in (None, ""):
        return ""
    return words.duration_words(seconds=seconds)


@register.filter
def quantity(number, unit):
    """{{ line.quantity|quantity:line.unit_label }} -> 2 pak"""
    return words.quantity_words(number, unit)
