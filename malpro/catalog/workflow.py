"""The product state machine, in one place: which move each party may make.

A seller publishes and unpublishes their products; a moderator (an officer of an agency
guiding the business, or a city admin) hides one from the marketplace with a reason and shows
it again. A hidden product stays hidden whatever its owner does until a moderator shows it.
"""

from django.utils.translation import gettext_lazy as _

from malpro.catalog import access
from malpro.catalog.access import MODERATOR, OWNER
from malpro.catalog.models import ProductStatus as S
from malpro.core.workflow import Machine

TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (S.DRAFT, S.PUBLISHED): {OWNER},
    (S.PUBLISHED, S.DRAFT): {OWNER},
    (S.DRAFT, S.HIDDEN): {MODERATOR},  # so that it cannot be published as it is
    (S.PUBLISHED, S.HIDDEN): {MODERATOR},
    (S.HIDDEN, S.PUBLISHED): {MODERATOR},
}
REASON_REQUIRED = {S.HIDDEN}

PRODUCT = Machine(
    name="product",
    states=S,
    edges=TRANSITIONS,
    parties=access.product_parties,
    labels=access.PARTY_LABELS,
    conflict_message=_("Produk berstatus %(from)s tidak dapat diubah menjadi %(to)s."),
    denied_message=_("Langkah ini hanya untuk %(who)s."),
    not_found_message=_("Produk tidak ditemukan."),
)
