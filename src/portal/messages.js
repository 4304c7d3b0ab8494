// What the page says in its message areas (errors, notices) is kept as how to say it, not as text: when
// the language changes, every message on screen is said again in the new language (resay).
const shown = new Map();

/** Shows `element` with `render()`'s text, and remembers `render` for a change of language. */
export function say(element, render) {
  shown.set(element, render);
  element.textContent = render();
  element.hidden = false;
}

/** Says every visible message again (after the language changed); hidden or removed ones are dropped. */
export function resay() {
  for (const [element, render] of shown) {
    if (element.hidden || !element.isConnected) shown.delete(element);
    else element.textContent = render();
  }
}

/** A network failure, a rate limit or a server error: trying again later may work, the key is fine. */
export function isTransient(error) {
  return error?.status === 0 || error?.status === 429 || error?.status >= 500;
}
