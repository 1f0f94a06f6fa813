"""Where a person is logged in: browsers and API clients, listed and ended by their owner.

A browser login is a Django session plus one LoginSession row, whose id the session carries
(`malpro_login`); `LoginSessionMiddleware` checks that row on every request, so ending it logs
that browser out at its next click, whatever the session store. An API login is a chain of
short-lived tokens (MALPRO_API_TOKEN_HOURS) renewed up to the session's absolute end
(MALPRO_API_SESSION_DAYS).

Each row carries the password's session hash from its start: a password changed anywhere (the
pages, a reset, the back office) invalidates every token and browser of the old password.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from malpro.accounts.models import ApiToken, LoginSession, User
from malpro.core import audit
from malpro.core.exceptions import NotFound, PermissionDenied

SESSION_FIELD = "malpro_login"
_TOUCH_EVERY = timedelta(minutes=1)


def password_stamp(user: User) -> str:
    """Changes whenever the password does (a keyed hash of its hash)."""
    return salted_hmac("malpro.login-session", user.password, algorithm="sha256").hexdigest()[:32]


def _device(request) -> str:
    agent = (request.headers.get("User-Agent", "") if request is not None else "")[:300]
    return describe_agent(agent)


def describe_agent(agent: str) -> str:
    """'Chrome di Android', 'Firefox di Windows', 'curl': enough for a person to recognise."""
    lower = agent.lower()
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("samsungbrowser", "Samsung Internet"),
                ("firefox", "Firefox"),
                ("chrome", "Chrome"),
                ("safari", "Safari"),
                ("curl", "curl"),
                ("python", "Python"),
                ("okhttp", "Aplikasi Android"),
            )
            if key in lower
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("linux", "Linux"),
            )
            if key in lower
        ),
        "",
    )
    if browser and system:
        return _("%(browser)s di %(system)s") % {"browser": browser, "system": system}
    return browser or system or (agent[:60] if agent else _("Perangkat tidak dikenal"))


# --- browsers ------------------------------------------------------------------------------------
def web_started(request, user: User) -> LoginSession:
    """A browser logged in (the user_logged_in signal)."""
    now = timezone.now()
    if not request.session.session_key:
        request.session.save()
    row = LoginSession.objects.create(
        user=user,
        kind=LoginSession.Kind.WEB,
        session_key=request.session.session_key or "",
        device=_device(request),
        ip=audit.client_ip(request),
        expires_at=now + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        password_stamp=password_stamp(user),
    )
    request.session[SESSION_FIELD] = str(row.pk)
    return row


def web_touch(request) -> None:
    """Every request of a logged-in browser: logged out if its LoginSession was ended; its
    last use noted (at most once a minute)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    login_id = request.session.get(SESSION_FIELD)
    if not login_id:
        # Logged in before sessions were listed: list it from now on.
        web_started(request, user)
        return
    row = (
        LoginSession.objects.filter(pk=login_id, user=user)
        .values("ended_at", "last_used_at", "session_key")
        .first()
    )
    if row is None or row["ended_at"] is not None:
        logout(request)
        return
    now = timezone.now()
    key = request.session.session_key or ""
    if now - row["last_used_at"] > _TOUCH_EVERY or (key and key != row["session_key"]):
        LoginSession.objects.filter(pk=login_id).update(
            last_used_at=now, session_key=key or row["session_key"]
        )


def web_ended(request) -> None:
    """The browser logged out (the user_logged_out signal)."""
    session = getattr(request, "session", None)
    login_id = session.get(SESSION_FIELD) if session is not None else None
    if login_id:
        LoginSession.objects.filter(pk=login_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="logout"
        )


def _delete_browser_session(session_key: str) -> None:
    if session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        store(session_key=session_key).delete()


# --- API clients ---------------------------------------------------------------------------------
def _issue(session: LoginSession, name: str) -> tuple[str, ApiToken]:
    raw = "mp_" + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=session.user,
        session=session,
        key_hash=ApiToken.hash(raw),
        prefix=raw[:10],
        name=name[:120],
        expires_at=min(now + timedelta(hours=settings.MALPRO_API_TOKEN_HOURS), session.expires_at),
    )
    return raw, token


