// The portal's only way to the server: the JSON API with the key the user typed. The key lives in this
// tab's sessionStorage (gone when the tab closes) and is sent as a Bearer header, never in a URL.

const KEY_STORAGE = 'solde.apiKey';

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

let keyRefused = () => undefined;

/** `callback(error)` runs whenever the server refuses the saved key (401): the page signs out (portal.js). */
export function onKeyRefused(callback) {
  keyRefused = callback;
}

export function savedKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function saveKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${savedKey() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError('NETWORK', 'network error', 0);
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(payload?.error?.code ?? 'OTHER', payload?.error?.message ?? response.statusText, response.status);
    if (response.status === 401) keyRefused(error);
    throw error;
  }
  return payload;
}
