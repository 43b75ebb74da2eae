// Cap Jeunes 62 — the chat widget (an ES module, no framework, no build step).
//
//   <script type="module" src="https://…/widget/cj62-widget.js"
//           data-socket-url="https://rasa.example.org" data-socket-path="/socket.io/"></script>
//
// data- attributes (all optional): socket-url (Rasa's socket.io server; default: the widget's
// origin), socket-path (default "/socket.io/"), socketio-src (socket.io-client's UMD build;
// default vendor/socket.io.min.js next to this file), stylesheet (default cj62-widget.css next to
// this file; "none" if the page links it itself), privacy-url (default /confidentialite on the
// widget's origin). No inline script or style anywhere: works under `script-src 'self'`.
//
// Privacy: nothing is stored and no connection is made before the user opens the chat; then the
// conversation (token + messages) is kept in this tab's sessionStorage until "Effacer".

import { Connection } from "./connection.js";
import { botHtml } from "./format.js";
import * as store from "./store.js";

const TEXT = {
  launcher: "Une question ?",
  launcherMore: " Ouvrir la discussion avec l'assistant Cap Jeunes 62",
  title: "Cap Jeunes 62",
  subtitle: "Département du Pas-de-Calais",
  clear: "Effacer",
  clearMore: " la conversation",
  close: "Fermer",
  log: "Conversation avec l'assistant",
  intro:
    "Bonjour ! Je suis l'assistant automatique Cap Jeunes 62. Je renseigne les jeunes de 16 à 25 ans, " +
    "les professionnels et les structures sur les aides du Département : logement, accompagnement, " +
    "projets. Posez votre question, par exemple « je cherche un logement ».",
  label: "Votre message",
  placeholder: "Écrivez votre message",
  send: "Envoyer",
  you: "Vous : ",
  bot: "Cap Jeunes 62 : ",
  replies: "Réponses proposées",
  typing: "L'assistant écrit…",
  pending: "En attente de connexion : envoi dès son retour",
  image: "Voir l'image",
  footer: "Assistant automatique : ne donnez que les informations utiles à votre question. ",
  privacy: "Vos données et vos droits",
  connecting: "Connexion à l'assistant…",
  offline:
    "Connexion perdue. Reconnexion en cours… Vous pouvez continuer à écrire : vos messages partiront dès le retour de la connexion.",
  reconnected: "Connexion rétablie.",
  refused: "L'assistant n'est pas joignable pour le moment. Nouvel essai dans un instant.",
  restarted: "La conversation précédente ne peut pas être reprise : une nouvelle conversation commence.",
  cleared: "Conversation effacée. Une nouvelle conversation commence.",
  unavailable: "L'assistant ne peut pas se charger pour le moment. Réessayez plus tard.",
};
const TYPING_TIMEOUT = 30000; // ms without an answer after which the typing indicator goes away

// --- configuration --------------------------------------------------------------------------------

function ownScript() {
  const scripts = Array.from(document.querySelectorAll("script[src]"));
  return scripts.find((script) => script.src === import.meta.url) || document.querySelector("script[data-socket-url]");
}

function readConfig(script) {
  const data = (script && script.dataset) || {};
  const here = (path) => new URL(path, import.meta.url).href;
  return {
    socketUrl: data.socketUrl || new URL(import.meta.url).origin,
    socketPath: data.socketPath || "/socket.io/",
    socketioSrc: data.socketioSrc || here("vendor/socket.io.min.js"),
    stylesheet: data.stylesheet === "none" ? null : data.stylesheet || here("cj62-widget.css"),
    privacyUrl: data.privacyUrl || here("/confidentialite"),
  };
}

function loadStylesheet(href) {
  if (!href || Array.from(document.styleSheets).some((sheet) => sheet.href === href)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = element("link", { rel: "stylesheet", href });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.append(link);
  });
}

let socketioLoading = null;
function loadSocketio(src) {
  if (typeof window.io === "function") return Promise.resolve(window.io);
  socketioLoading ||= new Promise((resolve, reject) => {
    const script = element("script", { src });
    script.addEventListener("load", () => (typeof window.io === "function" ? resolve(window.io) : reject()));
    script.addEventListener("error", reject);
    document.head.append(script);
  });
  return socketioLoading;
}

// --- DOM helpers (text through textContent; the only innerHTML is botHtml's escaped output) ------

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function srOnly(text) {
  return element("span", { class: "cj62-sr" }, text);
}

function chatIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "cj62-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  svg.append(path);
  return svg;
}

// --- the widget -----------------------------------------------------------------------------------

class Widget {
  constructor(config) {
    this.config = config;
    const stored = store.load();
    this.activated = stored !== null; // the user opened the chat in this tab before
    this.state = stored || { token: null, received: 0, open: false, messages: [] };
    this.connection = null;
    this.typingTimer = null;
    this.statusTimer = null;
    this.build();
    this.renderAll();
    if (this.activated) {
      if (this.state.open) this.open({ focus: false });
      else this.connect();
    }
  }

