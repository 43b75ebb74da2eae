// The conversation in the tab's sessionStorage — only once the user has opened the chat.
// One key; `clear()` removes it. Nothing here reads or writes anything before `save()` is called,
// and the widget calls it only after the first opening.

export const KEY = "cj62-widget";
const VERSION = 1;

function storage() {
  try {
    return window.sessionStorage; // may throw (storage disabled, sandboxed frame…)
  } catch {
    return null;
  }
}

/** The stored state, or null (nothing stored, unreadable, or another version). */
export function load() {
  const store = storage();
  if (!store) return null;
  try {
    const state = JSON.parse(store.getItem(KEY) || "null");
    if (!state || state.version !== VERSION || !Array.isArray(state.messages)) return null;
    return state;
  } catch {
    return null;
  }
}

/** Store `{token, received, open, messages}` (the messages as shown, pending ones included). */
export function save(state) {
  const store = storage();
  if (!store) return;
  const { token = null, received = 0, open = false, messages = [] } = state;
  try {
    store.setItem(KEY, JSON.stringify({ version: VERSION, token, received, open, messages }));
  } catch {
    // Quota exceeded: the conversation goes on, only the copy in the tab is not updated.
  }
}

export function clear() {
  const store = storage();
  if (store) store.removeItem(KEY);
}