@transaction.atomic
def api_started(*, user: User, request=None, name: str = "") -> tuple[str, ApiToken]:
    """An API login: a new session and its first token. Returns (raw token, row); the raw
    token is never stored."""
    now = timezone.now()
    session = LoginSession.objects.create(
        user=user,
        kind=LoginSession.Kind.API,
        device=_device(request),
        ip=audit.client_ip(request),
        expires_at=now + timedelta(days=settings.MALPRO_API_SESSION_DAYS),
        password_stamp=password_stamp(user),
    )
    return _issue(session, name or f"API {session.device}")


@transaction.atomic
def api_renewed(*, token: ApiToken) -> tuple[str, ApiToken]:
    """Trades a live token for a new one in the same session (the old one ends now)."""
    session = LoginSession.objects.select_for_update().filter(pk=token.session_id).first()
    now = timezone.now()
    if session is None or session.ended_at is not None or session.expires_at <= now:
        raise PermissionDenied(_("Sesi ini sudah berakhir. Silakan masuk lagi."), status=401)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    LoginSession.objects.filter(pk=session.pk).update(last_used_at=now)
    return _issue(session, token.name)


def api_authenticated(*, raw: str) -> ApiToken | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "session")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    session = token.session
    if (
        session is None
        or session.ended_at is not None
        or not constant_time_compare(session.password_stamp, password_stamp(token.user))
    ):
        return None
    # One write a minute at most, not one per request.
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        LoginSession.objects.filter(pk=session.pk).update(last_used_at=now)
    return token


def api_ended(*, token: ApiToken) -> None:
    """The API client logged out: its session ends with the token."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if token.session_id:
        _end([token.session_id], reason="logout")


# --- listing and ending --------------------------------------------------------------------------
def live(*, user: User):
    """The sessions a person is logged in with now (newest use first)."""
    return LoginSession.objects.filter(
        user=user,
        ended_at__isnull=True,
        expires_at__gt=timezone.now(),
        password_stamp=password_stamp(user),
    ).order_by("-last_used_at")


def _end(ids, *, reason: str) -> int:
    now = timezone.now()
    rows = list(
        LoginSession.objects.select_for_update().filter(pk__in=list(ids), ended_at__isnull=True)
    )
    for row in rows:
        _delete_browser_session(row.session_key)
    ApiToken.objects.filter(session__in=rows, revoked_at__isnull=True).update(revoked_at=now)
    LoginSession.objects.filter(pk__in=[r.pk for r in rows]).update(
        ended_at=now, end_reason=reason[:40]
    )
    return len(rows)


@transaction.atomic
def end_one(*, user: User, session_id, request=None) -> None:
    """A person ends one of their own sessions."""
    if not LoginSession.objects.filter(pk=session_id, user=user, ended_at__isnull=True).exists():
        raise NotFound(_("Sesi tidak ditemukan atau sudah berakhir."))
    _end([session_id], reason="ended_by_user")
    audit.record(
        action="accounts.session_ended", actor=user, target=user, ip=audit.client_ip(request)
    )


@transaction.atomic
def end_all(*, user: User, reason: str, keep=None, actor=None, request=None) -> int:
    """Ends every session and token of `user` (but `keep`, the id of the one in use, if given).
    Used by "keluar dari semua perangkat", password changes and resets, and recoveries."""
    ids = LoginSession.objects.filter(user=user, ended_at__isnull=True)
    if keep:
        ids = ids.exclude(pk=keep)
    ended = _end(ids.values_list("pk", flat=True), reason=reason)
    # Tokens from before sessions were listed have no session: they end too.
    ApiToken.objects.filter(user=user, session__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit.record(
        action="accounts.sessions_ended",
        actor=actor or user,
        target=user,
        data={"reason": reason, "count": ended, "kept_current": bool(keep)},
        ip=audit.client_ip(request),
    )
    return ended


def restamp(request, user: User) -> None:
    """After a password change in this browser: the session in use stays valid."""
    login_id = request.session.get(SESSION_FIELD) if request is not None else None
    if login_id:
        LoginSession.objects.filter(pk=login_id).update(password_stamp=password_stamp(user))
