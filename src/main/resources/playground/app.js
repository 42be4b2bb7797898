// HPP Router Playground: plain browser JavaScript, no framework, no request to any other origin.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY = "hpp-router-key";
let models = [];
let controller = null;

function key() { return sessionStorage.getItem(KEY) || ""; }

function api(path, options = {}) {
  const headers = Object.assign({ "apikey": key() }, options.headers || {});
  if (options.body && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
  return fetch(path, Object.assign({}, options, { headers }));
}

async function bodyOf(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch (e) { return { message: text }; }
}

/** A sentence a person can act on, for any error the router documents. */
function explain(status, body) {
  const err = body && body.error;
  if (status === 401) return "Invalid API key: check the key you entered.";
  if (err && typeof err === "object") {
    const where = err.provider ? `Provider ${err.provider}` : "The provider";
    const http = err.upstream_status ? `, HTTP ${err.upstream_status}` : "";
    const advice = err.retryable ? "Retrying later may help." : "Retrying will not help.";
    return `${where} failed (${err.code}${http}): ${err.message} ${advice}`;
  }
  if (status === 429 && err === "quota_exceeded") return "Quota exhausted: ask for a top-up of your balance.";
  if (status === 429 && err === "rate_limited") return "Rate limited: slow down and retry in a moment.";
  const message = body && body.message ? body.message : `HTTP ${status}`;
  return `${err || "Error"}: ${message}`;
}

function money(n) { return n === null || n === undefined ? "–" : "$" + Number(n).toFixed(6).replace(/0+$/, "").replace(/\.$/, ".0"); }

const PERIODS = { daily: "per day", weekly: "per week", monthly: "per month" };

/** The key's own limits and what is left of its budget (GET /api/key), so a person sees what the key may still do. */
function showKey(k) {
  $("k-name").textContent = k.name || "–";
  $("k-budget").textContent = k.budget === null ? "none (the consumer's balance applies)"
    : money(k.budget) + (k.budget_period ? " " + PERIODS[k.budget_period] : " in total");
  $("k-spent").textContent = money(k.spent_this_period) + (Number(k.reserved) > 0 ? ` (+ ${money(k.reserved)} held)` : "");
  $("k-remaining").textContent = k.remaining_budget === null ? "–" : money(k.remaining_budget);
  $("k-resets").textContent = k.period_resets_at ? new Date(k.period_resets_at).toISOString().replace(".000Z", "Z") : "–";
  const limits = [];
  if (k.requests_per_minute !== null) limits.push(`${k.requests_per_minute} requests/min`);
  if (k.tokens_per_minute !== null) limits.push(`${k.tokens_per_minute} tokens/min`);
  $("k-limits").textContent = limits.length ? limits.join(", ") : "none of its own";
  $("k-models").textContent = k.allowed_models ? k.allowed_models.join(", ") : "all";
  $("k-expires").textContent = k.expires_at || "never";
}

async function refreshQuota() {
  if (!key()) return;
  const [check, usage, own] = await Promise.all([api("/api/quota-check"), api("/api/usage"), api("/api/key")]);
  if (own.ok) showKey(await own.json());
  if (check.ok) {
    const q = await check.json();
    $("q-quota").textContent = money(q.quota);
    $("q-used").textContent = money(q.used);
    $("q-remaining").textContent = money(q.remaining) + (q.has_quota ? "" : " (exhausted)");
  }
  if (usage.ok) {
    const u = await usage.json();
    $("q-requests").textContent = u.requests;
    $("q-tokens").textContent = u.total_tokens;
    $("q-saved").textContent = u.routing_savings ? money(u.routing_savings.saved) : "–";
  }
}

async function loadModels() {
  const res = await api("/llm/v1/models");
  const body = await bodyOf(res);
  if (!res.ok) { $("key-status").textContent = explain(res.status, body); return false; }
  models = body.data;
  const select = $("model");
  select.innerHTML = "";
  const sorted = models.slice().sort((a, b) => (a.id === "hpprouter/auto" ? -1 : b.id === "hpprouter/auto" ? 1 : a.id.localeCompare(b.id)));
  for (const m of sorted) {
    if (m.id === "gpt-image-1") continue;
    const option = document.createElement("option");
    option.value = m.id;
    option.textContent = m.pricing ? `${m.id} — $${m.pricing.input} in / $${m.pricing.output} out per 1M` : `${m.id} — routes to the cheapest fit`;
    select.appendChild(option);
  }
  $("key-status").textContent = `Key accepted: ${models.length} models available.`;
  return true;
}

function showMeta(headers) {
  $("m-model").textContent = headers.get("X-HPP-Router-Resolved-Model") || "–";
  $("m-basket").textContent = headers.get("X-HPP-Router-Basket") || "–";
  $("m-tier").textContent = headers.get("X-HPP-Router-Tier") || "–";
  $("m-rule").textContent = headers.get("X-HPP-Router-Rule-Id") || "–";
  $("m-version").textContent = headers.get("X-HPP-Router-Rules-Version") || "–";
  $("m-id").textContent = headers.get("X-Request-Id") || "–";
}

/** Tokens and cost of the request, from the router's own audit log (settled a moment after the answer). */
async function showCost(requestId) {
  for (let attempt = 0; attempt < 10 && requestId; attempt++) {
    const res = await api("/api/requests/" + encodeURIComponent(requestId));
    if (res.ok) {
      const r = await res.json();
      $("m-tokens").textContent = `${r.tokens.prompt} / ${r.tokens.completion}`;
      $("m-cost").textContent = money(r.cost);
      return;
    }
    await new Promise((done) => setTimeout(done, 150));
  }
}

function resetAnswer() {
  $("answer").textContent = "";
  $("error").textContent = "";
  for (const id of ["m-model", "m-basket", "m-tier", "m-rule", "m-version", "m-tokens", "m-cost", "m-id"]) $(id).textContent = "–";
}

async function send(event) {
  event.preventDefault();
  resetAnswer();
  const stream = $("stream").checked;
  const body = { model: $("model").value, messages: [{ role: "user", content: $("prompt").value }], stream };
  if (stream) body.stream_options = { include_usage: true };
  controller = new AbortController();
  $("send").disabled = true;
  $("stop").disabled = false;
  try {
    const res = await api("/llm/v1/chat/completions", { method: "POST", body: JSON.stringify(body), signal: controller.signal });
    if (!res.ok) { $("error").textContent = explain(res.status, await bodyOf(res)); return; }
    showMeta(res.headers);
    if (stream) await readStream(res); else {
      const answer = await res.json();
      $("answer").textContent = answer.choices && answer.choices[0] ? (answer.choices[0].message.content || "") : "";
    }
    await showCost(res.headers.get("X-Request-Id"));
  } catch (e) {
    $("error").textContent = e.name === "AbortError" ? "Stopped: the stream was cancelled." : "Network error: " + e.message;
  } finally {
    $("send").disabled = false;
    $("stop").disabled = true;
    controller = null;
    refreshQuota();
  }
}

/** Reads SSE events as they arrive; a stream without data: [DONE] was cut short. */
async function readStream(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let done = false;
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data: ")) continue;
        const data = line.slice(6);
        if (data === "[DONE]") { done = true; continue; }
        const chunk = JSON.parse(data);
        if (chunk.error) { $("error").textContent = "The stream was cut: " + explain(500, chunk); continue; }
        for (const choice of chunk.choices || []) {
          if (choice.delta && choice.delta.content) $("answer").textContent += choice.delta.content;
        }
      }
    }
  }
  if (!done && !$("error").textContent) $("error").textContent = "The stream ended without [DONE]: the answer is incomplete.";
}

