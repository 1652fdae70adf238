"""The console's two HTML documents: the login form and the application shell.

Both are small server-rendered strings with every value escaped; the shell loads the console's
own script and style sheet (``console/static``), nothing from elsewhere.
"""

from __future__ import annotations

from html import escape

from console.staff import StaffSession

__all__ = ["console_page", "login_page"]

_LOGIN_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#f6f4f1;margin:0;"
    "display:flex;min-height:100vh;align-items:center;justify-content:center;color:#1f2328}"
    "form{background:#fff;padding:28px 32px;border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.12);width:320px}"
    "h1{font-size:20px;margin:0 0 16px;color:#8c1d18}label{display:block;margin:12px 0 4px;font-weight:600}"
    "input{width:100%;box-sizing:border-box;min-height:40px;padding:6px 10px;border:1px solid #8c959f;border-radius:8px;"
    "font:inherit}button{margin-top:18px;width:100%;min-height:42px;border:0;border-radius:8px;background:#b3261e;"
    "color:#fff;font:inherit;font-weight:600;cursor:pointer}.error{color:#b3261e;margin:8px 0 0}"
)


def login_page(csrf_token: str, error: str | None = None) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Đăng nhập — Bảng điều khiển tổng đài</title><style>{_LOGIN_CSS}</style></head><body>"
        '<form method="post" action="/console/login"><h1>Bảng điều khiển tổng đài</h1>'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        '<label for="name">Tên đăng nhập</label><input id="name" name="name" autocomplete="username" required>'
        '<label for="password">Mật khẩu</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" required>'
        f'{message}<button type="submit">Đăng nhập</button></form></body></html>'
    )


def console_page(session: StaffSession) -> str:
    staff = session.staff
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-token" content="{escape(session.csrf_token)}">'
        f'<meta name="staff" content="{escape(staff.name)}" data-role="{escape(staff.role.value)}">'
        "<title>Bảng điều khiển tổng đài</title>"
        '<link rel="stylesheet" href="/console/static/console.css"></head><body>'
        "<header><h1>Bảng điều khiển tổng đài</h1>"
        f'<span class="who">{escape(staff.name)} ({escape(staff.role.value)})</span>'
        '<button type="button" id="logout">Đăng xuất</button></header>'
        '<nav role="tablist">'
        '<button role="tab" data-tab="assist" aria-selected="true">Gợi ý trả lời</button>'
        '<button role="tab" data-tab="queue" aria-selected="false">Hàng chờ <span id="queue-count">0</span></button>'
        '<button role="tab" data-tab="dossier" aria-selected="false">Tra cứu hồ sơ</button>'
        '<button role="tab" data-tab="supervisor" aria-selected="false" data-min-role="supervisor">Giám sát</button>'
        "</nav><main>"
        '<section id="tab-assist" role="tabpanel">'
        '<label for="question">Câu hỏi của người gọi</label>'
        '<textarea id="question" rows="3" placeholder="Gõ hoặc dán điều người gọi hỏi…"></textarea>'
        '<p id="assist-status" role="status"></p><ol id="suggestions"></ol></section>'
        '<section id="tab-queue" role="tabpanel" hidden><div class="queue-layout">'
        '<ul id="queue" aria-label="Cuộc trò chuyện chờ cán bộ"></ul>'
        '<div id="conversation" hidden><h2 id="conversation-title"></h2>'
        '<div class="actions"><button type="button" id="take">Nhận hỗ trợ</button>'
        '<button type="button" id="close">Kết thúc, trả lại trợ lý ảo</button></div>'
        '<ol id="transcript" aria-label="Nội dung trò chuyện"></ol>'
        '<h3>Gợi ý của trợ lý ảo</h3><ol id="handoff-suggestions"></ol>'
        '<form id="reply-form"><label for="reply">Trả lời người dân</label>'
        '<textarea id="reply" rows="3"></textarea><button type="submit" id="send-reply">Gửi</button></form>'
        '<p id="reply-status" role="status"></p></div></div></section>'
        '<section id="tab-dossier" role="tabpanel" hidden><form id="dossier-form">'
        '<label for="dossier-code">Mã hồ sơ</label><input id="dossier-code" autocomplete="off">'
        '<button type="submit">Tra cứu</button></form>'
        '<p class="note">Mọi lượt tra cứu được ghi lại (cán bộ, mã hồ sơ, thời gian).</p>'
        '<dl id="dossier-result"></dl></section>'
        '<section id="tab-supervisor" role="tabpanel" hidden><div id="stats"></div>'
        '<h2>Gợi ý bị đánh dấu sai hoặc phải sửa nhiều nhất</h2><table id="curator"></table></section>'
        "</main>"
        '<script src="/console/static/charts.js"></script><script src="/console/static/console.js"></script>'
        "</body></html>"
    )
