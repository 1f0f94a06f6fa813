from django.utils.translation import gettext_lazy as _

from malpro.regions.selectors import city_villages


def village_choices():
    """The city's kelurahan grouped by kecamatan, for address and registration forms."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in city_villages():
        groups.setdefault(f"Kec. {village.district.name}", []).append((village.code, village.name))
    return [("", _("— pilih kelurahan —")), *groups.items()]
