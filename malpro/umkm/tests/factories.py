import itertools

from malpro.accounts.models import Agency
from malpro.regions.models import Village
from malpro.umkm.models import Business, Guidance, Status, StatusChange

_seq = itertools.count(1)


def nik(n: int) -> str:
    """A valid NIK of Kota Malang (Lowokwaru), born 12/03/1985, sequence n."""
    return f"357305120385{n:04d}"


def make_business(
    *, owner=None, status=None, agencies=("DISKOPINDAG",), village="35.73.05.1003", **fields
) -> Business:
    n = next(_seq)
    values = {
        "name": f"Usaha Contoh {n}",
        "owner_name": f"Pemilik {n}",
        "owner_nik": nik(n),
        "phone": f"+62813000{n:05d}",
        "sector": "makanan_minuman",
        "village": Village.objects.get(code=village),
        "address": f"Jl. Contoh {n}",
    }
    values.update(fields)
    if status is None:  # an active shop needs an owner account
        status = Status.ACTIVE if owner is not None else Status.VERIFIED
    business = Business.objects.create(
        owner=owner, status=status, on_marketplace=status == Status.ACTIVE, **values
    )
    for code in agencies:
        Guidance.objects.create(business=business, agency=Agency.objects.get(code=code))
    StatusChange.objects.create(business=business, from_status="", to_status=status)
    return business
