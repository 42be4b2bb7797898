// HPP Router operator console: the Overview, Requests, Models and Routing pages and the charts. Loaded before app.js,
// whose helpers ($, api, el, svg, fill, money, message, state) these functions use when they are called.
"use strict";

// ---- charts (plain SVG; every label is set as text, never parsed) ----

/** A bar chart as SVG: one bar per bucket; {@code errors} (optional) drawn over the bars in red. */
function barChart(container, points, value, label, errors) {
  // drawn at the container's own width so that text stays legible from a phone to a desktop
  const w = Math.max(container.clientWidth, 280), h = 200, left = 56, bottom = 22, top = 8;
  const max = Math.max(...points.map(value), 0);
  const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label });
  chart.append(svg("line", { class: "axis", x1: left, y1: h - bottom, x2: w, y2: h - bottom }));
  const top_ = svg("text", { x: 0, y: top + 10 });
  top_.textContent = label.startsWith("Spend") ? money(max) : String(max);
  chart.append(top_);
  const step = (w - left) / Math.max(points.length, 1);
  const height = (v) => (max > 0 ? (v / max) * (h - bottom - top) : 0);
  points.forEach((p, i) => {
    const v = value(p);
    const bh = height(v);
    const bar = svg("rect", { class: "bar", x: (left + i * step + 1).toFixed(1), y: (h - bottom - bh).toFixed(1),
      width: Math.max(step - 2, 1).toFixed(1), height: bh.toFixed(1), "data-value": String(v), "data-bucket": p.bucket_start });
    const tip = svg("title");
    tip.textContent = `${p.bucket_start}: ${label.startsWith("Spend") ? money(v) : v}`;
    bar.append(tip);
    chart.append(bar);
    if (errors && errors(p) > 0) {
      const eh = height(errors(p));
      chart.append(svg("rect", { class: "bar err", x: (left + i * step + 1).toFixed(1), y: (h - bottom - eh).toFixed(1),
        width: Math.max(step - 2, 1).toFixed(1), height: eh.toFixed(1), "data-errors": String(errors(p)) }));
    }
    if (i % Math.ceil(points.length / 6) === 0) {
      const t = svg("text", { x: (left + i * step).toFixed(1), y: h - 6 });
      t.textContent = label.endsWith("per day") ? p.bucket_start.slice(5, 10) : p.bucket_start.slice(11, 16);
      chart.append(t);
    }
  });
  container.replaceChildren(chart);
}

/** Horizontal bars, one per row of a top list ({key, requests, spend}), labelled with the key and the request count. */
function hbars(container, rows, label) {
  if (rows.length === 0) { container.replaceChildren(el("p", { class: "muted" }, "No requests in the window")); return; }
  const w = Math.max(container.clientWidth, 240), row = 26, labelW = 96, countW = 64;
  const max = Math.max(...rows.map((r) => r.requests), 1);
  const chart = svg("svg", { viewBox: `0 0 ${w} ${rows.length * row}`, role: "img", "aria-label": label });
  rows.forEach((r, i) => {
    const name = r.key === null || r.key === "" ? "(none)" : r.key;
    const t = svg("text", { x: 0, y: i * row + 17 });
    t.textContent = name.length > 14 ? name.slice(0, 13) + "…" : name;
    const bw = Math.max(((w - labelW - countW) * r.requests) / max, 1);
    const bar = svg("rect", { class: "bar", x: labelW, y: i * row + 4, width: bw.toFixed(1), height: row - 8,
      "data-key": name, "data-requests": String(r.requests) });
    const tip = svg("title");
    tip.textContent = `${name}: ${r.requests} requests, ${money(r.spend)}`;
    bar.append(tip);
    const n = svg("text", { x: (labelW + bw + 6).toFixed(1), y: i * row + 17 });
    n.textContent = String(r.requests);
    chart.append(t, bar, n);
  });
  container.replaceChildren(chart);
}

// ---- overview ----

function topRows(data) {
  return data.map((t) => el("tr", {}, el("td", { class: "id", title: t.key }, t.key ?? "(none)"), el("td", {}, t.requests),
    el("td", {}, t.tokens), el("td", {}, money(t.spend))));
}

