"""Every message to a person goes through `send()`; a worker sends the outbox (`dispatch`).

- `send(user=, kind=, context=, event= or key=)` writes the in-app notification at once and
  queues one `Message` per outside channel the person chose for the kind's category and can
  be reached on. It runs inside the caller's transaction (an event consumer's): the rows
  exist exactly when the consumer's work does, and the hand-over to the worker happens after
  the commit. Each row is unique per (event or key, recipient, template, channel), so a
  consumer that runs twice queues nothing twice.
- `dispatch()` (the worker) claims due messages (SKIP LOCKED on PostgreSQL, so two workers
  never take the same one), renders each in the recipient's language, sends it and records
  the try. A temporary failure is retried with exponential back-off; a permanent one fails
  the message (and a number without WhatsApp gets the message by SMS instead).
- A worker killed mid-batch leaves its claimed messages SENDING. The sweep takes them back
  once their lease has passed; by then the provider's status callback has marked those it
  had received (by our id, echoed back), so each is sent once.
- `send_code()` sends a one-time code now (no outbox, no quiet hours), and keeps a row
  without the code.

Phone numbers, addresses and message texts never go into logs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from malpro.core import throttle
from malpro.notifications import channels, kinds, preferences, quiet
from malpro.notifications.channels.base import Outgoing, Refused, Retry
from malpro.notifications.models import Message, MessageAttempt, Notification

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 60 * 60
ORDER = {s: i for i, s in enumerate(["pending", "sending", "sent", "delivered", "read"])}


def _base_key(event, key: str | None) -> str:
    if key:
        return key
    if event is not None:
        return str(event.uid)
    raise ValueError("send() needs an event or a key: that is what makes it idempotent")


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.MALPRO_PUBLIC_URL}{link}"


def send(
    *,
    user,
    kind: str,
    context: dict | None = None,
    event=None,
    key: str | None = None,
    channels_only: tuple[str, ...] | None = None,
    expires_at=None,
) -> Notification | None:
    """Tells `user` about something: the bell now, their chosen outside channels through the
    outbox. Returns the in-app notification (None when this one was already sent).

    `expires_at`: past it the message is pointless (a payment's deadline). Outside channels
    are not used when quiet hours would hold the message until then, and the worker skips
    one that could not be sent in time; the bell has it anyway."""
    # One transaction: the bell and the outbox rows exist together or not at all (a caller
    # outside a transaction, such as a periodic job, never leaves a bell without its rows).
    with transaction.atomic():
        return _send(user, kind, context, event, key, channels_only, expires_at)


def _send(user, kind, context, event, key, channels_only, expires_at):
    template = kinds.get(kind)
    context = dict(context or {})
    base = f"{_base_key(event, key)}:{user.pk}:{kind}"
    rendered = template.render(context, user.language)
    note = None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user,
                kind=kind,
                title=rendered.title,
                body=rendered.body,
                link=rendered.link,
                event=event,
                dedupe_key=f"{base}:in_app"[:150],
            )
    except IntegrityError:
        return None
    wanted = preferences.channels_for(user, template.category)
    if channels_only is not None:
        wanted = [ch for ch in wanted if ch in channels_only]
    now = timezone.now()
    due = quiet.next_allowed(now) if template.quiet else now
    if expires_at is not None and due >= expires_at:
        wanted = []
    rows = [
        Message(
            user=user,
            template=kind,
            channel=ch,
            event=event,
            dedupe_key=f"{base}:{ch}"[:190],
            uid=uuid.uuid4().hex,
            context=context,
            language=user.language,
            next_attempt_at=due,
            expires_at=expires_at,
        )
        for ch in wanted
    ]
    if rows:
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        keys = [r.dedupe_key for r in rows]
        if due <= now:
            transaction.on_commit(lambda: _hand_over(keys), robust=True)
    return note


def _hand_over(keys: list[str]) -> None:
    from malpro.notifications import tasks  # the task module imports this one

    ids = list(
        Message.objects.filter(dedupe_key__in=keys, state=Message.State.PENDING).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return
    try:
        tasks.send_messages.delay(ids)
    except Exception:  # broker down: the sweep sends them
        log.warning("messages %s: hand-over to the worker failed; the sweep sends them", ids)


# --- the worker ----------------------------------------------------------------------------------
@dataclass
class Dispatched:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __add__(self, other):
        return Dispatched(
            self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed
        )


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def claim(*, ids=None, limit: int = 100, now=None) -> list[Message]:
    """Takes up to `limit` due messages for this worker (SENDING, with a lease). The rows are
    marked with this batch's token under the condition that they are still pending, so even
    where SKIP LOCKED does not exist (SQLite) two workers never take the same message."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        qs = Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=now)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        picked = list(qs.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not picked:
            return []
        Message.objects.filter(pk__in=picked, state=Message.State.PENDING).update(
            state=Message.State.SENDING,
            claimed_until=now + dt.timedelta(seconds=settings.MALPRO_MESSAGE_LEASE_SECONDS),
            claimed_by=token,
            attempts=F("attempts") + 1,
        )
    return list(
        Message.objects.filter(pk__in=picked, claimed_by=token, state=Message.State.SENDING)
        .select_related("user")
        .order_by("pk")
    )


def outgoing(message: Message) -> Outgoing | None:
    """The message as its channel takes it, or None when the person cannot be reached."""
    channel = channels.get(message.channel)
    to = channel.address(message.user)
    if not to:
        return None
    template = kinds.get(message.template)
    rendered = template.render(message.context, message.language)
    link = absolute(rendered.link)
    text = f"{rendered.title}\n{rendered.body}" + (f"\n{link}" if link else "")
    return Outgoing(
        to=to,
        title=rendered.title,
        text=text,
        template=template.whatsapp_name,
        params=rendered.params,
        language=message.language,
        uid=message.uid,
        link=link,
    )


def _finish(message: Message, *, ok: bool, started: float, error: str = "", **fields) -> None:
    """Records a try and the message's new state (unless a status callback moved it on), in
    one commit right after the provider's answer (one disk flush per message, not three)."""
    with transaction.atomic():
        MessageAttempt.objects.create(
            message=message,
            ok=ok,
            error=error[:300],
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        # Only while this worker still holds it: a claim taken back and given to another
        # worker is that worker's to record.
        moved = Message.objects.filter(
            pk=message.pk, state=Message.State.SENDING, claimed_by=message.claimed_by
        ).update(claimed_until=None, last_error=error[:300], **fields)
        if not moved and ok and fields.get("provider_id"):
            # The callback came first (it found the row by our id): keep its state, add the
            # provider's id.
            Message.objects.filter(pk=message.pk, provider_id="").update(
                provider_id=fields["provider_id"]
            )


def _prepare(message: Message, *, now=None) -> Outgoing | str:
    """The message as its channel takes it, or the outcome when it is settled without a send
    (too late, not renderable, nobody to send it to)."""
    started = time.monotonic()
    moment = now or timezone.now()
    template = kinds.get_or_none(message.template)
    if template is not None and template.quiet and quiet.is_quiet(moment):
        # Due before the quiet hours (a backlog, a lost hand-over, a taken-back claim): it
        # waits for the morning, or is dropped if the morning is too late for it.
        morning = quiet.next_allowed(moment)
        if message.expires_at is not None and morning >= message.expires_at:
            _finish(
                message,
                ok=False,
                started=started,
                error="too late: quiet hours until its deadline",
                state=Message.State.SKIPPED,
            )
            return "failed"
        Message.objects.filter(
            pk=message.pk, state=Message.State.SENDING, claimed_by=message.claimed_by
        ).update(
            state=Message.State.PENDING,
            next_attempt_at=morning,
            claimed_until=None,
            attempts=F("attempts") - 1,
        )
        return "retrying"
    if message.expires_at is not None and moment >= message.expires_at:
        _finish(
            message,
            ok=False,
            started=started,
            error="too late: its moment had passed",
            state=Message.State.SKIPPED,
        )
        return "failed"
    try:
        out = outgoing(message)
    except Exception as exc:  # a template or context that cannot render: a bug, not a retry
        _finish(
            message,
            ok=False,
            started=started,
            error=f"render: {type(exc).__name__}",
            state=Message.State.FAILED,
        )
        return "failed"
    if out is None:
        _finish(
            message,
            ok=False,
            started=started,
            error="no address on this channel",
            state=Message.State.SKIPPED,
        )
        return "failed"
    return out


@dataclass
class _Call:
    """One provider call's result. Made in a sender thread: it touches no database."""

    message: Message
    started: float
    provider_id: str = ""
    error: Exception | None = None


def _call(message: Message, out: Outgoing) -> _Call:
    call = _Call(message=message, started=time.monotonic())
    try:
        call.provider_id = channels.get(message.channel).send(out) or ""
    except Exception as exc:  # Retry, Refused, or anything unexpected from a provider library
        call.error = exc
    return call


def _settle_failure(call: _Call, *, now=None) -> str:
    message, exc, started = call.message, call.error, call.started
    if isinstance(exc, Refused):
        _finish(
            message, ok=False, started=started, error=f"refused: {exc}", state=Message.State.FAILED
        )
        if exc.fallback and message.channel == kinds.WHATSAPP:
            _fall_back_to_sms(message)
        return "failed"
    reason = str(exc) if isinstance(exc, Retry) else type(exc).__name__
    if message.attempts >= settings.MALPRO_MESSAGE_MAX_ATTEMPTS:
        _finish(
            message,
            ok=False,
            started=started,
            error=f"gave up: {reason}",
            state=Message.State.FAILED,
        )
        return "failed"
    later = quiet.next_allowed((now or timezone.now()) + backoff(message.attempts))
    _finish(
        message,
        ok=False,
        started=started,
        error=reason,
        state=Message.State.PENDING,
        next_attempt_at=later,
    )
    return "retrying"


def _record_sent(calls: list[_Call]) -> None:
    """Marks sent messages in one commit: their tries, their state (unless a status callback
    moved it on) and the provider's ids."""
    if not calls:
        return
    now = timezone.now()
    with transaction.atomic():
        MessageAttempt.objects.bulk_create(
            [
                MessageAttempt(
                    message=c.message,
                    ok=True,
                    duration_ms=int((time.monotonic() - c.started) * 1000),
                )
                for c in calls
            ]
        )
        for token in {c.message.claimed_by for c in calls}:
            Message.objects.filter(
                pk__in=[c.message.pk for c in calls if c.message.claimed_by == token],
                state=Message.State.SENDING,
                claimed_by=token,
            ).update(state=Message.State.SENT, sent_at=now, claimed_until=None, last_error="")
        with_ids = []
        for c in calls:
            if c.provider_id:
                c.message.provider_id = c.provider_id[:128]
                with_ids.append(c.message)
        if with_ids:
            Message.objects.bulk_update(with_ids, ["provider_id"])


def send_one(message: Message, *, now=None) -> str:
    """Sends one claimed message; returns "sent", "retrying" or "failed"."""
    out = _prepare(message, now=now)
    if isinstance(out, str):
        return out
    return send_one_prepared(message, out, now=now)


def _fall_back_to_sms(message: Message) -> None:
    due = quiet.next_allowed(timezone.now())
    if message.expires_at is not None and due >= message.expires_at:
        return  # too late for it: the bell has it
    if (
        message.user is None
        or Message.objects.filter(dedupe_key=message.dedupe_key.rsplit(":", 1)[0] + ":sms").exists()
    ):
        return
    Message.objects.bulk_create(
        [
            Message(
                user=message.user,
                template=message.template,
                channel=kinds.SMS,
                event_id=message.event_id,
                dedupe_key=message.dedupe_key.rsplit(":", 1)[0] + ":sms",
                uid=uuid.uuid4().hex,
                context=message.context,
                language=message.language,
                next_attempt_at=due,
                expires_at=message.expires_at,
            )
        ],
        ignore_conflicts=True,
    )


# Sent messages are marked in groups of this many when a batch is sent concurrently.
RECORD_EVERY = 20


def dispatch(*, ids=None, limit: int = 100, now=None, senders: int | None = None) -> Dispatched:
    """One batch: claims due messages and sends them, `senders` at a time
    (MALPRO_MESSAGE_SENDERS): the provider's latency, not the worker, sets the pace, so one
    worker process keeps several calls in flight. Sender threads only talk to the provider;
    this thread does every database write: failures at once, sent messages in groups. Before
    each send it makes sure the claim is still this worker's, renewing the lease of what it
    has not sent yet, so a slow provider never lets the sweep hand the rest to another."""
    senders = max(1, senders or settings.MALPRO_MESSAGE_SENDERS)
    outcomes: list[str] = []
    ready: list[tuple[Message, Outgoing]] = []
    for message in claim(ids=ids, limit=limit, now=now):
        out = _prepare(message, now=now)
        if isinstance(out, str):
            outcomes.append(out)
        else:
            ready.append((message, out))
    lease = _Lease(ready)
    if len(ready) <= 1 or senders == 1:
        for message, out in ready:
            if lease.still_ours(message):
                outcomes.append(send_one_prepared(message, out, now=now))
    else:
        outcomes += _send_concurrently(ready, senders, lease, now=now)
    return Dispatched(
        sent=outcomes.count("sent"),
        retrying=outcomes.count("retrying"),
        failed=outcomes.count("failed"),
    )


class _Lease:
    """Keeps a batch's claims alive while it is being sent: past half the lease, the claims of
    the messages not sent yet are renewed; one the sweep has taken back meanwhile is dropped
    (another worker sends it)."""

    def __init__(self, ready):
        self.length = dt.timedelta(seconds=settings.MALPRO_MESSAGE_LEASE_SECONDS)
        self.waiting = {m.pk: m for m, _out in ready}
        self.renew_at = time.monotonic() + self.length.total_seconds() / 2
        self.lost: set[int] = set()

    def still_ours(self, message: Message) -> bool:
        self.waiting.pop(message.pk, None)
        if time.monotonic() >= self.renew_at:
            self._renew(message)
        return message.pk not in self.lost

    def _renew(self, current: Message) -> None:
        mine = [current, *self.waiting.values()]
        until = timezone.now() + self.length
        kept = set()
        for token in {m.claimed_by for m in mine}:
            ids = [m.pk for m in mine if m.claimed_by == token]
            Message.objects.filter(
                pk__in=ids, state=Message.State.SENDING, claimed_by=token
            ).update(claimed_until=until)
            kept |= set(
                Message.objects.filter(
                    pk__in=ids, state=Message.State.SENDING, claimed_by=token
                ).values_list("pk", flat=True)
            )
        self.lost |= {m.pk for m in mine} - kept
        self.renew_at = time.monotonic() + self.length.total_seconds() / 2


def _send_concurrently(ready, senders: int, lease: _Lease, *, now=None) -> list[str]:
    outcomes: list[str] = []
    sent: list[_Call] = []
    queue = list(reversed(ready))
    with ThreadPoolExecutor(max_workers=min(senders, len(ready))) as pool:
        running = set()
        try:
            while queue or running:
                while queue and len(running) < senders:
                    message, out = queue.pop()
                    if lease.still_ours(message):
                        running.add(pool.submit(_call, message, out))
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    call = future.result()
                    if call.error is not None:
                        outcomes.append(_settle_failure(call, now=now))
                        continue
                    sent.append(call)
                    outcomes.append("sent")
                    if len(sent) >= RECORD_EVERY:
                        _record_sent(sent)
                        sent = []
        finally:
            # Whatever happened to the loop (a database error settling a failure), what the
            # provider took is recorded, or it would be sent again after the lease.
            for future in running:
                call = future.result()
                if call.error is None:
                    sent.append(call)
                    outcomes.append("sent")
            _record_sent(sent)
    return outcomes


def send_one_prepared(message: Message, out: Outgoing, *, now=None) -> str:
    call = _call(message, out)
    if call.error is not None:
        return _settle_failure(call, now=now)
    _record_sent([call])
    return "sent"


def reclaim(*, now=None) -> int:
    """Messages whose worker stopped holding them (killed mid-batch) are due again, unless
    the provider said in the meantime that it had them."""
    now = now or timezone.now()
    return Message.objects.filter(state=Message.State.SENDING, claimed_until__lt=now).update(
        state=Message.State.PENDING,
        claimed_until=None,
        next_attempt_at=now,
        last_error="worker stopped while sending; sending again",
    )


def send_due(*, now=None, batch: int = 200, max_batches: int = 50) -> Dispatched:
    """The periodic sweep: takes back stale claims, then sends what is due."""
    reclaim(now=now)
    total = Dispatched()
    for _ in range(max_batches):
        done = dispatch(limit=batch, now=now)
        total += done
        if done.sent + done.retrying + done.failed < batch:
            break
    return total


# --- status callbacks ----------------------------------------------------------------------------
def status_update(
    *,
    channel: str,
    status: str,
    provider_id: str = "",
    uid: str = "",
    at=None,
    error: str = "",
    fallback: bool = False,
) -> bool:
    """A provider says what became of a message (sent, delivered, read, failed). Found by our
    id when the provider echoes it, else by the provider's id. States only move forward.
    `fallback` (a WhatsApp failure because the number has no WhatsApp) queues the message by
    SMS instead. Returns whether a message was found."""
    at = at or timezone.now()
    with transaction.atomic():
        # The row lock orders two callbacks about one message (read and delivered arriving
        # together on two servers): each decides on the state the other left.
        return _status_update(channel, status, provider_id, uid, at, error, fallback)


def _status_update(channel, status, provider_id, uid, at, error, fallback) -> bool:
    qs = Message.objects.select_for_update().filter(channel=channel)
    if uid:
        qs = qs.filter(uid=uid)
    elif provider_id:
        qs = qs.filter(provider_id=provider_id)
    else:
        return False
    message = qs.first()
    if message is None:
        return False
    fields: dict = {}
    if provider_id and not message.provider_id:
        fields["provider_id"] = provider_id[:128]
    if status == "failed":
        if message.state in (Message.State.SENDING, Message.State.SENT):
            fields.update(state=Message.State.FAILED, last_error=f"provider: {error}"[:300])
            if fallback and channel == kinds.WHATSAPP:
                if message.dedupe_key.startswith("now:"):
                    # A code: it exists nowhere any more; the next one goes by SMS.
                    _no_whatsapp(message.user.phone if message.user else "")
                else:
                    _fall_back_to_sms(message)
    elif status in ("sent", "delivered", "read"):
        if ORDER.get(message.state, -1) < ORDER[status] or message.state == Message.State.FAILED:
            fields["state"] = status
            fields["claimed_until"] = None
        if message.sent_at is None:
            fields["sent_at"] = at
        if status in ("delivered", "read") and message.delivered_at is None:
            fields["delivered_at"] = at
        if status == "read" and message.read_at is None:
            fields["read_at"] = at
    if fields:
        Message.objects.filter(pk=message.pk).update(**fields)
    return True


# --- one-time codes ------------------------------------------------------------------------------
class CodeNotSent(Exception):
    """No channel took the code."""


NO_WHATSAPP_DAYS = 30


def _no_whatsapp(phone: str) -> None:
    """Remembers (keyed hash only) that WhatsApp said this number has no account."""
    if phone:
        throttle.remember("no-whatsapp", phone, days=NO_WHATSAPP_DAYS)


def _send_now(*, channel: str, out: Outgoing, template: str, user, language: str) -> Message:
    """Sends `out` on `channel` at once (no outbox, no quiet hours) and keeps a row of it
    without its text; the row is SENT or FAILED afterwards."""
    message = Message.objects.create(
        user=user,
        template=template,
        channel=channel,
        dedupe_key=f"now:{out.uid}:{channel}",
        uid=out.uid,
        language=language,
        state=Message.State.SENDING,
        attempts=1,
    )
    started = time.monotonic()
    try:
        provider_id = channels.get(channel).send(out)
    except (Retry, Refused) as exc:
        _finish(message, ok=False, started=started, error=str(exc), state=Message.State.FAILED)
        if isinstance(exc, Refused) and exc.fallback and channel == kinds.WHATSAPP:
            _no_whatsapp(out.to)
        message.state = Message.State.FAILED
        return message
    _finish(
        message,
        ok=True,
        started=started,
        state=Message.State.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id or "",
    )
    message.state = Message.State.SENT
    return message


def send_code(*, phone: str, text: str, purpose: str, code: str, user=None, language="id"):
    """Sends a one-time code now, through MALPRO_OTP_CHANNELS in order (WhatsApp's
    authentication template takes the code as its one value). Keeps a row per try without
    the code. Raises CodeNotSent when every channel refused. A number WhatsApp said has no
    account (at once, or later in a status callback) gets its codes by SMS for a while."""
    for name in settings.MALPRO_OTP_CHANNELS:
        if name not in (kinds.WHATSAPP, kinds.SMS):
            continue
        if name == kinds.WHATSAPP and throttle.known("no-whatsapp", phone):
            continue
        out = Outgoing(
            to=phone,
            title="",
            text=text,
            template=f"malpro_otp_{purpose}",
            params=(code,),
            language=language,
            uid=uuid.uuid4().hex,
        )
        message = _send_now(
            channel=name, out=out, template=f"otp.{purpose}", user=user, language=language
        )
        if message.state == Message.State.SENT:
            return message
    raise CodeNotSent()


def send_text_now(*, phone: str, text: str, template: str, user=None, language="id"):
    """A notice by SMS, now, to a number that is not (or no longer) an account's: the text
    goes out, the row keeps only `template` and the outcome. Returns the Message."""
    out = Outgoing(
        to=phone,
        title="",
        text=text,
        template="",
        params=(),
        language=language,
        uid=uuid.uuid4().hex,
    )
    return _send_now(channel=kinds.SMS, out=out, template=template, user=user, language=language)


# --- the bell ------------------------------------------------------------------------------------
def mark_read(*, user, notification_ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def language_set(*, user, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    user.language = language
    user.save(update_fields=["language"])


def translation_for(user):
    return translation.override(getattr(user, "language", "id") or "id")
