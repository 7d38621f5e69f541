/*
 * scopebot website widget. Embed with one tag:
 *   <script src="https://bot.example.com/webhooks/web/widget.js" defer
 *           data-title="Scope your support" data-color="#0b6e4f"></script>
 * Optional: data-server="https://bot.example.com" when the script is served from elsewhere.
 *
 * Everything lives in a Shadow DOM so the host page's CSS cannot reach it. Every piece of
 * user or bot text goes into the page through textContent, never innerHTML; only http(s)
 * URLs become links. The conversation id (random, issued by the bot) is kept in
 * localStorage, and the history is fetched from the bot after a reload.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__scopebotWidget) { return; }
  window.__scopebotWidget = true;

  var MAX_CHARS = 20000; // bot/config/settings.py MAX_MESSAGE_CHARS (a test keeps them equal)
  var SVG_NS = "http://www.w3.org/2000/svg";
  var data = script.dataset || {};
  var api = data.server
    ? data.server.replace(/\/+$/, "") + "/webhooks/web"
    : new URL(".", script.src).href.replace(/\/+$/, "");
  var title = (data.title || "Scope your support").slice(0, 60);
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#1f5fbf";
  var storeKey = "scopebot.conversation:" + api;
  var openKey = "scopebot.open:" + api;
  var MODELS = [  // outermost first: BPO contains CX BPO, which contains a contact center, ...
    { id: "BPO", name: "BPO" },
    { id: "CX_BPO", name: "CX BPO" },
    { id: "CONTACT_CENTER", name: "Contact center" },
    { id: "CALL_CENTER", name: "Call center" }
  ];

  var CSS = [
    ":host{all:initial !important;position:fixed !important;right:20px !important;bottom:20px !important;",
    "z-index:2147483000 !important;display:block !important;font:15px/1.45 system-ui,-apple-system,'Segoe UI',",
    "Roboto,Helvetica,Arial,sans-serif !important;color:#1d232b !important;--accent:" + color + "}",
    "*{box-sizing:border-box}",
    "button{font:inherit;cursor:pointer}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,[tabindex]:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--accent);color:#fff;",
    "box-shadow:0 6px 18px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;margin-left:auto}",
    ".launcher svg{width:28px;height:28px}",
    ".panel{position:absolute;right:0;bottom:76px;width:380px;max-width:calc(100vw - 40px);height:600px;",
    "max-height:calc(100vh - 120px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);",
    "display:flex;flex-direction:column;overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{background:var(--accent);color:#fff;padding:12px 12px 12px 16px;display:flex;align-items:center;gap:6px}",
    "header h2{font-size:16px;margin:0;flex:1;font-weight:600}",
    "header button{background:transparent;border:1px solid rgba(255,255,255,.5);color:#fff;border-radius:8px;padding:4px 10px;font-size:13px}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f6f7f9}",
    ".msg{max-width:88%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".user{align-self:flex-end;background:var(--accent);color:#fff;border-bottom-right-radius:4px}",
    ".user a{color:#fff}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e0e3e8;border-bottom-left-radius:4px}",
    ".error{align-self:stretch;background:#fdecea;color:#8a1c12;border:1px solid #f5c2bc}",
    ".replies{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}",
    ".replies button,.card .actions button,.brief button{border:1px solid var(--accent);color:var(--accent);background:#fff;",
    "border-radius:16px;padding:5px 12px;font-size:14px}",
    ".replies button:disabled{opacity:.5;cursor:default}",
    ".card{align-self:stretch;background:#fff;border:1px solid #d5d9e0;border-radius:12px;padding:12px 14px}",
    ".card h3{margin:0;font-size:19px}",
    ".eyebrow{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#5b6470}",
    ".head{display:flex;align-items:center;gap:8px;flex-wrap:wrap}",
    ".badge{font-size:12px;border-radius:10px;padding:2px 8px;background:#e8eefb;color:#1b3f85}",
    ".badge.high{background:#e3f4ea;color:#1c5e35}.badge.low{background:#fdf1dc;color:#7a4b00}",
    ".warn{margin:10px 0;padding:8px 10px;border-radius:8px;background:#fff4d6;border:1px solid #f1d48a;color:#5c4300}",
    ".card h4{margin:12px 0 4px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#5b6470}",
    ".card ul,.card ol{margin:0;padding-left:20px}",
    ".card p{margin:6px 0}",
    ".groups{display:flex;flex-direction:column;gap:4px;margin-top:8px}",
    ".group{display:flex;flex-wrap:wrap;gap:4px;align-items:center}",
    ".gname{font-size:12px;color:#5b6470;min-width:88px}",
    ".chip{font-size:13px;border-radius:12px;padding:1px 9px;background:#eef1f5;border:1px solid #d5d9e0;list-style:none}",
    ".chip.planned{border-style:dashed;background:#fff}",
    ".chip.excluded{color:#6b7380}.chip.excluded .chip-label{text-decoration:line-through}",
    ".chip.context{color:#5b6470;border-style:dotted;background:#fff}",
    ".quote{color:#5b6470;font-style:italic;overflow-wrap:anywhere}",
    ".chips{display:flex;flex-wrap:wrap;gap:4px;margin:0;padding:0}",
    "svg.nest{display:block;width:100%;max-width:260px;margin:10px auto 0}",
    ".actions{margin-top:12px;display:flex;gap:8px;flex-wrap:wrap}",
    ".typing{align-self:flex-start;display:flex;gap:4px;padding:10px 12px;background:#fff;border:1px solid #e0e3e8;border-radius:12px}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#8a93a0;animation:blink 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing span{animation:none}}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e0e3e8;background:#fff}",
    "textarea{flex:1;resize:none;border:1px solid #c4cad3;border-radius:10px;padding:8px 10px;font:inherit;min-height:42px;max-height:120px;color:#1d232b;background:#fff}",
    "form button{border:0;border-radius:10px;background:var(--accent);color:#fff;padding:0 14px;font-weight:600}",
    ".note{margin:0;padding:0 12px 8px;font-size:13px;color:#8a1c12;background:#fff}",
    ".note:empty{display:none}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){:host{right:12px !important;bottom:12px !important}",
    ".panel{position:fixed;inset:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}}"
  ].join("");

  // ----- tiny DOM helpers: text only, never markup ---------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  /** Text with http(s) URLs as links; everything else, including "javascript:..." stays text. */
  function linkified(text) {
    var frag = document.createDocumentFragment();
    var pattern = /\bhttps?:\/\/[^\s<>"']+/gi;
    var last = 0;
    var match;
    text = String(text || "");
    while ((match = pattern.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      var url = null;
      try { url = new URL(raw); } catch (e) { url = null; }
      if (url && (url.protocol === "http:" || url.protocol === "https:")) {
        frag.appendChild(el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow" }, raw));
      } else {
        frag.appendChild(document.createTextNode(raw));
      }
      last = match.index + raw.length;
      pattern.lastIndex = last;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function store(key, value) {
    try {
      if (value === null) { localStorage.removeItem(key); } else { localStorage.setItem(key, value); }
    } catch (e) { /* private mode: the conversation just won't survive a reload */ }
  }

  function stored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  // ----- the widget's DOM ------------------------------------------------------------------
  var host = document.createElement("scopebot-widget");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = CSS;
  root.appendChild(style);

  var launcher = el("button", { "class": "launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "scopebot-panel", "aria-label": "Open chat: " + title });
  var icon = svgEl("svg", { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" });
  icon.appendChild(svgEl("path", { fill: "currentColor",
    d: "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" }));
  launcher.appendChild(icon);

  var panel = el("section", { "class": "panel", id: "scopebot-panel", role: "dialog",
    "aria-modal": "false", "aria-labelledby": "scopebot-title" });
  panel.hidden = true;
  var header = el("header");
  header.appendChild(el("h2", { id: "scopebot-title" }, title));
  var restartBtn = el("button", { type: "button", "class": "restart", "aria-label": "Start over" }, "Start over");
  var closeBtn = el("button", { type: "button", "class": "close", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(restartBtn);
  header.appendChild(closeBtn);

  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Conversation",
    tabindex: "0" });
  var status = el("p", { "class": "sr", role: "status" });
  var form = el("form", { "aria-label": "Send a message" });
  var inputId = "scopebot-input";
  form.appendChild(el("label", { "for": inputId, "class": "sr" }, "Describe your support operation"));
  var input = el("textarea", { id: inputId, rows: "2", placeholder: "Describe how customers reach you\u2026",
    "aria-describedby": "scopebot-note", autocomplete: "off" });
  var sendBtn = el("button", { type: "submit", "class": "send" }, "Send");
  form.appendChild(input);
  form.appendChild(sendBtn);
  var note = el("p", { "class": "note", id: "scopebot-note", role: "alert" });

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  panel.appendChild(note);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ----- conversation state ----------------------------------------------------------------
  var conversationId = stored(storeKey);
  var busy = false;
  var typing = null;

  // text/plain keeps these "simple" requests, so a cross-site embed needs no preflight;
  // the bot checks the Origin header of every call itself.
  function post(path, body) {
    return fetch(api + path, {
      method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body),
      credentials: "omit", mode: "cors"
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (json) {
        if (!resp.ok) {
          var err = new Error(json.error || ("The assistant answered with an error (" + resp.status + ")."));
          err.status = resp.status;
          throw err;
        }
        return json;
      });
    });
  }

  function ensureConversation() {
    if (conversationId) { return Promise.resolve(conversationId); }
    return post("/conversations", {}).then(function (json) {
      conversationId = json.conversation_id;
      store(storeKey, conversationId);
      return conversationId;
    });
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function showTyping(on) {
    if (on && !typing) {
      typing = el("div", { "class": "typing", "aria-hidden": "true" });
      typing.appendChild(el("span"));
      typing.appendChild(el("span"));
      typing.appendChild(el("span"));
      log.appendChild(typing);
      status.textContent = "The assistant is typing";
      scrollDown();
    } else if (!on && typing) {
      typing.remove();
      typing = null;
      status.textContent = "";
    }
  }

  function disableOldReplies() {
    root.querySelectorAll(".replies button").forEach(function (b) { b.disabled = true; });
  }

  function addUser(text) {
    var bubble = el("div", { "class": "msg user" });
    bubble.appendChild(linkified(text));
    log.appendChild(bubble);
    scrollDown();
  }

  function addError(text) {
    log.appendChild(el("div", { "class": "msg error", role: "alert" }, text));
    scrollDown();
  }

  function addIntro() {
    log.appendChild(el("div", { "class": "msg bot intro" },
      "Hi! Tell me how your customers reach you (phone, chat, email, social...) and what you want " +
      "a partner to take on. I'll say whether you need a call center, a contact center, a CX BPO or " +
      "a BPO, and why."));
  }

  function replyButtons(buttons) {
    var box = el("div", { "class": "replies", role: "group", "aria-label": "Suggested answers" });
    buttons.forEach(function (b) {
      var btn = el("button", { type: "button" }, b.title);
      btn.addEventListener("click", function () {
        disableOldReplies();  // a disabled button drops focus: hand it to the text box
        input.focus();
        send(b.payload, b.title);
      });
      box.appendChild(btn);
    });
    return box;
  }

  function nestingPicture(model) {
    var names = MODELS.map(function (m) { return m.name; });
    var chosen = MODELS.filter(function (m) { return m.id === model; })[0];
    var svg = svgEl("svg", { "class": "nest", viewBox: "0 0 260 160", role: "img",
      "aria-label": (chosen ? chosen.name + " highlighted. " : "") + names.join(" contains ") + "." });
    MODELS.forEach(function (m, i) {
      var on = m.id === model;
      var g = svgEl("g", { "data-model": m.id, "class": on ? "on" : "" });
      g.appendChild(svgEl("rect", { x: 2 + i * 14, y: 2 + i * 26, width: 256 - i * 28, height: 156 - i * 32,
        rx: 10, fill: on ? color : (i % 2 ? "#f1f3f6" : "#e6e9ee"), "fill-opacity": on ? 0.9 : 1,
        stroke: on ? color : "#aab2bd", "stroke-width": on ? 3 : 1 }));
      var label = svgEl("text", { x: 12 + i * 14, y: 19 + i * 26, "font-size": 13,
        "font-weight": on ? 700 : 400, fill: on ? "#fff" : "#3a424d" });
      label.textContent = m.name + (on ? "  \u2713" : "");
      g.appendChild(label);
      svg.appendChild(g);
    });
    return svg;
  }

  function list(tag, items) {
    var node = el(tag);
    items.forEach(function (t) {
      var li = el("li");
      li.appendChild(linkified(t));
      node.appendChild(li);
    });
    return node;
  }

  function addCard(view) {
    var c = view.card;
    (c.notes || []).forEach(function (t) {
      var bubble = el("div", { "class": "msg bot" });
      bubble.appendChild(linkified(t));
      log.appendChild(bubble);
    });
    var card = el("article", { "class": "card", "data-model": c.model,
      "aria-label": c.determined ? "Assessment: " + c.model_title + ", " + c.confidence + " confidence"
        : "Assessment: not enough to go on yet" });
    var head = el("div", { "class": "head" });
    var titleBox = el("div");
    titleBox.appendChild(el("div", { "class": "eyebrow" }, c.determined ? "Recommended model" : "Assessment"));
    titleBox.appendChild(el("h3", { "class": "model" }, c.determined ? c.model_title : "Not enough to go on yet"));
    head.appendChild(titleBox);
    if (c.determined) {
      head.appendChild(el("span", { "class": "badge " + c.confidence }, c.confidence + " confidence"));
    }
    card.appendChild(head);
    if (c.label_check) {
      var warn = el("div", { "class": "warn", role: "note" });
      warn.appendChild(el("strong", {}, "Label check: "));
      warn.appendChild(linkified(c.label_check));
      card.appendChild(warn);
    }
    card.appendChild(nestingPicture(c.model));
    if (c.signals && c.signals.length) {
      card.appendChild(el("h4", {}, "What I picked up"));
      var groups = el("div", { "class": "groups" });
      c.signals.forEach(function (g) {
        var row = el("div", { "class": "group" });
        row.appendChild(el("span", { "class": "gname" }, g.note ? g.name + " (" + g.note + ")" : g.name));
        var chips = el("ul", { "class": "chips", "aria-label": g.name });
        g.chips.forEach(function (chip) {
          var extra = chip.state === "excluded" ? " (ruled out)" : chip.state === "planned" ? " (planned)"
            : chip.state === "context" ? " (read as background, not counted)" : "";
          // the visitor's own words beside the signal: phone ("ring us up"); text, never markup
          var said = (chip.quotes || []).map(function (q) { return "\"" + String(q) + "\""; }).join(", ");
          var item = el("li", { "class": "chip " + chip.state, "data-value": chip.value,
            "aria-label": chip.label + extra + (said ? ", from your words " + said : "") });
          item.appendChild(el("span", { "class": "chip-label" }, chip.label));
          if (said) { item.appendChild(el("span", { "class": "quote" }, " (" + said + ")")); }
          chips.appendChild(item);
        });
        row.appendChild(chips);
        groups.appendChild(row);
      });
      card.appendChild(groups);
    }
    if (c.reasons && c.reasons.length) {
      card.appendChild(el("h4", {}, "Why"));
      card.appendChild(list("ul", c.reasons));
    }
    if (c.advice && c.advice.length) {
      card.appendChild(el("h4", {}, "Worth knowing"));
      card.appendChild(list("ul", c.advice));
    }
    if (c.questions && c.questions.length) {
      card.appendChild(el("h4", {}, "Questions that could change the answer"));
      card.appendChild(list("ol", c.questions.map(function (q) { return q.text; })));
    }
    var actions = el("div", { "class": "actions" });
    var dl = el("button", { type: "button", "class": "download" }, "Download brief");
    dl.addEventListener("click", requestBrief);
    actions.appendChild(dl);
    card.appendChild(actions);
    log.appendChild(card);
    if (view.buttons && view.buttons.length) { log.appendChild(replyButtons(view.buttons)); }
    return card;
  }

  function download(brief) {
    var blob = new Blob([brief.markdown], { type: "text/markdown;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: brief.filename || "scope-brief.md" });
    a.style.display = "none";
    root.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  function addBrief(view, autoDownload) {
    var box = el("div", { "class": "msg bot brief" });
    box.appendChild(el("p", {}, view.text || "Your scope brief is ready."));
    var btn = el("button", { type: "button" }, "Download " + (view.brief.filename || "scope-brief.md"));
    btn.addEventListener("click", function () { download(view.brief); });
    box.appendChild(btn);
    log.appendChild(box);
    if (autoDownload) { download(view.brief); }
  }

  function addBot(view, live) {
    if (view.role === "user") { addUser(view.text); return; }
    if (view.card) {
      var card = addCard(view);
      if (live) {  // a card is read from the top: show its start, not its end
        log.scrollTop = Math.max(0, card.offsetTop - log.offsetTop - 8);
        return;
      }
    } else if (view.brief) {
      addBrief(view, live && view.brief);
    } else {
      var bubble = el("div", { "class": "msg bot" });
      bubble.appendChild(linkified(view.text));
      log.appendChild(bubble);
      if (view.buttons && view.buttons.length) { log.appendChild(replyButtons(view.buttons)); }
    }
    scrollDown();
  }

  /** Send the visitor's `text` to the bot; `shown` is what the visitor sees as their message. */
  function send(text, shown) { return deliver({ text: text }, shown); }

  /** Run one of the widget's own commands ("brief", "restart"). Only the name travels: the
   *  bot maps it to its own message, so the widget never needs to know the bot's intents. */
  function command(name) { return deliver({ command: name }, null); }

  /** Post one message (`{text}` or `{command}`); `shown` is what the visitor sees (null: nothing). */
  function deliver(body, shown) {
    note.textContent = "";
    if (busy) { return Promise.resolve(); }
    var text = body.text || "";
    if (text.length > MAX_CHARS) {
      note.textContent = "That message is " + text.length.toLocaleString("en") + " characters long; the limit is " +
        MAX_CHARS.toLocaleString("en") + ". Please shorten it or send it in parts.";
      return Promise.resolve();
    }
    busy = true;
    sendBtn.disabled = true;
    if (shown) { addUser(shown); }
    showTyping(true);
    return ensureConversation().then(function (id) {
      body.conversation_id = id;
      return post("/message", body);
    }).then(function (json) {
      showTyping(false);
      (json.messages || []).forEach(function (m) { addBot(m, true); });
    }).catch(function (err) {
      showTyping(false);
      addError(err && err.status ? err.message
        : "I couldn't reach the assistant. Check your connection and try again.");
    }).then(function () {
      busy = false;
      sendBtn.disabled = false;
    });
  }

  function requestBrief() { command("brief"); }

  function restart() {
    disableOldReplies();
    var hadConversation = !!conversationId;
    log.textContent = "";
    if (!hadConversation) { addIntro(); input.focus(); return; }
    command("restart").then(function () {
      if (!log.querySelector(".msg.bot")) { addIntro(); }
      input.focus();
    });
  }

  function restoreHistory() {
    log.textContent = "";
    if (!conversationId) { addIntro(); return Promise.resolve(); }
    return post("/history", { conversation_id: conversationId }).then(function (json) {
      var shown = json.messages || [];
      if (!shown.length) { addIntro(); }
      shown.forEach(function (m) { addBot(m, false); });
      var replies = root.querySelectorAll(".replies");
      replies.forEach(function (box, i) {  // only the newest answers can still be clicked
        if (i < replies.length - 1) { box.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }
      });
    }).catch(function (err) {
      if (err && err.status === 400) {  // an id this bot never issued: start afresh
        conversationId = null;
        store(storeKey, null);
        addIntro();
      } else {
        addError("I couldn't load the earlier conversation. You can carry on; it is kept on the server.");
      }
    });
  }

  // ----- opening, closing, keyboard -------------------------------------------------------
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.setAttribute("aria-label", (open ? "Close chat: " : "Open chat: ") + title);
    store(openKey, open ? "1" : null);
    if (open && focus) { input.focus(); scrollDown(); }
    if (!open && focus) { launcher.focus(); }
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden, true); });
  closeBtn.addEventListener("click", function () { setOpen(false, true); });
  restartBtn.addEventListener("click", restart);
  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); setOpen(false, true); }
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (busy) { note.textContent = "One moment: the assistant is still answering."; return; }
    var text = input.value.trim();
    if (!text) { note.textContent = "Type a message first."; return; }
    if (text.length > MAX_CHARS) {
      note.textContent = "That message is " + text.length.toLocaleString("en") + " characters long; the limit is " +
        MAX_CHARS.toLocaleString("en") + ". Please shorten it or send it in parts.";
      return;
    }
    disableOldReplies();
    input.value = "";
    send(text, text);
  });

  function mount() {
    document.body.appendChild(host);
    restoreHistory();
    if (stored(openKey)) { setOpen(true, false); }
  }

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