async function loadOverview() {
  const bucket = $("ov-range").value;
  const since = new Date(Date.now() - (bucket === "hour" ? 24 : 30 * 24) * 3600e3).toISOString();
  const top = (by) => api(`/admin/v1/stats/top?by=${by}&limit=10&since=${since}`);
  const [series, consumers, models, providers] = await Promise.all([
    api(`/admin/v1/stats/timeseries?bucket=${bucket}&since=${since}`), top("consumer"), top("model"), top("provider")]);
  const now = await api("/admin/v1/stats/now"); // alone, so that our own calls are not counted in flight
  if (now.ok) {
    $("ov-inflight").textContent = now.body.in_flight;
    $("ov-upstream").textContent = now.body.upstream_in_flight;
    $("ov-held").textContent = money(now.body.held);
    $("ov-holds").textContent = now.body.holds;
  }
  if (!series.ok) return;
  const d = series.body.data;
  const sum = (f) => d.reduce((a, p) => a + Number(p[f]), 0);
  $("ov-requests").textContent = sum("requests");
  $("ov-errors").textContent = sum("errors");
  $("ov-tokens").textContent = sum("tokens");
  $("ov-spend").textContent = money(sum("spend"));
  $("ov-saved").textContent = money(sum("saved"));
  const per = bucket === "hour" ? "per hour" : "per day"; // UTC buckets, as the API aligns them
  barChart($("ov-chart-spend"), d, (p) => Number(p.spend), `Spend ${per}`);
  barChart($("ov-chart-requests"), d, (p) => p.requests, `Requests ${per}`, (p) => p.errors);
  if (consumers.ok) fill($("ov-top-consumers").tBodies[0], topRows(consumers.body.data));
  if (models.ok) fill($("ov-top-models").tBodies[0], topRows(models.body.data));
  if (providers.ok) fill($("ov-top-providers").tBodies[0], topRows(providers.body.data));
}

// ---- requests ----

const FILTERS = [["r-consumer", "consumer_id"], ["r-key", "key_id"], ["r-model", "model"], ["r-basket", "basket"],
  ["r-status", "status"], ["r-since", "since"], ["r-until", "until"]];

/** One logged request as a table row; {@code withKey} adds the key's column (a consumer's recent requests). */
function requestRow(e, withKey) {
  const cells = [el("td", {}, e.created_at.replace("T", " ").slice(0, 19))];
  if (withKey) cells.push(el("td", { class: "id", title: e.key_id }, e.key_id));
  cells.push(el("td", {}, e.resolved_model || e.requested_model));
  if (!withKey) cells.push(el("td", {}, e.routing.basket || "–"));
  cells.push(el("td", { class: e.status >= 400 ? "bad status" : "status" }, e.status),
    el("td", {}, `${e.tokens.prompt} / ${e.tokens.completion}`), el("td", { class: "cost" }, money(e.cost)));
  return el("tr", { class: "pick", "data-id": e.id, onclick: () => requestDetail(e) }, ...cells);
}

/** The filters are read when the form is sent; "Older" pages on with the same ones. */
async function loadRequests(more) {
  if (!more || !state.requestFilter) {
    state.requestFilter = new URLSearchParams();
    for (const [id, name] of FILTERS) if ($(id).value.trim()) state.requestFilter.set(name, $(id).value.trim());
  }
  const q = new URLSearchParams(state.requestFilter);
  q.set("limit", String(state.requestPageSize || 50));
  if (more && state.requestCursor) q.set("cursor", state.requestCursor);
  const seq = state.requestSeq = (state.requestSeq || 0) + 1;
  const r = await api("/admin/v1/requests?" + q);
  if (seq !== state.requestSeq) return; // a later load (other filters) went out meanwhile: its answer is the one to show
  const line = $("r-status-line");
  line.className = r.ok ? "" : "error";
  line.textContent = r.ok ? "" : message(r);
  if (!r.ok) return;
  state.requestCursor = r.body.next_cursor;
  $("r-more").hidden = !r.body.next_cursor;
  const rows = r.body.data.map((e) => requestRow(e, false));
  const tbody = $("r-list").tBodies[0];
  if (more) tbody.append(...rows); else fill(tbody, rows);
  const shown = tbody.querySelectorAll("tr[data-id]").length;
  const by = [...state.requestFilter.keys()];
  line.textContent = `${shown} request${shown === 1 ? "" : "s"} shown` + (by.length ? `, filtered by ${by.join(", ")}` : "");
}

function requestDetail(e) {
  if (state.tab !== "requests") show("requests");
  $("r-detail").hidden = false;
  $("rd-id").textContent = e.id;
  const fields = [["Time", e.created_at], ["Consumer", e.consumer_id], ["Key", e.key_id], ["Endpoint", e.endpoint],
    ["Requested model", e.requested_model], ["Resolved model", e.resolved_model], ["Deployment", e.deployment],
    ["Basket / rule / tier", [e.routing.basket, e.routing.rule_id, e.routing.tier].filter(Boolean).join(" / ") || "–"],
    ["Rules version", e.routing.rules_version],
    ["Tokens (prompt / completion / cache read / cache write)",
      `${e.tokens.prompt} / ${e.tokens.completion} / ${e.tokens.cache_read} / ${e.tokens.cache_write}`],
    ["Cost", money(e.cost)], ["Status", e.status + (e.error ? " " + e.error : "")], ["Streamed", e.stream ? "yes" : "no"],
    ["Total / upstream / first token (ms)", [e.timings_ms.total, e.timings_ms.upstream, e.timings_ms.first_token].map((v) => v ?? "–").join(" / ")]];
  $("rd-fields").replaceChildren(...fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, v ?? "–")]));
  $("r-detail").scrollIntoView({ block: "nearest" });
}

