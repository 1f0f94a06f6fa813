from malpro.accounts.models import User


def user_me(*, user: User) -> dict:
    """The logged-in user as the API shows them to themselves."""
    roles = []
    for a in sorted(user.role_assignments, key=lambda a: (a.role, a.pk)):
        area = None
        if a.district_id:
            area = {"code": a.district.code, "name": a.district.name, "level": "kecamatan"}
        elif a.village_id:
            area = {"code": a.village.code, "name": a.village.name, "level": "kelurahan"}
        roles.append(
            {
                "role": a.role,
                "label": str(a.get_role_display()),
                "agency": {"code": a.agency.code, "name": a.agency.name} if a.agency_id else None,
                "area": area,
            }
        )
    return {
        "id": user.pk,
        "phone": user.phone,
        "phone_verified": user.phone_verified_at is not None,
        "name": user.name,
        "email": user.email,
        "roles": roles,
    }
