"""``dvcbot staff add NAME --role agent|supervisor|admin``: create a call-centre staff account.

The password never travels in argv (where ``ps`` and shell history would keep it): it comes from
``DVCBOT_STAFF_PASSWORD``, from standard input with ``--password-stdin``, or from a prompt typed
twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from console.staff import Role, StaffStore

__all__ = ["PASSWORD_ENV", "add_staff_parser", "run_staff"]

PASSWORD_ENV = "DVCBOT_STAFF_PASSWORD"


def add_staff_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser("staff", help="call-centre staff accounts (the /console)")
    actions = staff.add_subparsers(dest="staff_action", required=True)
    add = actions.add_parser(
        "add", help=f"create an account; the password from ${PASSWORD_ENV}, stdin or a prompt"
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_staff(settings, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from bot.service import make_engine

    try:
        password = _password(args.password_stdin)
        member = StaffStore(make_engine(settings.stores.tracker_url), settings.console.staff).add(
            args.name, Role(args.role), password
        )
    except ValueError as error:
        print(f"dvcbot staff add: {error}", file=sys.stderr)
        return 2
    print(f"staff {member.name!r} added with role {member.role.value} (id {member.id})")
    return 0