// ---- models and providers ----

const HEALTH = { closed: "healthy", open: "failing (circuit open)", half_open: "probing (circuit half-open)" };

/** A deployment and its state on this node: circuit, requests in flight, whether its provider serves. */
function deployment(d) {
  const health = d.configured === false ? "provider not configured" : (HEALTH[d.state] || d.state || "");
  const flight = d.in_flight ? `, ${d.in_flight} in flight` : "";
  return `${d.provider}:${d.upstream_model} (${health}${flight})`;
}

/** p50 / p90 / p99 in ms; "–" where there was no sample. */
function percentiles(p) { return p ? [p.p50, p.p90, p.p99].map((v) => v ?? "–").join(" / ") : "–"; }

/** A provider's health over the last hour: requests, error rate, latency and time to first token, circuits here. */
function healthRow(p) {
  const c = p.circuits || {};
  return el("tr", { "data-provider": p.provider }, el("td", {}, p.provider), el("td", { "data-col": "requests" }, p.requests),
    el("td", { class: p.error_rate > 0 ? "bad" : "", "data-col": "error-rate" }, (Number(p.error_rate) * 100).toFixed(1) + "%"),
    el("td", { "data-col": "latency" }, percentiles(p.latency_ms)), el("td", { "data-col": "ttft" }, percentiles(p.ttft_ms)),
    el("td", { class: c.open ? "bad" : "", "data-col": "circuits" },
      `${c.closed ?? 0} closed, ${c.open ?? 0} open, ${c.half_open ?? 0} half-open`));
}

async function loadModels() {
  const [models, providers, health] = await Promise.all([api("/admin/v1/models"), api("/admin/v1/providers"),
    api("/admin/v1/stats/providers")]);
  if (health.ok) fill($("m-health").tBodies[0], health.body.data.map(healthRow));
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

async function loadRouting() {
  if (!$("rp-input").value) {
    $("rp-input").value = JSON.stringify({ model: "hpprouter/auto",
      messages: [{ role: "user", content: "Summarize: the router picks a model per request." }] }, null, 2);
  }
  await Promise.all([loadRulesets(), loadTraffic()]);
}

/** The basket and tier distribution of the last day's hpprouter/auto requests. */
async function loadTraffic() {
  const since = new Date(Date.now() - 24 * 3600e3).toISOString();
  const [baskets, tiers] = await Promise.all([api(`/admin/v1/stats/top?by=basket&limit=10&since=${since}`),
    api(`/admin/v1/stats/top?by=tier&limit=10&since=${since}`)]);
  if (baskets.ok) hbars($("rs-baskets"), baskets.body.data, "Requests by basket");
  if (tiers.ok) hbars($("rs-tiers"), tiers.body.data, "Requests by tier");
}

/** Routes the pasted request as hpprouter/auto would, without calling a provider, and shows the decision. */
async function previewRoute() {
  const status = $("rp-status");
  $("rp-out").replaceChildren();
  let body;
  try { body = JSON.parse($("rp-input").value); } catch (e) {
    status.className = "error";
    status.textContent = "Not valid JSON: " + e.message;
    return;
  }
  const r = await api("/admin/v1/routing/preview", "POST", body);
  status.className = r.ok ? "good" : "error";
  status.textContent = r.ok ? `Routed to ${r.body.resolved_model}` : message(r);
  if (!r.ok) return;
  const d = r.body;
  const fields = [["Resolved model", d.resolved_model], ["Basket", d.basket], ["Tier", d.tier ?? "–"],
    ["Rule", `${d.rule_id} (ruleset version ${d.rules_version})`],
    ["Estimated input tokens", d.estimated_input_tokens + (d.estimate_is_lower_bound ? " or more" : "")], ["Reason", d.reason],
    ["Price (USD per 1M in / out)", d.pricing ? `${d.pricing.input} / ${d.pricing.output}` : "–"]];
  if (d.rerouted_from) fields.push(["Rerouted from", d.rerouted_from]);
  $("rp-out").replaceChildren(...fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, v ?? "–")]));
}

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
