// The status panel: GET /health (public, no key needed) every two seconds, one table per model
// with each instance's state, queue and streams and each component's devices and dtype.

import { ApiError } from "./api.js";

const POLL_MS = 2000;

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function row(cells, header = false) {
  const tr = element("tr");
  for (const c of cells) tr.append(element(header ? "th" : "td", c));
  return tr;
}

function instanceTable(instance) {
  const table = element("table");
  table.append(element("caption", `replica ${instance.replica}: ${instance.state}` +
    `${instance.warm ? ", warm" : ", not warm"}; queue ${instance.queue_depth}, ` +
    `active streams ${instance.active_streams} of ${instance.max_slots} slots` +
    (instance.error ? `; error: ${instance.error}` : "")));
  table.append(row(["component", "requested device", "active device", "dtype", "fallback reason"], true));
  for (const c of instance.components)
    table.append(row([c.name, c.requested_device, c.active_device, c.dtype, c.fallback_reason || "none"]));
  return table;
}

function modelBlock(model) {
  const block = element("div", undefined, "model");
  block.dataset.model = model.name;
  block.append(element("h3", `${model.name} (${model.variant}) ${model.ready ? "ready" : "not ready"}`));
  if (model.note) block.append(element("p", model.note, "note"));
  const scroller = element("div", undefined, "scroll");
  for (const instance of model.instances) scroller.append(instanceTable(instance));
  block.append(scroller);
  return block;
}

async function fetchHealth() {
  let response;
  try {
    response = await fetch("/health", { cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "network_error", `the server cannot be reached (${e.message})`);
  }
  // 503 while loading or draining still carries the status JSON.
  return response.json();
}

export function render(health, panel, summary) {
  summary.textContent = `${health.status}, version ${health.version}, updated ${new Date().toLocaleTimeString()}`;
  panel.replaceChildren(...health.models.map(modelBlock));
}

// Calls onHealth(health) or onError(error) after every poll.
export function startStatusPolling(onHealth, onError) {
  const poll = async () => {
    try {
      onHealth(await fetchHealth());
    } catch (e) {
      onError(e);
    }
    setTimeout(poll, POLL_MS);
  };
  poll();
}
