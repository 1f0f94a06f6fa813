import datetime as dt

from ninja import Schema
from pydantic import Field


class ListQuery(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    total: int
    unread: int
    page: int
    page_size: int
    results: list[NotificationOut]


class CategoryOut(Schema):
    key: str
    label: str
    help: str
    channels: list[str]


class PreferencesOut(Schema):
    language: str
    reachable: list[str]
    categories: list[CategoryOut]


class CategoryIn(Schema):
    key: str = Field(..., max_length=20)
    channels: list[str] = Field(default_factory=list, max_length=3)


class PreferencesIn(Schema):
    """The shape GET answers; label, help and reachable may be sent back and are ignored.
    Categories not listed keep their channels; language, when given, is changed."""

    language: str | None = Field(None, max_length=5)
    categories: list[CategoryIn] = Field(default_factory=list, max_length=20)
