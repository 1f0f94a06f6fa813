"""One-time codes: the proof that a person holds a phone.

`send_otp` creates a 6-digit code (only its keyed hash is stored), valid for a few minutes and a
few tries, and sends it through the channels of MALPRO_OTP_CHANNELS (notifications.services.
send_code: SMS by default; "whatsapp,sms" tries WhatsApp's authentication template first, then
SMS). A new code replaces the previous one; another may be asked for only after a pause, and a
phone and an address get only so many an hour. `check_otp` spends one try and uses the code
when it is right.

Counters (tries, sends) are written outside any transaction of the caller's, so a refused
attempt still counts.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from malpro.accounts.models import OneTimeCode, User
from malpro.core import audit, netaddr, throttle, validators
from malpro.core.exceptions import ApplicationError, RateLimited
from malpro.notifications import services as messages

CODE_DIGITS = 6
_PER_IP_PER_HOUR = 30


# Wrong codes from one address cost growing delays (whatever number they try).
GUESSES = throttle.Backoff(name="otp-guess-ip", free=10, base=30, cap=60 * 60)


@dataclass(frozen=True)
class Sent:
    """What the person is told after a request (the same whether an account exists or not).
    `ticket` goes back with the code (POST /auth/password/reset): the code is tried only with
    it."""

    sent_to: str  # the masked number
    expires_in: int
    resend_in: int
    ticket: str


def _hash(code_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"otp:{code_id}:{code}".encode(), "sha256").hexdigest()


def _text(purpose: str, code: str) -> str:
    minutes = settings.MALPRO_OTP_TTL_SECONDS // 60
    if purpose == OneTimeCode.Purpose.RESET:
        what = _("untuk mengatur ulang kata sandi")
    else:
        what = _("untuk memverifikasi nomor HP")
    return _(
        "%(code)s adalah kode %(site)s %(what)s. Berlaku %(minutes)d menit. "
        "JANGAN berikan kode ini kepada siapa pun, termasuk petugas."
    ) % {"code": code, "site": settings.MALPRO_SITE_NAME, "what": what, "minutes": minutes}


def _limited(usage: throttle.Usage, message: str) -> RateLimited:
    return RateLimited(
        message % {"wait": throttle.wait_words(usage.retry_after)},
        {"retry_after": usage.retry_after},
    )


def send_otp(*, phone: str, purpose: str, user: User | None, request=None) -> Sent:
    """Sends a new code for `purpose` to `phone` (E.164). With `user` None nothing is sent but
    the answer is the same (a reset for a number without an account must not tell so).

    Limits, each counted atomically: a pause between two codes asked from one address for one
    number; an hourly number of codes per (number, address), per number (more: several
    addresses may be the owner's) and per address. Someone else's requests therefore never
    replace or delay the owner's code. Raises RateLimited past them."""
    ttl = settings.MALPRO_OTP_TTL_SECONDS
    pause = settings.MALPRO_OTP_RESEND_SECONDS
    place = netaddr.rate_key(request)
    pair = f"{phone}|{place}"
    since_last = throttle.hit(f"otp-pause-{purpose}", pair, limit=1, window=pause)
    if since_last.exceeded:
        raise _limited(since_last, _("Kode baru dapat diminta lagi dalam %(wait)s."))
    if throttle.hit("otp-ip", place, limit=_PER_IP_PER_HOUR, window=3600).exceeded:
        raise RateLimited(_("Terlalu banyak permintaan kode dari jaringan ini. Coba lagi nanti."))
    hourly = settings.MALPRO_OTP_PER_HOUR
    for name, key, limit in (("otp-pair", pair, hourly), ("otp-phone", phone, hourly * 4)):
        usage = throttle.hit(name, key, limit=limit, window=3600)
        if usage.exceeded:
            message = _("Sudah terlalu banyak kode dikirim ke nomor ini. Coba lagi dalam %(wait)s.")
            raise _limited(usage, message)
    ticket = secrets.token_hex(16)
    answer = Sent(
        sent_to=validators.mask_phone(phone), expires_in=ttl, resend_in=pause, ticket=ticket
    )
    if user is None:
        return answer
    code = "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))
    now = timezone.now()
    with transaction.atomic():
        if purpose == OneTimeCode.Purpose.VERIFY:
            # Only the logged-in owner asks for these: a new one replaces the ones before.
            OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
                used_at=now
            )
        row = OneTimeCode.objects.create(
            phone=phone,
            purpose=purpose,
            user=user,
            code_hash="-",
            ticket=ticket,
            expires_at=now + timedelta(seconds=ttl),
        )
        row.code_hash = _hash(row.pk, code)
        row.save(update_fields=["code_hash"])
        audit.record(
            action="accounts.otp_sent",
            actor=user,
            target=user,
            data={"purpose": purpose, "phone": validators.mask_phone(phone)},
            ip=audit.client_ip(request),
        )
    try:
        messages.send_code(
            phone=phone,
            text=_text(purpose, code),
            purpose=purpose,
            code=code,
            user=user,
            language=user.language or "id",
        )
    except messages.CodeNotSent:
        OneTimeCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
        throttle.reset(f"otp-pause-{purpose}", pair, window=pause)
        raise ApplicationError(
            _("Kode tidak dapat dikirim saat ini. Coba lagi beberapa saat lagi."), status=503
        ) from None
    return answer


