// Calls to the server's REST API from the page: the API key (kept in this tab's
// sessionStorage only) on every request, and the server's typed JSON errors as ApiError.

const KEY_STORAGE = "chatterboxd.apiKey";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  toString() {
    return `${this.code} (HTTP ${this.status}): ${this.message}`;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

// {"error": {"message", "type", "code"}} from the server; anything else keeps its status.
async function errorOf(response) {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text);
    if (error && error.message) return new ApiError(response.status, error.code || error.type, error.message);
  } catch (_) {
    // not JSON: fall through
  }
  return new ApiError(response.status, "http_error", text.trim() || response.statusText);
}

// fetch() with the key; resolves to the Response when it is 2xx, throws ApiError otherwise.
// `body`: an object (sent as JSON) or FormData.
export async function request(method, path, { body, signal } = {}) {
  const headers = {};
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal, cache: "no-store" });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "network_error", `the server cannot be reached (${e.message})`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function requestJson(method, path, options) {
  return (await request(method, path, options)).json();
}
