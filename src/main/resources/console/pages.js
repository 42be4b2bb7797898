// HPP Router operator console: the Requests, Models and Routing pages. Loaded before app.js, whose helpers ($, api,
// el, fill, money, state) these functions use when they are called.
"use strict";

// ---- requests ----

async function loadRequests(more) {
  const consumer = $("r-consumer").value.trim();
  let q = "?limit=50";
  if (consumer) q += "&consumer_id=" + encodeURIComponent(consumer);
  if (more && state.requestCursor) q += "&cursor=" + encodeURIComponent(state.requestCursor);
  const r = await api("/admin/v1/requests" + q);
  if (!r.ok) return;
  state.requestCursor = r.body.next_cursor;
  $("r-more").hidden = !r.body.next_cursor;
  const rows = r.body.data.map((e) => el("tr", { class: "pick", "data-id": e.id, onclick: () => requestDetail(e) },
    el("td", {}, e.created_at.replace("T", " ").slice(0, 19)), el("td", {}, e.resolved_model || e.requested_model),
    el("td", { class: e.status >= 400 ? "bad" : "" }, e.status), el("td", {}, `${e.tokens.prompt} / ${e.tokens.completion}`),
    el("td", { class: "cost" }, money(e.cost))));
  const tbody = $("r-list").tBodies[0];
  if (more) tbody.append(...rows); else fill(tbody, rows);
}

function requestDetail(e) {
  $("r-detail").hidden = false;
  $("rd-id").textContent = e.id;
  const fields = [["Time", e.created_at], ["Consumer", e.consumer_id], ["Key", e.key_id], ["Endpoint", e.endpoint],
    ["Requested model", e.requested_model], ["Resolved model", e.resolved_model], ["Deployment", e.deployment],
    ["Basket / rule", [e.routing.basket, e.routing.rule_id, e.routing.tier].filter(Boolean).join(" / ") || "–"],
    ["Tokens (prompt / completion / cache read / cache write)",
      `${e.tokens.prompt} / ${e.tokens.completion} / ${e.tokens.cache_read} / ${e.tokens.cache_write}`],
    ["Cost", money(e.cost)], ["Status", e.status + (e.error ? " " + e.error : "")], ["Streamed", e.stream ? "yes" : "no"],
    ["Total / upstream / first token (ms)", [e.timings_ms.total, e.timings_ms.upstream, e.timings_ms.first_token].map((v) => v ?? "–").join(" / ")]];
  $("rd-fields").replaceChildren(...fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, v ?? "–")]));
}

// ---- models and providers ----

const HEALTH = { closed: "healthy", open: "failing (circuit open)", half_open: "probing (circuit half-open)" };

/** A deployment and its state on this node: circuit, requests in flight, whether its provider serves. */
function deployment(d) {
  const health = d.configured === false ? "provider not configured" : (HEALTH[d.state] || d.state || "");
  const flight = d.in_flight ? `, ${d.in_flight} in flight` : "";
  return `${d.provider}:${d.upstream_model} (${health}${flight})`;
}

async function loadModels() {
  const [models, providers] = await Promise.all([api("/admin/v1/models"), api("/admin/v1/providers")]);
  if (models.ok) {
    fill($("m-models").tBodies[0], models.body.data.map((m) => el("tr", {}, el("td", {}, m.id),
      el("td", {}, m.pricing ? m.pricing.input : "–"), el("td", {}, m.pricing ? m.pricing.output : "–"),
      el("td", { class: m.enabled ? "good" : "bad" }, m.enabled ? "yes" : "no"),
      el("td", {}, (m.deployments || []).map(deployment).join(", ")))));
  }
  if (providers.ok) {
    fill($("m-providers").tBodies[0], providers.body.data.map((p) => el("tr", {}, el("td", {}, p.name), el("td", {}, p.type),
      el("td", { class: p.configured ? "good" : "bad" }, p.configured ? "yes" : "no"), el("td", {}, p.state), el("td", {}, p.models))));
  }
}

// ---- routing ----

async function loadRulesets() {
  const r = await api("/admin/v1/routing/rulesets");
  if (!r.ok) return;
  state.rulesets = r.body.data;
  fill($("rs-list").tBodies[0], state.rulesets.slice().reverse().map((v) => el("tr", { "data-version": v.version },
    el("td", {}, v.version), el("td", { class: v.active ? "good" : "" }, v.active ? "active" : ""),
    el("td", {}, v.created_at.replace("T", " ").slice(0, 19)), el("td", {}, v.created_by),
    el("td", {}, v.active ? "" : el("button", { type: "button", class: "small quiet", onclick: () => activate(v.version) },
      "Activate")))));
  const active = state.rulesets.find((v) => v.active);
  if (active && !$("rs-editor").value) $("rs-editor").value = JSON.stringify(active.ruleset, null, 2);
  for (const [id, pick] of [["rs-a", state.rulesets.length - 2], ["rs-b", state.rulesets.length - 1]]) {
    $(id).replaceChildren(...state.rulesets.map((v) => el("option", { value: v.version }, "v" + v.version)));
    if (pick >= 0) $(id).value = String(state.rulesets[pick].version);
  }
}

async function publish() {
  const status = $("rs-status");
  let body;
  try { body = JSON.parse($("rs-editor").value); } catch (e) {
    status.className = "error";
    status.textContent = "Not valid JSON: " + e.message;
    return;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    status.className = "error";
    status.textContent = "A ruleset is a JSON object";
    return;
  }
  const r = await api("/admin/v1/routing/rulesets", "POST", body);
  status.className = r.ok ? "good" : "error";
  status.textContent = r.ok ? `Published and activated version ${r.body.version}.` : message(r);
  if (r.ok) loadRulesets();
}

async function activate(version) {
  const r = await api(`/admin/v1/routing/rulesets/${version}/activate`, "POST", {});
  $("rs-status").className = r.ok ? "good" : "error";
  $("rs-status").textContent = r.ok ? `Version ${version} is active.` : message(r);
  if (r.ok) loadRulesets();
}

/** A line diff by longest common subsequence: lines kept, removed (-) and added (+). */
function lineDiff(a, b) {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push([" ", a[i]]); i++; j++; }
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) { out.push(["-", a[i]]); i++; }
    else { out.push(["+", b[j]]); j++; }
  }
  return out;
}

function showDiff() {
  const pick = (id) => state.rulesets.find((v) => String(v.version) === $(id).value);
  const a = pick("rs-a"), b = pick("rs-b");
  if (!a || !b) return;
  const lines = (v) => JSON.stringify(v.ruleset, null, 2).split("\n");
  const cls = { " ": "same", "+": "add", "-": "del" };
  $("rs-diff-out").replaceChildren(...lineDiff(lines(a), lines(b)).map(([op, text]) => el("span", { class: cls[op] }, op + " " + text)));
}
