/*
 * The hotline console: suggestions as the agent types (debounced), copy with a click, feedback on
 * each suggestion; the handoff queue (take, reply, close); dossier lookup; the supervisor's charts.
 * Served by dvcbot itself, no dependency and nothing from a CDN. Text goes into the page as text
 * nodes only. Every POST carries the session's CSRF token (X-CSRF-Token).
 */
(function () {
  "use strict";

  var CSRF = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var ROLE = document.querySelector("meta[name=staff]").getAttribute("data-role");
  var DEBOUNCE_MS = 250;
  var QUEUE_POLL_MS = 2000;
  var ASPECTS = {
    ask_documents: "Hồ sơ", ask_fee: "Lệ phí", ask_processing_time: "Thời hạn", ask_where_to_submit: "Nơi nộp",
    ask_eligibility: "Điều kiện", ask_procedure_steps: "Các bước", ask_forms: "Mẫu đơn",
    ask_legal_basis: "Căn cứ pháp lý", ask_benefit: "Mức hưởng"
  };
  var STATES = { queued: "đang chờ", held: "đang hỗ trợ", closed: "đã kết thúc" };

  function $(selector) { return document.querySelector(selector); }
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function api(method, path, body) {
    var headers = { "X-CSRF-Token": CSRF };
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin" }).then(function (response) {
      if (response.status === 403 && !body && method === "GET") window.location.href = "/console/login";
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // ------------------------------------------------------------------ tabs
  var tabs = Array.prototype.slice.call(document.querySelectorAll("nav [role=tab]"));
  tabs.forEach(function (tab) {
    if (tab.getAttribute("data-min-role") === "supervisor" && ROLE === "agent") tab.hidden = true;
    tab.addEventListener("click", function () { show(tab.getAttribute("data-tab")); });
  });
  function show(name) {
    tabs.forEach(function (tab) {
      var on = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      $("#tab-" + tab.getAttribute("data-tab")).hidden = !on;
    });
    if (name === "supervisor") loadSupervisor();
  }

  $("#logout").addEventListener("click", function () {
    api("POST", "/console/logout").then(function () { window.location.href = "/console/login"; });
  });

  // ------------------------------------------------------------------ suggestions
  function feedback(id, kind, finalText) {
    return api("POST", "/api/agent-assist/feedback", { suggestion_id: id, kind: kind, final_text: finalText || null });
  }

  function sourceLine(source) {
    if (source.kind === "catalogue") {
      return "Danh mục: " + source.name + (source.national_code ? " (mã " + source.national_code + ")" : "") +
        " — " + (source.url || "") + " — kiểm tra ngày " + source.checked_on;
    }
    return "Căn cứ: " + [source.article, source.number, source.title].filter(Boolean).join(" — ");
  }

  function renderSuggestions(list, result, onUse) {
    list.textContent = "";
    if (result.unsure) {
      var box = make("li", "unsure");
      if (result.reason === "not_in_catalogue") {
        box.appendChild(make("p", null, "Thủ tục này chưa có trong danh mục" +
          (result.not_held && result.not_held.name ? ": " + result.not_held.name : "") +
          ". Không có câu trả lời để gợi ý."));
      } else {
        box.appendChild(make("p", null, "Chưa chắc chắn — không gợi ý câu trả lời. Các thủ tục gần nhất để xem:"));
        var ul = make("ul");
        (result.closest || []).forEach(function (item) {
          var li = make("li", null, item.name + " ");
          if (item.url) {
            var link = make("a", null, "(xem)");
            link.href = item.url; link.target = "_blank"; link.rel = "noopener noreferrer";
            li.appendChild(link);
          }
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      list.appendChild(box);
      return;
    }
    result.suggestions.forEach(function (suggestion, index) {
      var item = make("li", "suggestion");
      item.setAttribute("data-procedure", suggestion.procedure);
      var meta = make("div", "meta");
      meta.appendChild(make("span", null, "#" + (index + 1)));
      meta.appendChild(make("strong", null, suggestion.procedure_name));
      meta.appendChild(make("span", null, ASPECTS[suggestion.aspect] || suggestion.aspect));
      meta.appendChild(make("span", "confidence", "độ tin cậy " + Math.round(suggestion.confidence * 100) + " %"));
      item.appendChild(meta);
      var answer = make("p", "answer", suggestion.text);
      item.appendChild(answer);
      var sources = make("ul", "sources");
      suggestion.sources.forEach(function (source) { sources.appendChild(make("li", null, sourceLine(source))); });
      item.appendChild(sources);
      var buttons = make("div", "buttons");
      var copy = make("button", "copy", "Sao chép");
      copy.type = "button";
      copy.addEventListener("click", function () {
        copyText(suggestion.text).then(function () {
          copy.textContent = "Đã sao chép";
          feedback(suggestion.id, "used");
          if (onUse) onUse(suggestion.text);
        });
      });
      var edit = make("button", null, "Sửa rồi dùng");
      edit.type = "button";
      edit.addEventListener("click", function () {
        var area = make("textarea");
        area.value = suggestion.text;
        area.rows = 6;
        var save = make("button", null, "Lưu bản đã sửa");
        save.type = "button";
        save.addEventListener("click", function () {
          feedback(suggestion.id, "edited", area.value).then(function () {
            save.textContent = "Đã lưu";
            copyText(area.value);
            if (onUse) onUse(area.value);
          });
        });
        item.appendChild(area);
        item.appendChild(save);
        edit.disabled = true;
      });
      var wrong = make("button", null, "Sai");
      wrong.type = "button";
      wrong.addEventListener("click", function () {
        feedback(suggestion.id, "wrong").then(function () { wrong.textContent = "Đã báo sai"; wrong.disabled = true; });
      });
      buttons.appendChild(copy); buttons.appendChild(edit); buttons.appendChild(wrong);
      item.appendChild(buttons);
      list.appendChild(item);
      feedback(suggestion.id, "shown");
    });
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }
  function fallbackCopy(text) {
    var area = make("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (error) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  var timer = null, sequence = 0;
  $("#question").addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(askNow, DEBOUNCE_MS);
  });
  function askNow() {
    var text = $("#question").value.trim();
    var mine = ++sequence;
    if (!text) { $("#suggestions").textContent = ""; $("#assist-status").textContent = ""; return; }
    $("#assist-status").textContent = "Đang tìm gợi ý…";
    api("POST", "/api/agent-assist/suggest", { text: text }).then(function (result) {
      if (mine !== sequence) return; // an older answer: the agent typed on
      if (result.status !== 200) { $("#assist-status").textContent = result.data.error || "Lỗi"; return; }
      $("#assist-status").textContent = result.data.unsure ? "Chưa chắc chắn" :
        result.data.suggestions.length + " gợi ý";
      renderSuggestions($("#suggestions"), result.data);
    });
  }

  // ------------------------------------------------------------------ queue
  var selected = null;
  function loadQueue() {
    return api("GET", "/console/api/queue").then(function (result) {
      if (result.status !== 200) return;
      var handoffs = result.data.handoffs;
      $("#queue-count").textContent = String(handoffs.filter(function (h) { return h.state === "queued"; }).length);
      var list = $("#queue");
      list.textContent = "";
      handoffs.forEach(function (handoff) {
        var li = make("li");
        var button = make("button", "state-" + handoff.state);
        button.type = "button";
        button.setAttribute("data-id", handoff.id);
        button.appendChild(make("strong", null, handoff.channel + " · " + handoff.sender));
        button.appendChild(make("div", null, (STATES[handoff.state] || handoff.state) +
          (handoff.agent ? " (" + handoff.agent + ")" : "") + " · chờ " + Math.round(handoff.waited_seconds) + " giây"));
        if (handoff.question) button.appendChild(make("div", "note", handoff.question));
        button.addEventListener("click", function () { openHandoff(handoff.id); });
        li.appendChild(button);
        list.appendChild(li);
      });
      if (selected !== null) refreshHandoff(selected);
    });
  }

  function openHandoff(id) {
    selected = id;
    refreshHandoff(id, true);
  }

  var shownTranscript = "";
  function refreshHandoff(id, fresh) {
    api("GET", "/console/api/handoffs/" + id).then(function (result) {
      if (result.status !== 200 || selected !== id) return;
      var data = result.data;
      $("#conversation").hidden = false;
      $("#conversation-title").textContent = data.channel + " · " + data.sender + " · " + (STATES[data.state] || data.state);
      $("#take").disabled = data.state !== "queued";
      $("#close").disabled = data.state === "closed";
      $("#send-reply").disabled = data.state !== "held";
      var key = id + JSON.stringify(data.transcript);
      if (key === shownTranscript && !fresh) return;
      shownTranscript = key;
      var list = $("#transcript");
      list.textContent = "";
      data.transcript.forEach(function (turn) {
        var who = turn.from === "citizen" ? "Người dân: " : turn.from === "agent" ? "" : "Trợ lý ảo: ";
        list.appendChild(make("li", turn.from, who + turn.text));
      });
      list.scrollTop = list.scrollHeight;
      var last = data.transcript.length ? data.transcript[data.transcript.length - 1] : null;
      if (fresh || (last && last.from === "citizen")) {
        // A new question from the citizen: the bot's suggestions for it, in the conversation's context.
        api("GET", "/console/api/handoffs/" + id + "?assist=true").then(function (detail) {
          if (detail.status === 200 && detail.data.assist && selected === id) {
            renderSuggestions($("#handoff-suggestions"), detail.data.assist, function (text) { $("#reply").value = text; });
          }
        });
      }
    });
  }

  function act(path, body) {
    if (selected === null) return Promise.resolve();
    return api("POST", "/console/api/handoffs/" + selected + "/" + path, body).then(function (result) {
      $("#reply-status").textContent = result.status === 200 ? "" : (result.data.error || "Lỗi");
      return loadQueue().then(function () { return result; });
    });
  }
  $("#take").addEventListener("click", function () { act("take"); });
  $("#close").addEventListener("click", function () { act("close"); });
  $("#reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("#reply").value.trim();
    if (!text) return;
    act("reply", { text: text }).then(function (result) {
      if (result && result.status === 200) {
        $("#reply").value = "";
        $("#reply-status").textContent = "Đã gửi";
      }
    });
  });

  // ------------------------------------------------------------------ dossier lookup
  var FIELDS = [["code", "Mã hồ sơ"], ["status", "Tình trạng"], ["procedure", "Thủ tục"], ["received_on", "Ngày tiếp nhận"],
    ["due_on", "Ngày hẹn trả"], ["step", "Bước hiện tại"], ["department", "Đơn vị xử lý"], ["missing", "Cần bổ sung"],
    ["reason", "Lý do"], ["updated_at", "Cập nhật"]];
  $("#dossier-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var out = $("#dossier-result");
    out.textContent = "";
    api("POST", "/console/api/dossiers/lookup", { code: $("#dossier-code").value }).then(function (result) {
      if (result.status !== 200) { out.appendChild(make("dd", null, result.data.error || "Lỗi")); return; }
      FIELDS.forEach(function (field) {
        var value = result.data[field[0]];
        if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return;
        out.appendChild(make("dt", null, field[1]));
        out.appendChild(make("dd", null, Array.isArray(value) ? value.join("; ") : String(value)));
      });
    });
  });

  // ------------------------------------------------------------------ supervisor
  function chart(title, svg) {
    var box = make("div", "chart");
    box.appendChild(make("h3", null, title));
    box.appendChild(svg);
    return box;
  }
  function loadSupervisor() {
    api("GET", "/console/api/stats").then(function (result) {
      if (result.status !== 200) return;
      var data = result.data, root = $("#stats");
      root.textContent = "";
      var grid = make("div", "charts");
      var now = make("div", "chart");
      now.appendChild(make("h3", null, "Hàng chờ hiện tại"));
      now.appendChild(make("div", "figure", String(data.queue_length)));
      now.appendChild(make("p", "note", data.waiting_seconds.length ?
        "Chờ lâu nhất: " + Math.round(data.waiting_seconds[0]) + " giây" : "Không ai phải chờ"));
      grid.appendChild(now);
      var days = data.days.map(function (d) { return d.day.slice(5); });
      grid.appendChild(chart("Tỉ lệ trợ lý ảo chưa trả lời được (theo ngày)",
        DvcCharts.line("fallback", days, data.days.map(function (d) { return d.turns ? d.fallback_rate : null; }), DvcCharts.percent)));
      grid.appendChild(chart("Chuyển cho cán bộ (theo ngày)",
        DvcCharts.bars("handoffs", days, data.days.map(function (d) { return d.handoffs; }))));
      grid.appendChild(chart("Thời gian chờ trung vị, giây (theo ngày)",
        DvcCharts.line("waits", days, data.days.map(function (d) { return d.median_wait_seconds; }))));
      grid.appendChild(chart("Cuộc trò chuyện theo cán bộ",
        DvcCharts.bars("agents", data.per_agent.map(function (a) { return a.agent; }),
          data.per_agent.map(function (a) { return a.conversations; }))));
      root.appendChild(grid);
      root.appendChild(make("h2", null, "Câu hỏi chưa trả lời được nhiều nhất"));
      var top = make("ol");
      data.top_unanswered.forEach(function (q) { top.appendChild(make("li", null, q.question + " (" + q.count + ")")); });
      root.appendChild(top);
    });
    api("GET", "/console/api/curator").then(function (result) {
      var table = $("#curator");
      table.textContent = "";
      if (result.status !== 200) return;
      var head = make("tr");
      ["Thủ tục", "Khía cạnh", "Sai", "Sửa", "Dùng", "Ví dụ câu hỏi", "Bản đã sửa"].forEach(function (h) { head.appendChild(make("th", null, h)); });
      table.appendChild(head);
      result.data.items.forEach(function (item) {
        var row = make("tr");
        [item.procedure, ASPECTS[item.aspect] || item.aspect, item.wrong, item.edited, item.used, item.example_query,
          item.example_final_text || ""].forEach(function (v) { row.appendChild(make("td", null, String(v))); });
        table.appendChild(row);
      });
    });
  }

  loadQueue();
  window.setInterval(loadQueue, QUEUE_POLL_MS);
  $("#question").focus();
})();
