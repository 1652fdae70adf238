"""Who is asking: the staff session behind a request, its role, and the CSRF check.

The session travels in an HttpOnly, SameSite=Strict cookie; every request that changes something
must also send the session's CSRF token in ``X-CSRF-Token`` (the console page carries it in a
``<meta>``), so a page on another site cannot act for a logged-in agent. Without a live session the
API answers ``403`` and the pages redirect to the login form.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from console.staff import Role, StaffSession, StaffStore

__all__ = ["CSRF_HEADER", "LOGIN_CSRF_COOKIE", "SESSION_COOKIE", "NotLoggedIn", "authorise", "same_token"]

SESSION_COOKIE = "dvcbot_staff"
LOGIN_CSRF_COOKIE = "dvcbot_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotLoggedIn(Exception):
    """A page request without a live session: answered with a redirect to the login form."""


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode("utf-8"), expected.encode("utf-8"))


def authorise(
    request: Request, staff: StaffStore, *, role: Role = Role.AGENT, page: bool = False
) -> StaffSession:
    """The request's live session, with at least ``role``; CSRF checked on unsafe methods."""
    session = staff.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        if page:
            raise NotLoggedIn()
        raise HTTPException(status_code=403, detail="Cần đăng nhập (tài khoản cán bộ) để dùng chức năng này.")
    if request.method not in _SAFE_METHODS and not same_token(
        request.headers.get(CSRF_HEADER), session.csrf_token
    ):
        raise HTTPException(status_code=403, detail="Yêu cầu không hợp lệ (thiếu hoặc sai mã CSRF).")
    if not session.staff.role.at_least(role):
        raise HTTPException(
            status_code=403, detail="Tài khoản của anh/chị không có quyền dùng chức năng này."
        )
    return session
