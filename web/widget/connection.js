// The socket.io side of the widget (protocol: docs/widget.md).
//
// - On every (re)connection: `session_request` with the token kept by the tab (or null for a new
//   conversation); the server answers `session_confirm` (the token) or `session_refused` (the
//   widget then starts a new conversation).
// - A resumed session first fetches the bot messages missed meanwhile (`missed_messages`, from
//   the index of the next bot message expected), then reports `ready`: only then are queued user
//   messages sent (socket.io's own buffer would send them before the session is confirmed).
// - `received` counts the bot messages received for the session, missed ones included, so that
//   the next fetch starts where the tab stopped. The channel's own answers (`notice: true`) are
//   not in the server's count, so not in ours either.

const MISSED_TIMEOUT = 10000; // ms: after this, queued messages are sent without the missed ones
const RETRY_REFUSED = 30000; // ms: the server refused the connection; try again later

export class Connection {
  /**
   * @param {object} options
   * @param {Function} options.io socket.io-client's `io`
   * @param {string} options.url Rasa's base URL (socket.io server)
   * @param {string} options.path socket.io path, e.g. "/socket.io/"
   * @param {string|null} options.token the token kept by the tab, if any
   * @param {number} options.received bot messages already received for that session
   * @param {object} handlers onStatus(status), onSession(token, resumed), onRefused(), onBotMessage(message, index), onReady()
   */
  constructor({ io, url, path, token, received }, handlers) {
    this.token = token || null;
    this.received = Number.isInteger(received) && received >= 0 ? received : 0;
    this.ready = false;
    this.handlers = handlers;
    this.lostConnection = false;
    this.socket = io(url, {
      path,
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000,
    });
    this.socket.on("connect", () => this.requestSession());
    this.socket.on("session_confirm", (token) => this.confirmed(token));
    this.socket.on("session_refused", () => this.refused());
    this.socket.on("bot_uttered", (message) => this.botMessage(message));
    this.socket.on("disconnect", (reason) => this.lost(reason));
    this.socket.on("connect_error", () => this.failed());
  }

  start() {
    this.handlers.onStatus("connecting");
    this.socket.connect();
  }

  /** Emit a user message now if the session is ready; false means "keep it queued". */
  send(text, metadata) {
    if (!this.ready || !this.socket.connected) return false;
    const data = { message: text };
    if (metadata) data.metadata = metadata;
    this.socket.emit("user_uttered", data);
    return true;
  }

  /** Leave the current conversation and start a new one (the server leaves the old room). */
  newSession() {
    this.token = null;
    this.received = 0;
    this.ready = false;
    if (this.socket.connected) this.requestSession();
  }

  requestSession() {
    this.ready = false;
    this.refusedOnce = false;
    this.socket.emit("session_request", { session_id: this.token });
  }

  confirmed(token) {
    if (typeof token !== "string" || !token) return;
    const resumed = token === this.token;
    if (!resumed) this.received = 0;
    this.token = token;
    this.handlers.onSession(token, resumed);
    const after = () => this.becomeReady();
    if (resumed) this.fetchMissed().then(after, after);
    else after();
  }

  refused() {
    // A token this server did not sign (another deployment, a rotated key…): start afresh, once.
    this.token = null;
    this.received = 0;
    this.handlers.onRefused();
    if (!this.refusedOnce && this.socket.connected) {
      this.refusedOnce = true;
      this.socket.emit("session_request", { session_id: null });
    }
  }

  becomeReady() {
    this.ready = true;
    this.handlers.onStatus(this.lostConnection ? "reconnected" : "online");
    this.lostConnection = false;
    this.handlers.onReady();
  }

  botMessage(message) {
    if (!message || typeof message !== "object" || this.token === null) return;
    if (message.notice) {
      this.handlers.onBotMessage(message, null);
      return;
    }
    const index = this.received;
    this.received += 1;
    this.handlers.onBotMessage(message, index);
  }

  fetchMissed() {
    const since = this.received;
    return new Promise((resolve) => {
      this.socket.timeout(MISSED_TIMEOUT).emit("missed_messages", { since }, (error, reply) => {
        if (!error && reply && Array.isArray(reply.messages)) {
          for (const { index, ...message } of reply.messages) {
            if (!Number.isInteger(index) || index < this.received) continue; // already received live
            this.received = index + 1;
            this.handlers.onBotMessage(message, index);
          }
          // The server has fewer messages than the tab counted (conversation erased): follow it.
          if (Number.isInteger(reply.next) && reply.next > 0 && reply.next < since) this.received = reply.next;
        }
        resolve();
      });
    });
  }

  lost(reason) {
    this.ready = false;
    this.lostConnection = true;
    this.handlers.onStatus("offline");
    if (reason === "io server disconnect") {
      setTimeout(() => this.socket.connect(), 2000); // socket.io does not reconnect by itself then
    }
  }

  failed() {
    this.ready = false;
    this.lostConnection = true;
    if (this.socket.active) {
      this.handlers.onStatus("offline"); // socket.io retries by itself
    } else {
      this.handlers.onStatus("refused"); // the server refused the connection (origin…)
      setTimeout(() => this.socket.connect(), RETRY_REFUSED);
    }
  }
}