def check_otp(
    *, phone: str, purpose: str, code: str, ticket: str = "", request=None
) -> OneTimeCode:
    """Spends one try of the live code for (phone, purpose) — the one of `ticket` when given,
    else the newest — and marks it used when `code` is right. Raises ApplicationError (field
    "code") otherwise, or RateLimited when this address guessed wrong too often. Call it
    outside a transaction: the spent try must stay spent when the caller's work fails."""
    place = netaddr.rate_key(request)
    wait = GUESSES.attempt(place)
    if wait:
        raise RateLimited(
            _("Terlalu banyak kode salah dari jaringan ini. Tunggu %(wait)s.")
            % {"wait": throttle.wait_words(wait)},
            {"retry_after": wait},
        )
    try:
        row = _spend(phone=phone, purpose=purpose, code=code, ticket=ticket)
    except ApplicationError:
        GUESSES.failed(place)
        raise
    GUESSES.release(place)
    return row


def _spend(*, phone: str, purpose: str, code: str, ticket: str) -> OneTimeCode:
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    now = timezone.now()
    live = OneTimeCode.objects.filter(
        phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now
    )
    if ticket:
        live = live.filter(ticket=ticket)
    row = live.order_by("-created_at").first()
    if row is None or row.tries >= settings.MALPRO_OTP_MAX_TRIES:
        raise ApplicationError.for_field(
            "code",
            _("Kode tidak berlaku lagi (kedaluwarsa atau salah terlalu sering). Minta kode baru."),
        )
    # Spend the try first, atomically, so parallel guesses cannot share one.
    spent = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True, tries=row.tries).update(
        tries=F("tries") + 1
    )
    if not spent:
        raise ApplicationError.for_field(
            "code", _("Kode sedang diperiksa dari tempat lain. Coba lagi."), status=409
        )
    if len(code) != CODE_DIGITS or not hmac.compare_digest(row.code_hash, _hash(row.pk, code)):
        left = settings.MALPRO_OTP_MAX_TRIES - row.tries - 1
        if left <= 0:
            raise ApplicationError.for_field(
                "code", _("Kode salah, dan sudah terlalu sering salah. Minta kode baru.")
            )
        raise ApplicationError.for_field(
            "code",
            ngettext(
                "Kode salah. Sisa %(left)d kali percobaan.",
                "Kode salah. Sisa %(left)d kali percobaan.",
                left,
            )
            % {"left": left},
        )
    used = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not used:
        raise ApplicationError.for_field("code", _("Kode ini sudah dipakai. Minta kode baru."))
    row.used_at = now
    return row