  build() {
    this.launcher = element(
      "button",
      { type: "button", class: "cj62-launcher", "aria-expanded": "false", "aria-controls": "cj62-panel" },
      chatIcon(),
      element("span", { class: "cj62-launcher-text" }, TEXT.launcher),
      srOnly(TEXT.launcherMore),
    );
    this.clearButton = element("button", { type: "button", class: "cj62-header-button" }, TEXT.clear, srOnly(TEXT.clearMore));
    this.closeButton = element("button", { type: "button", class: "cj62-header-button" }, TEXT.close);
    this.status = element("p", { class: "cj62-status", role: "status" });
    this.intro = element("p", { class: "cj62-intro" }, TEXT.intro);
    this.log = element(
      "div",
      { class: "cj62-log", role: "log", "aria-live": "polite", "aria-label": TEXT.log, tabindex: "0" },
      this.intro,
    );
    this.typing = element(
      "p",
      { class: "cj62-typing", hidden: true },
      element("span", { class: "cj62-dots", "aria-hidden": "true" }, element("span"), element("span"), element("span")),
      TEXT.typing,
    );
    this.input = element("input", {
      id: "cj62-input",
      class: "cj62-input",
      type: "text",
      name: "message",
      autocomplete: "off",
      maxlength: "2000",
      placeholder: TEXT.placeholder,
    });
    this.form = element(
      "form",
      { class: "cj62-form" },
      element("label", { for: "cj62-input", class: "cj62-sr" }, TEXT.label),
      this.input,
      element("button", { type: "submit", class: "cj62-send" }, TEXT.send),
    );
    this.panel = element(
      "section",
      { id: "cj62-panel", class: "cj62-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "cj62-title", hidden: true },
      element(
        "div",
        { class: "cj62-header" },
        element(
          "div",
          { class: "cj62-heading" },
          element("h2", { id: "cj62-title", class: "cj62-title" }, TEXT.title),
          element("p", { class: "cj62-subtitle" }, TEXT.subtitle),
        ),
        element("div", { class: "cj62-header-actions" }, this.clearButton, this.closeButton),
      ),
      this.status,
      this.log,
      this.typing,
      this.form,
      element(
        "p",
        { class: "cj62-footer" },
        TEXT.footer,
        element("a", { href: this.config.privacyUrl, target: "_blank", rel: "noopener" }, TEXT.privacy, srOnly(" (nouvelle fenêtre)")),
      ),
    );
    this.root = element("div", { class: "cj62", lang: "fr" }, this.panel, this.launcher);
    document.body.append(this.root);

    this.launcher.addEventListener("click", () => (this.panel.hidden ? this.open() : this.close()));
    this.closeButton.addEventListener("click", () => this.close());
    this.clearButton.addEventListener("click", () => this.clear());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.input.focus(); // after a click on "Envoyer", the next message is typed at once
      this.send(text);
    });
  }

  // --- opening and closing -----------------------------------------------------------------------

  open({ focus = true } = {}) {
    this.activated = true;
    this.state.open = true;
    this.panel.hidden = false;
    this.root.classList.add("cj62--open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.persist();
    this.connect();
    this.scrollDown();
    if (focus) this.input.focus();
  }

  close() {
    this.state.open = false;
    this.panel.hidden = true;
    this.root.classList.remove("cj62--open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.persist();
    this.launcher.focus();
  }

  // --- storage (only once activated) ----------------------------------------------------------------

  persist() {
    if (!this.activated) return;
    if (this.connection) {
      this.state.token = this.connection.token;
      this.state.received = this.connection.received;
    }
    store.save(this.state);
  }

  clear() {
    store.clear();
    this.state = { token: null, received: 0, open: true, messages: [] };
    this.renderAll();
    this.hideTyping();
    this.showStatus(TEXT.cleared, { clearAfter: 6000 });
    if (this.connection) this.connection.newSession();
    this.persist();
  }

  // --- the connection -------------------------------------------------------------------------------

  connect() {
    if (this.connection || this.connecting) return;
    this.connecting = true;
    loadSocketio(this.config.socketioSrc).then(
      (io) => {
        this.connection = new Connection(
          { io, url: this.config.socketUrl, path: this.config.socketPath, token: this.state.token, received: this.state.received },
          {
            onStatus: (status) => this.connectionStatus(status),
            onSession: () => this.persist(),
            onRefused: () => this.addMessage({ from: "notice", text: TEXT.restarted }),
            onBotMessage: (message, index) => this.botMessage(message, index),
            onReady: () => this.flush(),
          },
        );
        this.connection.start();
      },
      () => {
        this.connecting = false;
        this.showStatus(TEXT.unavailable);
      },
    );
  }

  connectionStatus(status) {
    if (status === "connecting") this.showStatus(TEXT.connecting, { connection: true });
    else if (status === "online") {
      if (this.status.dataset.connection) this.showStatus(""); // leave "Conversation effacée" alone
    } else if (status === "reconnected") this.showStatus(TEXT.reconnected, { clearAfter: 5000 });
    else if (status === "offline") {
      this.hideTyping();
      this.showStatus(TEXT.offline, { connection: true });
    } else if (status === "refused") this.showStatus(TEXT.refused, { connection: true });
  }

  /** The status line (role="status": read out by screen readers). */
  showStatus(text, { clearAfter = 0, connection = false } = {}) {
    clearTimeout(this.statusTimer);
    this.status.textContent = text;
    if (connection) this.status.dataset.connection = "true";
    else delete this.status.dataset.connection;
    this.root.classList.toggle("cj62--offline", text === TEXT.offline);
    if (clearAfter) this.statusTimer = setTimeout(() => this.showStatus(""), clearAfter);
  }

  // --- messages -----------------------------------------------------------------------------------

  send(payload, { metadata = null, shown = payload } = {}) {
    this.removeReplies();
    this.addMessage({ id: `${Date.now()}-${Math.random()}`, from: "user", text: shown, payload, metadata, pending: true });
    this.flush();
  }

  flush() {
    if (!this.connection) return;
    for (const message of this.state.messages) {
      if (!message.pending) continue;
      if (!this.connection.send(message.payload, message.metadata)) break;
      message.pending = false;
      delete message.payload;
      delete message.metadata;
      this.showTyping();
      const node = this.log.querySelector(`[data-id="${CSS.escape(message.id)}"] .cj62-pending`);
      if (node) node.remove();
    }
    this.persist();
  }

  botMessage(message, index) {
    this.hideTyping();
    const text = typeof message.text === "string" ? message.text : "";
    const replies = Array.isArray(message.quick_replies || message.buttons)
      ? (message.quick_replies || message.buttons)
          .filter((reply) => reply && typeof reply.title === "string" && typeof reply.payload === "string")
          .map(({ title, payload }) => ({ title, payload }))
      : [];
    const src = message.attachment && message.attachment.payload && message.attachment.payload.src;
    const image = typeof src === "string" && /^https?:\/\//.test(src) ? src : null;
    if (!text && !replies.length && !image) return;
    this.addMessage({ from: message.notice ? "notice" : "bot", text, replies, image, index });
  }

  addMessage(message) {
    this.state.messages.push(message);
    this.log.append(this.renderMessage(message, true));
    this.dropRepeatedReplies();
    this.persist();
    this.scrollDown();
  }

  renderAll() {
    this.log.replaceChildren(this.intro);
    const lastUser = this.state.messages.map((message) => message.from).lastIndexOf("user");
    this.state.messages.forEach((message, position) => {
      this.log.append(this.renderMessage(message, position > lastUser));
    });
    this.dropRepeatedReplies();
  }

  /** Of the choices offered in one turn, hide a group whose choices a later group offers again. */
  dropRepeatedReplies() {
    const groups = Array.from(this.log.querySelectorAll(".cj62-replies"));
    const later = new Set();
    for (const group of groups.reverse()) {
      const payloads = JSON.parse(group.dataset.payloads);
      if (payloads.every((payload) => later.has(payload))) group.remove();
      payloads.forEach((payload) => later.add(payload));
    }
  }

  renderMessage(message, withReplies) {
    const from = ["user", "bot", "notice"].includes(message.from) ? message.from : "bot";
    const item = element("div", { class: `cj62-msg cj62-msg--${from}`, "data-id": message.id || null });
    const text = element("p", { class: "cj62-text" });
    if (from === "user") {
      text.textContent = message.text;
    } else {
      text.innerHTML = botHtml(message.text || ""); // escaped first, then tel:/mailto: links
    }
    text.prepend(srOnly(from === "user" ? TEXT.you : TEXT.bot));
    item.append(text);
    if (message.image) {
      item.append(element("p", { class: "cj62-text" }, element("a", { href: message.image, target: "_blank", rel: "noopener" }, TEXT.image)));
    }
    if (message.pending) item.append(element("span", { class: "cj62-pending" }, TEXT.pending));
    if (withReplies && message.replies && message.replies.length) {
      const payloads = JSON.stringify(message.replies.map((reply) => reply.payload));
      const group = element("div", { class: "cj62-replies", role: "group", "aria-label": TEXT.replies, "data-payloads": payloads });
      for (const reply of message.replies) {
        const button = element("button", { type: "button", class: "cj62-reply" }, reply.title);
        button.addEventListener("click", () => {
          this.send(reply.payload, { metadata: { button: true }, shown: reply.title });
          this.input.focus();
        });
        group.append(button);
      }
      item.append(group);
    }
    return item;
  }

  removeReplies() {
    for (const group of this.log.querySelectorAll(".cj62-replies")) group.remove();
  }

  scrollDown() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  showTyping() {
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT);
    this.scrollDown();
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }
}

async function start() {
  if (document.querySelector(".cj62")) return; // already on the page
  const config = readConfig(ownScript());
  await loadStylesheet(config.stylesheet);
  window.cj62Widget = new Widget(config);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