async function preview() {
  $("route-preview").textContent = "";
  const res = await api("/api/route-preview", { method: "POST", body: JSON.stringify({
    model: "hpprouter/auto", stream: $("stream").checked, messages: [{ role: "user", content: $("prompt").value || " " }] }) });
  const body = await bodyOf(res);
  $("route-preview").textContent = res.ok
    ? `hpprouter/auto would use ${body.resolved_model} (basket ${body.basket}${body.tier ? ", tier " + body.tier : ""}, rule ${body.rule_id}, rules v${body.rules_version}${body.basket === "streaming" || body.basket === "tool" ? "" : ", ~" + body.estimated_input_tokens + " input tokens"}): ${body.reason}.`
    : explain(res.status, body);
}

async function generate(event) {
  event.preventDefault();
  $("image-error").textContent = "";
  $("images").innerHTML = "";
  $("generate").disabled = true;
  try {
    const res = await api("/v1/images/generations", { method: "POST", body: JSON.stringify({
      prompt: $("image-prompt").value, size: $("image-size").value, quality: $("image-quality").value, n: Number($("image-n").value) }) });
    const body = await bodyOf(res);
    if (!res.ok) { $("image-error").textContent = explain(res.status, body); return; }
    const format = body.output_format || "png";
    (body.data || []).forEach((image, i) => {
      const img = document.createElement("img");
      img.alt = `Generated image ${i + 1} for: ${$("image-prompt").value}`;
      img.src = image.b64_json ? `data:image/${format};base64,${image.b64_json}` : image.url;
      $("images").appendChild(img);
    });
  } finally {
    $("generate").disabled = false;
    refreshQuota();
  }
}

async function useKey(event) {
  if (event) event.preventDefault();
  const entered = $("api-key").value.trim();
  if (entered) sessionStorage.setItem(KEY, entered);
  if (await loadModels()) refreshQuota();
}

$("key-form").addEventListener("submit", useKey);
$("chat-form").addEventListener("submit", send);
$("stop").addEventListener("click", () => controller && controller.abort());
$("preview").addEventListener("click", preview);
$("image-form").addEventListener("submit", generate);
if (key()) { $("api-key").value = key(); useKey(); }
