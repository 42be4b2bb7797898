// HPP Router operator console: plain browser JavaScript, no framework, no request to any other origin.
// The admin token lives in this tab's sessionStorage only; every call sends it as a bearer token.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN = "hpp-router-admin-token";
const SVG = "http://www.w3.org/2000/svg";
const state = { tab: "overview", consumerCursor: null, consumer: null, requestCursor: null, requestFilter: null,
  requestPageSize: 50, rulesets: [] };

function token() { return sessionStorage.getItem(TOKEN) || ""; }

/** Calls the admin API; resolves to {status, body}. A 401 signs the tab out. */
async function api(path, method = "GET", body) {
  const headers = { "Authorization": "Bearer " + token() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
  if (res.status === 401) signOut("Invalid admin token: sign in again.");
  return { status: res.status, body: json, ok: res.ok };
}

function message(r) { return (r.body && r.body.message) || `HTTP ${r.status}`; }

/** An element with attributes and children (text children are set as text, never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c ?? ""));
  return e;
}

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function money(n) {
  if (n === null || n === undefined) return "–";
  const v = Number(n);
  return "$" + (v !== 0 && Math.abs(v) < 0.01 ? v.toFixed(6) : v.toFixed(2));
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
  if (rows.length === 0) tbody.append(el("tr", {}, el("td", { colspan: 9 }, "Nothing yet")));
}

// ---- sign-in and tabs ----

async function signIn(t) {
  sessionStorage.setItem(TOKEN, t);
  const r = await api("/admin/v1/stats/timeseries?bucket=hour");
  if (r.status === 401) return;
  if (!r.ok) { signOut(message(r)); return; }
  $("signin").hidden = true;
  $("tabs").hidden = false;
  show(state.tab);
}

function signOut(why) {
  sessionStorage.removeItem(TOKEN);
  document.querySelectorAll(".page").forEach((p) => { p.hidden = true; });
  $("tabs").hidden = true;
  $("signin").hidden = false;
  $("signin-status").textContent = why || "";
  $("admin-token").value = "";
}

const loaders = { overview: loadOverview, consumers: () => loadConsumers(false), requests: () => loadRequests(false),
  models: loadModels, routing: loadRouting };

function show(tab) {
  state.tab = tab;
  document.querySelectorAll(".page").forEach((p) => { p.hidden = p.id !== "tab-" + tab; });
  document.querySelectorAll("#tabs [data-tab]").forEach((b) => {
    if (b.dataset.tab === tab) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
  });
  loaders[tab]();
}

// ---- consumers and keys ----

async function loadConsumers(more) {
  const q = encodeURIComponent($("c-query").value.trim());
  const cursor = more && state.consumerCursor ? "&cursor=" + encodeURIComponent(state.consumerCursor) : "";
  const r = await api(`/admin/v1/consumers?limit=20&query=${q}${cursor}`);
  if (!r.ok) { $("c-status").textContent = message(r); return; }
  state.consumerCursor = r.body.next_cursor;
  $("c-more").hidden = !r.body.next_cursor;
  const rows = r.body.data.map((c) => el("tr", { class: "pick", "data-id": c.consumer_id, onclick: () => openConsumer(c.consumer_id) },
    el("td", { class: "id", title: c.consumer_id }, c.username || c.custom_id || c.consumer_id),
    el("td", {}, money(c.quota)), el("td", {}, money(c.used)), el("td", {}, money(c.remaining))));
  const tbody = $("c-list").tBodies[0];
  if (more) tbody.append(...rows); else fill(tbody, rows);
}

async function openConsumer(id) {
  const [c, keys] = await Promise.all([api("/admin/v1/consumers/" + encodeURIComponent(id)),
    api(`/admin/v1/consumers/${encodeURIComponent(id)}/keys`)]);
  if (!c.ok) { $("c-status").textContent = message(c); return; }
  state.consumer = c.body;
  if (state.editing && !(keys.ok && keys.body.data.some((x) => x.key_id === state.editing))) $("ke-form").hidden = true;
  const k = c.body;
  $("c-detail").hidden = false;
  $("cd-title").textContent = `${k.username || "Consumer"} (${k.consumer_id})`;
  $("cd-quota").textContent = money(k.quota);
  $("cd-used").textContent = money(k.used);
  $("cd-remaining").textContent = money(k.remaining);
  $("cd-requests").textContent = k.requests;
  const l = k.rate_limits || {};
  $("cd-limits").textContent = [l.requests_per_minute && `${l.requests_per_minute} requests/min`,
    l.tokens_per_minute && `${l.tokens_per_minute} tokens/min`].filter(Boolean).join(", ") || "none";
  document.querySelectorAll("#c-list tbody tr").forEach((tr) => tr.classList.toggle("chosen", tr.dataset.id === id));
  if (keys.ok) fill($("cd-keys").tBodies[0], keys.body.data.map(keyRow));
  loadConsumerActivity(id);
}

/** The consumer's spend per hour (last day) or per day (last 30 days), and its 20 latest requests. */
async function loadConsumerActivity(id) {
  const bucket = $("cd-range").value;
  const since = new Date(Date.now() - (bucket === "hour" ? 24 : 30 * 24) * 3600e3).toISOString();
  const cid = encodeURIComponent(id);
  const [series, recent] = await Promise.all([api(`/admin/v1/stats/timeseries?bucket=${bucket}&since=${since}&consumer_id=${cid}`),
    api(`/admin/v1/requests?consumer_id=${cid}&limit=20`)]);
  if (!state.consumer || state.consumer.consumer_id !== id) return; // another consumer was opened meanwhile
  if (series.ok) barChart($("cd-chart"), series.body.data, (p) => Number(p.spend), `Spend per ${bucket}`);
  if (recent.ok) fill($("cd-recent").tBodies[0], recent.body.data.map((e) => requestRow(e, true)));
}

function keyRow(k) {
  const live = !k.revoked_at;
  const actions = el("td", {});
  if (live) {
    actions.append(el("button", { type: "button", class: "small quiet", "data-action": "edit", onclick: () => editKey(k) }, "Edit"),
      " ", el("button", { type: "button", class: "small quiet", "data-action": "rotate", onclick: () => rotateKey(k.key_id) }, "Rotate"),
      " ", el("button", { type: "button", class: "small danger", "data-action": "revoke", onclick: () => revokeKey(k.key_id) }, "Revoke"));
  }
  return el("tr", { "data-key": k.key_id }, el("td", { class: "id", title: k.key_id }, k.key_id), el("td", {}, k.name || "–"),
    el("td", { class: live ? (k.disabled ? "bad" : "good") : "bad" }, live ? (k.disabled ? "disabled" : "active") : "revoked"),
    el("td", { "data-col": "budget" }, k.budget === null || k.budget === undefined ? "–" : money(k.budget) + (k.budget_period ? " " + k.budget_period : "")),
    el("td", { "data-col": "models" }, k.allowed_models && k.allowed_models.length ? k.allowed_models.join(", ") : "all"),
    el("td", {}, money(k.total_spend)), el("td", {}, k.requests), actions);
}

// ---- a key's settings: PATCH /admin/v1/keys/{id}; an empty field sends null (clears it) ----

function editKey(k) {
  state.editing = k.key_id;
  $("ke-title").textContent = `Edit key ${k.name || k.key_id}`;
  $("ke-budget").value = k.budget ?? "";
  $("ke-period").value = k.budget_period ?? "";
  $("ke-models").value = (k.allowed_models || []).join(", ");
  $("ke-rpm").value = k.requests_per_minute ?? "";
  $("ke-tpm").value = k.tokens_per_minute ?? "";
  $("ke-expires").value = k.expires_at ?? "";
  $("ke-disabled").checked = !!k.disabled;
  $("ke-status").textContent = "";
  $("ke-form").hidden = false;
  $("ke-budget").focus();
}

/** An empty field is null; a whole number is sent as a number, anything else as typed so the API names what is wrong. */
function count(v) { return v === "" ? null : /^\d+$/.test(v) ? Number(v) : v; }

async function saveKey(ev) {
  ev.preventDefault();
  const text = (id) => $(id).value.trim();
  const models = text("ke-models").split(",").map((m) => m.trim()).filter(Boolean);
  const body = {
    budget: text("ke-budget") || null,
    budget_period: text("ke-period") || null,
    allowed_models: models.length ? models : null,
    requests_per_minute: count(text("ke-rpm")),
    tokens_per_minute: count(text("ke-tpm")),
    expires_at: text("ke-expires") || null,
    disabled: $("ke-disabled").checked
  };
  const r = await api("/admin/v1/keys/" + encodeURIComponent(state.editing), "PATCH", body);
  if (!r.ok) { $("ke-status").textContent = message(r); return; }
  $("ke-form").hidden = true;
  $("c-status").textContent = `Key ${state.editing} saved.`;
  openConsumer(state.consumer.consumer_id);
}

function showNewKey(key) {
  $("cd-newkey").hidden = false;
  $("cd-newkey-value").textContent = key;
  $("cd-copy").textContent = "Copy";
}

async function issueKey(ev) {
  ev.preventDefault();
  const name = $("cd-key-name").value.trim();
  const r = await api(`/admin/v1/consumers/${encodeURIComponent(state.consumer.consumer_id)}/keys`, "POST", name ? { name } : {});
  $("c-status").textContent = r.ok ? "Key issued." : message(r);
  if (r.ok) { showNewKey(r.body.key); openConsumer(state.consumer.consumer_id); }
}

async function rotateKey(id) {
  const r = await api(`/admin/v1/keys/${encodeURIComponent(id)}/rotate`, "POST", {});
  $("c-status").textContent = r.ok ? `Key ${id} rotated: the old secret no longer works.` : message(r);
  if (r.ok) { showNewKey(r.body.key); openConsumer(state.consumer.consumer_id); }
}

async function revokeKey(id) {
  if (!window.confirm(`Revoke key ${id}? Requests with it will be refused.`)) return;
  const r = await api("/admin/v1/keys/" + encodeURIComponent(id), "DELETE");
  $("c-status").textContent = r.ok ? `Key ${id} revoked.` : message(r);
  $("cd-newkey").hidden = true;
  if (r.ok) openConsumer(state.consumer.consumer_id);
}

async function createConsumer(ev) {
  ev.preventDefault();
  const body = { quota: Number($("c-quota").value || "0") };
  if (!Number.isFinite(body.quota)) { $("c-status").textContent = "Quota must be a number of dollars"; return; }
  if ($("c-username").value.trim()) body.username = $("c-username").value.trim();
  if ($("c-custom").value.trim()) body.custom_id = $("c-custom").value.trim();
  const r = await api("/admin/v1/consumers", "POST", body);
  $("c-status").textContent = r.ok ? `Consumer ${r.body.consumer_id} created.` : message(r);
  if (r.ok) { $("c-create").reset(); await loadConsumers(false); openConsumer(r.body.consumer_id); }
}

async function addQuota(ev) {
  ev.preventDefault();
  const add = Number($("cd-add").value);
  if (!Number.isFinite(add)) { $("c-status").textContent = "Add a number of dollars"; return; }
  const r = await api(`/admin/v1/consumers/${encodeURIComponent(state.consumer.consumer_id)}/quota`, "POST", { add });
  $("c-status").textContent = r.ok ? `Quota is now ${money(r.body.quota)}.` : message(r);
  if (r.ok) { $("cd-add").value = ""; openConsumer(state.consumer.consumer_id); loadConsumers(false); }
}

/** Sets the consumer's rate limits; an empty field lifts that limit. */
async function setLimits(ev) {
  ev.preventDefault();
  // anything but digits is sent as typed, so that the API's own message says what is expected
  const count = (id) => { const v = $(id).value.trim(); return v === "" ? null : /^\d+$/.test(v) ? Number(v) : v; };
  const r = await api(`/admin/v1/consumers/${encodeURIComponent(state.consumer.consumer_id)}/limits`, "POST",
    { requests_per_minute: count("cd-rpm"), tokens_per_minute: count("cd-tpm") });
  $("c-status").textContent = r.ok ? "Limits set." : message(r);
  if (r.ok) openConsumer(state.consumer.consumer_id);
}

// ---- wiring ----

$("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); $("signin-status").textContent = ""; signIn($("admin-token").value.trim()); });
$("signout").addEventListener("click", () => signOut("Signed out."));
document.querySelectorAll("#tabs [data-tab]").forEach((b) => b.addEventListener("click", () => show(b.dataset.tab)));
$("ov-range").addEventListener("change", loadOverview);
$("ov-refresh").addEventListener("click", loadOverview);
$("c-search").addEventListener("submit", (ev) => { ev.preventDefault(); loadConsumers(false); });
$("c-more").addEventListener("click", () => loadConsumers(true));
$("c-create").addEventListener("submit", createConsumer);
$("cd-quota-form").addEventListener("submit", addQuota);
$("cd-issue-form").addEventListener("submit", issueKey);
$("cd-limits-form").addEventListener("submit", setLimits);
$("ke-form").addEventListener("submit", saveKey);
$("ke-cancel").addEventListener("click", () => { $("ke-form").hidden = true; });
$("cd-copy").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText($("cd-newkey-value").textContent); $("cd-copy").textContent = "Copied"; } catch (e) {
    const range = document.createRange();
    range.selectNodeContents($("cd-newkey-value"));
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    $("cd-copy").textContent = "Selected: press Ctrl+C";
  }
});
$("r-filter").addEventListener("submit", (ev) => { ev.preventDefault(); loadRequests(false); });
$("r-more").addEventListener("click", () => loadRequests(true));
$("r-clear").addEventListener("click", () => { $("r-filter").reset(); loadRequests(false); });
$("cd-range").addEventListener("change", () => { if (state.consumer) loadConsumerActivity(state.consumer.consumer_id); });
$("rp-submit").addEventListener("click", previewRoute);
$("rs-publish").addEventListener("click", publish);
$("rs-diff").addEventListener("click", showDiff);
if (token()) signIn(token());
