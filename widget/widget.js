/* rygbot chat widget. One tag embeds it:
 *   <script src="https://BOT-HOST/widget.js" data-clinic-name="…" data-clinic-phone="…" data-region="…" defer></script>
 * Plain JavaScript, no dependencies, no third-party requests. The webhook and the stylesheet are
 * resolved relative to this script's own address (bot/rasa/channel.py defines the paths).
 * Everything from the server is rendered as text; a small Markdown subset (bold, lists, links,
 * headings) is built with DOM nodes, never with innerHTML.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || window.rygbotWidget) return;

  var WEBHOOK = new URL("webhooks/rygbot/webhook", script.src).href;
  var REGIONS = new URL("webhooks/rygbot/regions", script.src).href;
  var DELETE = new URL("webhooks/rygbot/delete", script.src).href;
  var STYLESHEET = new URL("widget.css", script.src).href;
  var STORE_KEY = "rygbot.v1";
  var INIT_PAYLOAD = "/greet";
  var TIMEOUT_MS = 40000;
  var LAUNCHER_TEXT = "Ondt i ryggen? Spørg her";
  var laegevagt = { hovedstaden: "1813", sjaelland: "1818" };
  var data = script.dataset;
  var clinic = { name: data.clinicName || "", phone: data.clinicPhone || "", region: data.region || "" };

  var state = load();
  var pending = null;
  var ui = {};

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fresh() {
    return { sender: uuid4(), log: [], triage: "none", open: false };
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY));
      if (saved && saved.sender && Array.isArray(saved.log)) return saved;
    } catch (e) { /* storage blocked or corrupt: start a new conversation */ }
    return fresh();
  }

  function save() {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function telHref(phone) {
    return "tel:" + String(phone).replace(/[^0-9+]/g, "");
  }

  /* Markdown subset ------------------------------------------------------------------------- */

  function safeLink(href) {
    try {
      var url = new URL(href, location.href);
      return /^(https?|tel):$/.test(url.protocol) ? url.href : null;
    } catch (e) { return null; }
  }

  function inline(parent, text) {
    var re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
    var last = 0, m;
    while ((m = re.exec(text))) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) {
        parent.appendChild(el("strong", "", m[1]));
      } else {
        var href = safeLink(m[3]);
        if (href) {
          var a = el("a", "", m[2]);
          a.href = href;
          if (!/^tel:/.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
          parent.appendChild(a);
        } else {
          parent.appendChild(document.createTextNode(m[2]));
        }
      }
      last = re.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function markdown(container, text) {
    var list = null, para = null;
    String(text).split("\n").forEach(function (line) {
      var bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      var number = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      var heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
      if (bullet || number) {
        var tag = bullet ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== tag) list = container.appendChild(el(tag));
        inline(list.appendChild(el("li")), (bullet || number)[1]);
        para = null;
      } else if (!line.trim()) {
        list = para = null;
      } else if (heading) {
        inline(container.appendChild(el("p", "rb-h")), heading[1]);
        list = para = null;
      } else {
        if (para) para.appendChild(el("br")); else para = container.appendChild(el("p"));
        inline(para, line);
        list = null;
      }
    });
  }

  /* Building the UI ------------------------------------------------------------------------- */

  function build() {
    var host = el("div");
    host.id = "rygbot-widget";
    document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var css = el("link");
    css.rel = "stylesheet";
    css.href = STYLESHEET;
    root.appendChild(css);

    var wrap = ui.wrap = root.appendChild(el("aside", "rb"));
    wrap.setAttribute("aria-label", "Chat med rygbot");
    wrap.hidden = true;
    css.onload = css.onerror = function () { wrap.hidden = false; };

    ui.launcher = wrap.appendChild(el("button", "rb-launcher"));
    ui.launcher.type = "button";
    ui.launcher.setAttribute("aria-controls", "rb-panel");
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.appendChild(icon());
    ui.launcherText = ui.launcher.appendChild(el("span", "", LAUNCHER_TEXT));

    var panel = ui.panel = wrap.appendChild(el("div", "rb-panel"));
    panel.id = "rb-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "rb-title");
    panel.hidden = true;

    var head = panel.appendChild(el("div", "rb-head"));
    var titles = head.appendChild(el("div", "rb-titles"));
    titles.appendChild(el("h2", "rb-title", "rygbot")).id = "rb-title";
    titles.appendChild(el("p", "rb-sub", clinic.name ? "Chat om ondt i lænden · " + clinic.name : "Chat om ondt i lænden"));
    ui.restart = head.appendChild(button("Start forfra", "rb-restart", restart));
    ui.forget = head.appendChild(button("Slet samtalen", "rb-delete", forget));
    ui.close = head.appendChild(button("", "rb-close", close));
    ui.close.setAttribute("aria-label", "Luk chatten");
    ui.close.appendChild(el("span", "", "×")).setAttribute("aria-hidden", "true");

    ui.banner = panel.appendChild(el("div", "rb-banner-slot"));

    ui.log = panel.appendChild(el("div", "rb-log"));
    ui.log.setAttribute("role", "log");
    ui.log.setAttribute("aria-live", "polite");
    ui.log.setAttribute("aria-label", "Samtale");
    ui.log.tabIndex = 0;

    ui.status = panel.appendChild(el("div", "rb-status"));
    ui.status.setAttribute("role", "status");

    var form = ui.form = panel.appendChild(el("form", "rb-form"));
    var label = form.appendChild(el("label", "rb-sr", "Skriv din besked"));
    label.htmlFor = "rb-input";
    ui.input = form.appendChild(el("textarea", "rb-input"));
    ui.input.id = "rb-input";
    ui.input.rows = 1;
    ui.input.maxLength = 2000;
    ui.input.placeholder = "Skriv her …";
    ui.send = form.appendChild(el("button", "rb-send", "Send"));
    ui.send.type = "submit";
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = ui.input.value.trim();
      if (!text || pending) return;
      ui.input.value = "";
      say(text, text);
    });
    ui.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.stopPropagation(); close(); }
    });
    ui.launcher.addEventListener("click", function () { state.open ? close() : open(); });
    ui.print = wrap.appendChild(el("div", "rb-print"));
    window.addEventListener("afterprint", endPrint);

    renderAll();
    if (state.open) open(true);
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  /* Rendering ------------------------------------------------------------------------------- */

  function renderAll() {
    ui.log.textContent = "";
    var notice = ui.log.appendChild(el("div", "rb-notice"));
    markdown(notice, "rygbot er en chatbot, ikke en læge. **Ved livsfare: ring 112.** " +
      "Samtalen gemmes uden CPR-nummer, telefonnummer og e-mail. Skriv ikke dit navn.");
    state.log.forEach(function (entry) { ui.log.appendChild(bubble(entry)); });
    renderReplies();
    renderBanner();
  }

  function bubble(entry) {
    if (typeof entry.handover === "string") return handoverCard(entry.handover);
    var b = el("div", "rb-msg rb-" + entry.who);
    var who = el("span", "rb-sr", entry.who === "user" ? "Du skrev:" : "rygbot:");
    b.appendChild(who);
    if (entry.who === "user") b.appendChild(el("p", "", entry.text));
    else markdown(b, entry.text);
    return b;
  }

  function renderReplies() {
    var old = ui.log.querySelector(".rb-replies");
    if (old) old.remove();
    var last = state.log[state.log.length - 1];
    if (!last || last.who !== "bot" || !last.buttons || !last.buttons.length || pending) return;
    var group = ui.log.appendChild(el("div", "rb-replies"));
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Svarmuligheder");
    last.buttons.forEach(function (b) {
      group.appendChild(button(b.title, "rb-reply", function () {
        say(b.title, b.payload);
        ui.input.focus();
      }));
    });
  }

  function renderBanner() {
    ui.banner.textContent = "";
    if (state.triage === "emergency") {
      var e = ui.banner.appendChild(el("div", "rb-banner rb-emergency"));
      e.setAttribute("role", "alert");
      e.appendChild(el("p", "rb-banner-title", "Ring 112 nu"));
      e.appendChild(el("p", "", "Det, du skriver, kan være alvorligt og skal undersøges med det samme."));
      e.appendChild(callLink("112", "Ring 112"));
    } else if (state.triage === "urgent") {
      var u = ui.banner.appendChild(el("div", "rb-banner rb-urgent"));
      u.setAttribute("role", "alert");
      u.appendChild(el("p", "rb-banner-title", "Kontakt din læge nu"));
      var links = u.appendChild(el("div", "rb-calls"));
      if (clinic.phone) links.appendChild(callLink(clinic.phone, "Ring til lægen: " + clinic.phone));
      var vagt = laegevagt[clinic.region];
      if (vagt) links.appendChild(callLink(vagt, "Lægevagten: " + vagt));
      else loadRegions();
      u.appendChild(el("p", "rb-banner-note", "Har lægen lukket, så ring til lægevagten. Ved livsfare: ring 112."));
    }
    ui.launcher.classList.toggle("rb-alert", state.triage === "emergency");
    scrollDown();
  }

  function loadRegions() {
    if (!clinic.region || loadRegions.done) return;
    loadRegions.done = true;
    fetch(REGIONS, { credentials: "omit" }).then(function (res) { return res.json(); }).then(function (regions) {
      var region = regions && regions[clinic.region];
      if (region && typeof region.phone === "string") { laegevagt[clinic.region] = region.phone; renderBanner(); }
    }).catch(function () { /* the banner keeps the general advice */ });
  }

  function callLink(phone, text) {
    var a = el("a", "rb-call", text);
    a.href = telHref(phone);
    return a;
  }

  function add(entry) {
    state.log.push(entry);
    save();
    ui.log.appendChild(bubble(entry));
  }

  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function setPending(on) {
    ui.send.disabled = on;
    var typing = ui.log.querySelector(".rb-typing");
    if (typing) typing.remove();
    ui.status.textContent = on ? "rygbot skriver …" : "";
    if (on) {
      var dots = ui.log.appendChild(el("div", "rb-msg rb-bot rb-typing"));
      dots.setAttribute("aria-hidden", "true");
      for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
    }
    scrollDown();
  }

  function showError(retry) {
    clearError();
    var box = ui.log.appendChild(el("div", "rb-error"));
    box.setAttribute("role", "alert");
    box.appendChild(el("p", "", "Beskeden blev ikke sendt. Tjek din forbindelse, og prøv igen."));
    markdown(box, "Har du brug for hjælp nu, så ring til din læge. **Ved livsfare: ring 112.**");
    var again = box.appendChild(button("Prøv igen", "rb-retry", function () { clearError(); retry(); }));
    scrollDown();
    again.focus();
  }

  function clearError() {
    var old = ui.log.querySelector(".rb-error");
    if (old) old.remove();
  }

  /* The handover summary ("Til lægen"): a card to copy or print; only the newest is kept ---- */

  function showHandover(text) {
    state.log = state.log.filter(function (entry) { return typeof entry.handover !== "string"; });
    Array.prototype.forEach.call(ui.log.querySelectorAll(".rb-handover"), function (card) { card.remove(); });
    add({ who: "bot", handover: text });
  }

  function handoverCard(text) {
    var lines = text.split("\n");
    var card = el("section", "rb-handover");
    card.setAttribute("aria-label", "Til lægen");
    card.appendChild(el("h3", "rb-handover-title", lines[0]));
    card.appendChild(el("p", "rb-handover-text", lines.slice(1).join("\n")));
    var row = card.appendChild(el("div", "rb-handover-actions"));
    var copyButton = row.appendChild(button("Kopiér", "rb-copy", function () { copyText(text, copyButton); }));
    row.appendChild(button("Print / gem som PDF", "rb-print-button", function () { printText(text); }));
    return card;
  }

  function copyText(text, from) {
    function done() {
      from.textContent = "Kopieret";
      ui.status.textContent = "Resuméet er kopieret.";
      setTimeout(function () { from.textContent = "Kopiér"; }, 2500);
    }
    function fallback() {
      var area = ui.panel.appendChild(el("textarea", "rb-sr"));
      area.value = text;
      area.setAttribute("readonly", "");
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) done(); else ui.status.textContent = "Kunne ikke kopiere. Markér teksten, og kopiér den selv.";
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  /* Printing shows only the summary: the host page is hidden by a print style sheet on the
     document (the widget's own styles cannot reach it) while the class rygbot-printing is set. */
  var HOST_PRINT_CSS = "@media print { @page { size: A4; margin: 18mm 16mm; } " +
    "html.rygbot-printing body > :not(#rygbot-widget) { display: none !important; } " +
    "html.rygbot-printing, html.rygbot-printing body { background: #fff !important; margin: 0 !important; " +
    "padding: 0 !important; height: auto !important; min-height: 0 !important; } }";

  function hostPrintStyle() {
    if (hostPrintStyle.done) return;
    hostPrintStyle.done = true;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(HOST_PRINT_CSS);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (e) {
      var style = el("style", "", HOST_PRINT_CSS);
      style.media = "print";
      document.head.appendChild(style);
    }
  }

  function printText(text) {
    var lines = text.split("\n");
    ui.print.textContent = "";
    ui.print.appendChild(el("h1", "rb-print-title", lines[0]));
    ui.print.appendChild(el("p", "rb-print-text", lines.slice(1).join("\n").replace(/^\n+/, "")));
    hostPrintStyle();
    document.documentElement.classList.add("rygbot-printing");
    ui.wrap.classList.add("rb-printing");
    window.print();
  }

  function endPrint() {
    document.documentElement.classList.remove("rygbot-printing");
    if (ui.wrap) ui.wrap.classList.remove("rb-printing");
  }

  /* Talking to the server ------------------------------------------------------------------- */

  function say(shown, payload) {
    clearError();
    if (shown) add({ who: "user", text: shown });
    deliver(payload);
  }

  // "Prøv igen" resends with the same message id: if the first try was answered after all (only
  // the reply was lost), the bot sends that answer again instead of taking the message twice.
  function deliver(payload, messageId) {
    var sender = state.sender;
    var id = messageId || uuid4();
    pending = payload;
    renderReplies();
    setPending(true);
    post(sender, payload, id, Boolean(messageId)).then(function (messages) {
      if (sender !== state.sender) return;
      pending = null;
      setPending(false);
      receive(messages);
    }, function () {
      if (sender !== state.sender) return;
      pending = null;
      setPending(false);
      showError(function () { deliver(payload, id); });
    });
  }

  function post(sender, message, messageId, resend) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    var body = { sender: sender, message: message, metadata: { clinic: clinic } };
    if (messageId) body.message_id = messageId;
    if (resend) body.resend = true;
    return fetch(WEBHOOK, {
      method: "POST",
      // text/plain keeps this a "simple" cross-origin request: no preflight round trip.
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined,
      credentials: "omit"
    }).then(function (res) {
      clearTimeout(timer);
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }, function (err) { clearTimeout(timer); throw err; });
  }

  function receive(messages) {
    var levels = { none: 0, urgent: 1, emergency: 2 };
    (Array.isArray(messages) ? messages : []).forEach(function (m) {
      var custom = m && typeof m.custom === "object" && m.custom;
      if (custom && levels[custom.triage] > levels[state.triage || "none"]) {
        state.triage = custom.triage;
        save();
        renderBanner();
      }
      if (custom && custom.handover && typeof custom.handover.text === "string") showHandover(custom.handover.text);
      var buttons = m && Array.isArray(m.buttons) ? m.buttons.filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      }) : [];
      var last = state.log[state.log.length - 1];
      if (m && typeof m.text === "string" && m.text.trim()) {
        add({ who: "bot", text: m.text, buttons: buttons });
      } else if (buttons.length && last && last.who === "bot") {
        // Buttons sent on their own (e.g. "Læs mere") belong to the message before them.
        last.buttons = (last.buttons || []).concat(buttons);
        save();
      }
    });
    renderReplies();
    scrollDown();
  }

  /* Open, close, start over ----------------------------------------------------------------- */

  function open(restoring) {
    state.open = true;
    save();
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcherText.textContent = "Luk chatten";
    ui.launcher.parentNode.classList.add("rb-is-open");
    scrollDown();
    if (!restoring) ui.input.focus();
    if (!state.log.length && !pending) deliver(INIT_PAYLOAD);
  }

  function close() {
    state.open = false;
    save();
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcherText.textContent = LAUNCHER_TEXT;
    ui.launcher.parentNode.classList.remove("rb-is-open");
    ui.launcher.focus();
  }

  function restart() {
    post(state.sender, "/restart").catch(function () { /* the old conversation is left behind either way */ });
    startAfresh();
  }

  /* Deletes every stored message of this conversation on the server, then starts a new one. */
  function forget() {
    ui.forget.disabled = true;
    fetch(DELETE, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ sender: state.sender }),
      credentials: "omit"
    }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      ui.forget.disabled = false;
      startAfresh("Samtalen er slettet. Her er en ny.");
    }).catch(function () {
      ui.forget.disabled = false;
      ui.status.textContent = "Samtalen blev ikke slettet. Prøv igen.";
    });
  }

  function startAfresh(note) {
    state = fresh();
    state.open = true;
    pending = null;
    save();
    setPending(false);
    renderAll();
    if (note) ui.log.appendChild(el("p", "rb-deleted", note));
    ui.input.value = "";
    ui.input.focus();
    deliver(INIT_PAYLOAD);
  }

  window.rygbotWidget = { open: function () { open(); }, close: close };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
