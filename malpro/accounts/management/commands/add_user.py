import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from malpro.accounts import services
from malpro.accounts.models import User
from malpro.accounts.roles import Role
from malpro.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Creates a user (or updates an existing one's password, name and roles) from the command "
        "line. Repeat --role for several roles. agency_officer needs --agency CODE; "
        "area_operator needs --area with a kecamatan (35.73.01) or kelurahan (35.73.01.1001) "
        "code. Exits 2 on a bad phone number, role, password or code, changing nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True)
        parser.add_argument("--password", help="Password; or --password-stdin")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (keeps it out of ps)",
        )
        parser.add_argument(
            "--role", action="append", required=True, help=f"One of: {', '.join(Role.values)}"
        )
        parser.add_argument("--agency", help="Agency code for agency_officer, e.g. DISKOPINDAG")
        parser.add_argument("--area", help="Kecamatan or kelurahan code for area_operator")
        parser.add_argument("--name", help="Full name")

    def handle(self, *args, **opts):
        password = sys.stdin.readline().rstrip("\n") if opts["password_stdin"] else opts["password"]
        if not password:
            raise CommandError(
                "A password is required (--password or --password-stdin).", returncode=2
            )
        try:
            with transaction.atomic():
                user, created = self._save(opts, password)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from None
        roles = ", ".join(str(a) for a in user.role_assignments)
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} user {user.phone} ({user.name}) roles: {roles}")

    def _save(self, opts, password):
        phone = services.phone_normalise(phone=opts["phone"])
        user = User.objects.filter(phone=phone).first()
        created = user is None
        if created:
            user = services.user_register(
                phone=phone, password=password, name=opts["name"] or phone
            )
        else:
            services.user_set_password(user=user, password=password)
            if opts["name"]:
                services.user_update_profile(user=user, name=opts["name"], email=user.email)
        for role in opts["role"]:
            services.role_grant(
                user=user, role=role.strip(), agency_code=opts["agency"], area_code=opts["area"]
            )
        return user, created
