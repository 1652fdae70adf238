/*
 * dvcbot web widget: one <script src="https://HOST/widget.js" data-server="https://HOST"></script>
 * adds a chat bubble to any page. No build step, no dependency, nothing fetched from a CDN.
 *
 * - Talks to the widget API of the same dvcbot server: POST /widget/messages, GET /widget/history,
 *   POST /feedback; while open it polls GET /widget/pending for what was sent outside a turn (a
 *   call-centre agent's replies after a handoff, dossier alerts).
 * - Lives in a shadow root, so the host page's CSS and the widget's cannot disturb each other.
 * - Text is only ever put into the page as text nodes (links are built as <a> elements with an
 *   http(s) href), so an answer can never inject markup.
 * - The sender id and the conversation are kept in localStorage; if the stored history is gone,
 *   it is fetched again from the server's conversation tracker.
 *
 * Optional attributes on the script tag: data-title (header title), data-open="true" (start open).
 */
(function () {
  "use strict";

  if (window.DvcBotWidget) {
    return; // the tag was included twice
  }

  var script = document.currentScript || (function () {
    var tags = document.querySelectorAll("script[src*='widget.js']");
    return tags.length ? tags[tags.length - 1] : null;
  })();
  var scriptUrl = script && script.src ? new URL(script.src, window.location.href) : null;
  var server = ((script && script.getAttribute("data-server")) || (scriptUrl ? scriptUrl.origin : window.location.origin))
    .replace(/\/+$/, "");
  var title = (script && script.getAttribute("data-title")) || "Trợ lý ảo Dịch vụ công";
  var STORAGE_KEY = "dvcbot:" + server;
  var MAX_STORED = 100;
  var REQUEST_TIMEOUT_MS = 30000;
  var POLL_MS = 3000;
  var URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

  var TEXT = {
    open: "Mở cửa sổ hỏi đáp với trợ lý ảo",
    launcher: "Hỏi đáp",
    close: "Đóng cửa sổ hỏi đáp",
    subtitle: "Hỏi đáp thủ tục hành chính",
    log: "Nội dung trò chuyện",
    inputLabel: "Nhập câu hỏi của anh/chị",
    placeholder: "Nhập câu hỏi của anh/chị…",
    send: "Gửi câu hỏi",
    you: "Bạn: ",
    bot: "Trợ lý: ",
    typing: "Trợ lý đang soạn câu trả lời…",
    suggestions: "Gợi ý trả lời",
    helpfulQuestion: "Câu trả lời có hữu ích không?",
    helpful: "Hữu ích",
    notHelpful: "Chưa hữu ích",
    thanks: "Cảm ơn anh/chị đã góp ý!",
    networkError: "Chưa gửi được câu hỏi. Anh/chị vui lòng kiểm tra kết nối mạng và thử lại.",
    serverError: "Hệ thống đang bận. Anh/chị vui lòng thử lại sau ít phút.",
    disclaimer: "Trợ lý ảo trả lời tự động; vui lòng đối chiếu văn bản chính thức."
  };

  // ---------------------------------------------------------------- state (localStorage)
  var memoryStore = {};
  function readStore() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      return memoryStore[STORAGE_KEY] || null;
    }
  }
  function writeStore(value) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch (error) {
      memoryStore[STORAGE_KEY] = value; // private mode or storage full: keep it for this page view
    }
  }
  function newSenderId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return "web-" + hex;
  }

  var stored = readStore() || {};
  var state = {
    sender: /^web-[0-9a-f]{32}$/.test(stored.sender || "") ? stored.sender : newSenderId(),
    messages: Array.isArray(stored.messages) ? stored.messages : [],
    open: stored.open === true || (script && script.getAttribute("data-open") === "true"),
    greeted: stored.greeted === true
  };
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    writeStore({ sender: state.sender, messages: state.messages, open: state.open, greeted: state.greeted });
  }

  // ---------------------------------------------------------------- markup
  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".root{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:15px;",
    "line-height:1.5;color:#1f2328}",
    ".sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);",
    "white-space:nowrap;border:0}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
    "min-height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:#b3261e;color:#fff;font:inherit;",
    "font-weight:600;box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer}",
    ".launcher:hover{background:#8c1d18}",
    ".launcher[hidden]{display:none}",
    ".launcher svg{width:26px;height:26px;fill:#ffd54a}",
    "button:focus-visible,a:focus-visible,input:focus-visible,.log:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:390px;height:min(640px,calc(100vh - 40px));",
    "display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;",
    "box-shadow:0 12px 40px rgba(0,0,0,.3)}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:#b3261e;color:#fff}",
    "header .emblem{flex:none;width:34px;height:34px;border-radius:50%;background:#ffd54a;display:flex;",
    "align-items:center;justify-content:center;color:#b3261e;font-size:20px}",
    "header .titles{flex:1;min-width:0}",
    "header h2{margin:0;font-size:16px;line-height:1.3;font-weight:700}",
    "header p{margin:0;font-size:13px;opacity:.9}",
    ".close{flex:none;width:44px;height:44px;border:0;border-radius:50%;background:transparent;color:#fff;",
    "font-size:26px;line-height:1;cursor:pointer}",
    ".close:hover{background:rgba(255,255,255,.15)}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:14px 12px;background:#f6f4f1;display:flex;flex-direction:column;gap:10px}",
    ".msg{display:flex;flex-direction:column;max-width:88%}",
    ".msg.user{align-self:flex-end;align-items:flex-end}",
    ".msg.bot,.msg.note{align-self:flex-start}",
    ".bubble{padding:9px 13px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}",
    ".user .bubble{background:#b3261e;color:#fff;border-bottom-right-radius:4px}",
    ".bot .bubble{background:#fff;border:1px solid #e2ddd6;border-bottom-left-radius:4px}",
    ".note .bubble{background:#fff7e0;border:1px solid #f0d48a;color:#5c4400}",
    ".bubble a{color:#0b57d0;text-decoration:underline}",
    ".user .bubble a{color:#fff}",
    ".quick{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}",
    ".quick button{min-height:40px;padding:6px 12px;border:1px solid #b3261e;border-radius:18px;background:#fff;",
    "color:#8c1d18;font:inherit;font-size:14px;text-align:left;cursor:pointer}",
    ".quick button:hover:not(:disabled){background:#fbeaea}",
    ".quick button:disabled{opacity:.5;cursor:default}",
    ".feedback{display:flex;align-items:center;flex-wrap:wrap;gap:4px;margin-top:4px;font-size:13px;color:#57606a}",
    ".feedback button{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:36px;",
    "border:1px solid #d0d7de;border-radius:8px;background:#fff;color:#57606a;cursor:pointer}",
    ".feedback svg{width:18px;height:18px;fill:currentColor}",
    ".feedback .rate-down svg{transform:rotate(180deg)}",
    ".feedback button:hover:not(:disabled){color:#1f2328;border-color:#8c959f}",
    ".feedback button[aria-pressed=true]{color:#0b57d0}",
    ".feedback button[aria-pressed=true]{background:#e7f0fe;border-color:#0b57d0}",
    ".feedback button:disabled{cursor:default}",
    ".typing{display:flex;align-items:center;gap:8px;padding:0 16px 8px;background:#f6f4f1;font-size:13px;color:#57606a}",
    ".typing[hidden]{display:none}",
    ".dots{display:inline-flex;gap:3px}",
    ".dots i{width:7px;height:7px;border-radius:50%;background:#8c959f;animation:dvcblink 1.2s infinite both}",
    ".dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}",
    "@keyframes dvcblink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.dots i{animation:none}}",
    "form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e2ddd6;background:#fff}",
    "input{flex:1;min-width:0;min-height:44px;padding:8px 12px;border:1px solid #8c959f;border-radius:10px;",
    "font:inherit;color:inherit}",
    ".send{flex:none;min-width:64px;min-height:44px;border:0;border-radius:10px;background:#b3261e;color:#fff;",
    "font:inherit;font-weight:600;cursor:pointer}",
    ".send:disabled{opacity:.6}",
    ".disclaimer{margin:0;padding:0 12px 8px;background:#fff;font-size:12px;color:#57606a}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;border-radius:0}",
    ".launcher{right:12px;bottom:12px}.msg{max-width:92%}}"
  ].join("");

  var host = document.createElement("div");
  host.id = "dvcbot-widget";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    '<div class="root" lang="vi">' +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="dvc-panel">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>' +
    '<span class="launcher-text"></span></button>' +
    '<section class="panel" id="dvc-panel" role="dialog" aria-labelledby="dvc-title" hidden>' +
    '<header><span class="emblem" aria-hidden="true">★</span><div class="titles"><h2 id="dvc-title"></h2><p class="subtitle"></p></div>' +
    '<button class="close" type="button"><span aria-hidden="true">×</span></button></header>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" tabindex="0"></div>' +
    '<div class="typing" role="status" hidden><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span><span class="typing-text"></span></div>' +
    '<form novalidate><label class="sr-only" for="dvc-input"></label>' +
    '<input id="dvc-input" type="text" autocomplete="off" maxlength="2000" enterkeyhint="send">' +
    '<button class="send" type="submit">Gửi</button></form>' +
    '<p class="disclaimer"></p>' +
    "</section></div>";

  function $(selector) {
    return root.querySelector(selector);
  }
  var launcher = $(".launcher");
  var panel = $(".panel");
  var closeButton = $(".close");
  var log = $(".log");
  var typing = $(".typing");
  var form = $("form");
  var input = $("#dvc-input");
  var sendButton = $(".send");

  launcher.setAttribute("aria-label", TEXT.open);
  $(".launcher-text").textContent = TEXT.launcher;
  $("#dvc-title").textContent = title;
  $(".subtitle").textContent = TEXT.subtitle;
  closeButton.setAttribute("aria-label", TEXT.close);
  log.setAttribute("aria-label", TEXT.log);
  $(".typing-text").textContent = TEXT.typing;
  $("label").textContent = TEXT.inputLabel;
  input.setAttribute("placeholder", TEXT.placeholder);
  sendButton.setAttribute("aria-label", TEXT.send);
  $(".disclaimer").textContent = TEXT.disclaimer;

  // ---------------------------------------------------------------- rendering
  /** Append ``text`` to ``parent`` as text nodes, with http(s) URLs turned into links. */
  function appendLinkified(parent, text) {
    var last = 0;
    String(text).replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, ""); // trailing punctuation belongs to the sentence
      if (offset > last) {
        parent.appendChild(document.createTextNode(text.slice(last, offset)));
      }
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  function renderMessage(message, index, isLatest) {
    var item = document.createElement("div");
    item.className = "msg " + message.from;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    var who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = message.from === "user" ? TEXT.you : TEXT.bot;
    bubble.appendChild(who);
    appendLinkified(bubble, message.text || "");
    item.appendChild(bubble);

    if (message.from === "bot" && message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "quick";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", TEXT.suggestions);
      message.buttons.forEach(function (button) {
        var element = document.createElement("button");
        element.type = "button";
        element.textContent = button.title;
        element.disabled = !isLatest;
        element.addEventListener("click", function () {
          send(button.payload, button.title);
        });
        group.appendChild(element);
      });
      item.appendChild(group);
    }
    if (message.from === "bot" && message.rateable) {
      item.appendChild(renderFeedback(message, index));
    }
    return item;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function thumbIcon() {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", "M2 10h4v11H2zM8 21h9.3a2 2 0 0 0 2-1.6l1.5-7.2A2 2 0 0 0 18.8 10H14.5l.8-4a1.8 1.8 0 0 0-3.2-1.4L8 10z");
    svg.appendChild(path);
    return svg;
  }

  function renderFeedback(message, index) {
    var group = document.createElement("div");
    group.className = "feedback";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.helpfulQuestion);
    var label = document.createElement("span");
    label.textContent = message.rating ? TEXT.thanks : TEXT.helpfulQuestion;
    group.appendChild(label);
    [["up", TEXT.helpful], ["down", TEXT.notHelpful]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rate-" + choice[0];
      button.appendChild(thumbIcon()); // an icon, not an emoji: not every device has an emoji font
      button.setAttribute("aria-label", choice[1]);
      button.setAttribute("aria-pressed", message.rating === choice[0] ? "true" : "false");
      button.disabled = Boolean(message.rating);
      button.addEventListener("click", function () {
        rate(index, choice[0], group, label);
      });
      group.appendChild(button);
    });
    return group;
  }

  function renderAll() {
    log.textContent = "";
    var lastBot = -1;
    state.messages.forEach(function (message, i) {
      if (message.from === "bot") lastBot = i;
    });
    var lastUser = -1;
    state.messages.forEach(function (message, i) {
      if (message.from === "user") lastUser = i;
    });
    state.messages.forEach(function (message, i) {
      log.appendChild(renderMessage(message, i, i === lastBot && lastBot > lastUser));
    });
    scrollToEnd();
  }

  function appendMessages(messages) {
    // Quick replies of earlier turns no longer apply once a new message is in.
    Array.prototype.forEach.call(log.querySelectorAll(".quick button"), function (button) {
      button.disabled = true;
    });
    var firstAnswer = null;
    messages.forEach(function (message, i) {
      state.messages.push(message);
      var isLastBot = message.from === "bot" && i === messages.length - 1;
      var element = renderMessage(message, state.messages.length - 1, isLastBot);
      log.appendChild(element);
      if (message.from !== "user" && !firstAnswer) firstAnswer = element;
    });
    save();
    if (firstAnswer && log.scrollHeight - firstAnswer.offsetTop > log.clientHeight) {
      // A long answer: show its beginning (the procedure's name), not its last line.
      log.scrollTop = firstAnswer.offsetTop - 8;
    } else {
      scrollToEnd();
    }
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function setBusy(busy) {
    typing.hidden = !busy;
    sendButton.disabled = busy;
    if (busy) scrollToEnd();
  }

  // ---------------------------------------------------------------- server
  function request(method, path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(server + path, {
      method: method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (timer) clearTimeout(timer);
        return { status: response.status, data: data };
      });
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  function botMessages(replies) {
    var messages = [];
    (Array.isArray(replies) ? replies : []).forEach(function (reply) {
      if (typeof reply.text === "string" || (reply.buttons && reply.buttons.length)) {
        messages.push({ from: "bot", text: reply.text || "", buttons: reply.buttons || [] });
      }
    });
    if (messages.length) {
      messages[messages.length - 1].rateable = true; // one 👍/👎 per answer, under its last part
    }
    return messages;
  }

  var pending = false;
  /** Send ``text`` (a typed question, or a button payload shown as ``shownAs``). */
  function send(text, shownAs) {
    if (pending || !text || !text.trim()) return;
    pending = true;
    var visible = shownAs !== undefined ? shownAs : text;
    var outgoing = [];
    if (visible !== null) {
      outgoing.push({ from: "user", text: visible });
    }
    appendMessages(outgoing);
    setBusy(true);
    var metadata = shownAs ? { button_title: shownAs } : {};
    request("POST", "/widget/messages", { sender: state.sender, message: text, metadata: metadata })
      .then(function (result) {
        if (result.status === 200) {
          appendMessages(botMessages(result.data));
        } else {
          var error = result.data && typeof result.data.error === "string" ? result.data.error : TEXT.serverError;
          appendMessages([{ from: "note", text: result.status >= 500 ? TEXT.serverError : error }]);
        }
      }, function () {
        appendMessages([{ from: "note", text: TEXT.networkError }]);
      })
      .then(function () {
        pending = false;
        setBusy(false);
      });
  }

  function rate(index, rating, group, label) {
    var message = state.messages[index];
    if (!message || message.rating) return;
    var question = null;
    for (var i = index - 1; i >= 0; i--) {
      if (state.messages[i].from === "user") {
        question = state.messages[i].text;
        break;
      }
    }
    var answerParts = [];
    for (var j = index; j >= 0 && state.messages[j].from === "bot"; j--) {
      answerParts.unshift(state.messages[j].text);
    }
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = true;
    });
    request("POST", "/feedback", {
      sender: state.sender,
      rating: rating,
      answer: answerParts.join("\n\n").slice(0, 8000) || "(trống)",
      question: question ? question.slice(0, 8000) : null,
      channel: "widget"
    }).then(function (result) {
      if (result.status === 201) {
        message.rating = rating;
        save();
        label.textContent = TEXT.thanks;
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (button, k) {
          button.setAttribute("aria-pressed", (k === 0 ? "up" : "down") === rating ? "true" : "false");
        });
      } else {
        enableAgain();
      }
    }, enableAgain);
    function enableAgain() {
      Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
        button.disabled = false;
      });
    }
  }

  function restoreFromServer() {
    return request("GET", "/widget/history?sender=" + encodeURIComponent(state.sender)).then(function (result) {
      if (result.status !== 200 || !result.data || !Array.isArray(result.data.messages)) return;
      state.messages = result.data.messages.map(function (message) {
        return { from: message.from === "user" ? "user" : "bot", text: message.text || "", buttons: message.buttons || [] };
      });
      for (var i = 0; i < state.messages.length; i++) {
        var next = state.messages[i + 1];
        if (state.messages[i].from === "bot" && (!next || next.from !== "bot")) state.messages[i].rateable = true;
      }
      if (state.messages.length) state.greeted = true;
      save();
      renderAll();
    }, function () { /* offline: the stored history stays as it is */ });
  }

  var polling = false;
  /** Messages sent to this conversation outside a turn, each delivered once by the server. */
  function pollPending() {
    if (!state.open || !state.greeted || pending || polling) return;
    polling = true;
    request("GET", "/widget/pending?sender=" + encodeURIComponent(state.sender)).then(function (result) {
      var messages = result.status === 200 && result.data && Array.isArray(result.data.messages) ? result.data.messages : [];
      if (messages.length) appendMessages(botMessages(messages));
    }, function () { /* offline: try again at the next tick */ }).then(function () {
      polling = false;
    });
  }

  // ---------------------------------------------------------------- open / close
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    scrollToEnd();
    input.focus();
    if (!state.greeted && !state.messages.length) {
      state.greeted = true;
      send("/greet", null); // the core's own welcome, as Telegram's /start and Zalo's follow get
    }
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || pending) return;
    input.value = "";
    send(text);
  });

  function start() {
    document.body.appendChild(host);
    window.setInterval(pollPending, POLL_MS);
    renderAll();
    if (!state.messages.length && stored.sender === state.sender) {
      restoreFromServer();
    }
    if (state.open) {
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
      scrollToEnd();
    }
  }

  window.DvcBotWidget = { open: open, close: close, server: server };
  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
