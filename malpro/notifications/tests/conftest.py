"""Fixtures the notifications tests share: the local fake of the WhatsApp Cloud API wired into
the settings, and a message template of their own (`test_kind`, with TEST_KIND/CONTEXT in
notifications.tests.helpers)."""

import pytest

from malpro.notifications import kinds
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp
from malpro.notifications.tests.helpers import TEST_KIND


@pytest.fixture
def fake(settings):
    with FakeWhatsApp() as fake:
        fake.use(settings)
        yield fake


@pytest.fixture
def test_kind():
    kinds.register(TEST_KIND)
    yield TEST_KIND
    kinds._KINDS.pop(TEST_KIND.key, None)
