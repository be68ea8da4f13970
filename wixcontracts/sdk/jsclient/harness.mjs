// wixcontracts JS-client harness: drive Wix's official JavaScript client and record the wire.
//
//   node harness.mjs <install-root>  < plan.json  > results.json
//
// <install-root> is a folder made by wixcontracts.sdk.jsclient.ensure_client(): it holds
// node_modules/ and `wixcontracts-import.mjs` (an `import()` that resolves from there).
//
// Plan (JSON on stdin):
//   {"mode": "capture" | "forward",
//    "base_url": "http://127.0.0.1:PORT",          // forward mode: loopback only
//    "apiKey": "...", "siteId": "...",             // optional; defaults below
//    "headers": {...},                             // optional; createClient({headers})
//    "call_timeout_ms": 30000,                     // optional
//    "calls": [{"id": "c1", "module": "@wix/auto_sdk_bookings_bookings",
//               "method": "cancelBooking", "args": [...],
//               "chain": [{"method": "limit", "args": [5]}, {"method": "find"}],  // optional
//               "response": {"status": 200, "body": {...}, "headers": {...}},    // optional, capture
//               "expect": {...}, "note": "..."}],                                // ignored
//    "unplanned": [...]}                                                          // ignored
// Tagged argument values: {"$date": "2030-01-01T10:00:00Z"} -> new Date(...);
// {"$ref": "c1", "path": "booking._id"} -> that value of call c1's (untransformed JS) result.
//
// Output: {"results": [{id, module, method, requests: [{method, url, headers, body, sent_to?}],
//                       result | error: {status, message, details, name}}]}
// Results are JSON with Dates written as {"$date": ISO}.  A plan that cannot run at all
// gives {"fatal": "<one line>"} and exit status 2.
//
// Capture mode replaces fetch and answers 200 `{}` (or the call's canned response); nothing
// leaves the process.  Forward mode rewrites https://www.wixapis.com to base_url and really
// sends; any other destination is refused.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const WIX_ORIGIN = 'https://www.wixapis.com';
const DEFAULT_API_KEY = 'wixcontracts-test-api-key';
const DEFAULT_SITE_ID = '5e1f0c2a-0000-4000-8000-000000000001';
const PLAN_KEYS = new Set(['mode', 'base_url', 'apiKey', 'siteId', 'headers', 'call_timeout_ms', 'calls', 'unplanned']);
const CALL_KEYS = new Set(['id', 'module', 'method', 'args', 'chain', 'response', 'expect', 'note']);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function fatal(message) {
  process.stdout.write(JSON.stringify({ fatal: String(message).replace(/\s+/g, ' ').trim() }) + '\n');
  process.exit(2);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

// ------------------------------------------------------------------ plan validation

function validatePlan(plan) {
  if (!isObject(plan)) fatal('plan: expected a JSON object');
  for (const k of Object.keys(plan)) if (!PLAN_KEYS.has(k)) fatal(`plan.${k}: unknown key`);
  if (plan.mode !== 'capture' && plan.mode !== 'forward') fatal(`plan.mode: expected "capture" or "forward", got ${JSON.stringify(plan.mode)}`);
  if (plan.mode === 'forward') {
    let u;
    try { u = new URL(plan.base_url); } catch { fatal(`plan.base_url: not a URL: ${JSON.stringify(plan.base_url)}`); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') fatal(`plan.base_url: expected http(s), got ${u.protocol}`);
    if (!LOOPBACK.test(u.hostname)) fatal(`plan.base_url: forward mode sends to loopback only, not ${u.hostname}`);
  }
  if (plan.headers !== undefined && !isObject(plan.headers)) fatal('plan.headers: expected an object');
  if (!Array.isArray(plan.calls)) fatal('plan.calls: expected a list');
  const ids = new Set();
  plan.calls.forEach((c, i) => {
    const where = `plan.calls[${i}]`;
    if (!isObject(c)) fatal(`${where}: expected an object`);
    for (const k of Object.keys(c)) if (!CALL_KEYS.has(k)) fatal(`${where}.${k}: unknown key`);
    if (typeof c.id !== 'string' || !c.id) fatal(`${where}.id: expected a non-empty string`);
    if (ids.has(c.id)) fatal(`${where}.id: duplicate id ${JSON.stringify(c.id)}`);
    ids.add(c.id);
    if (typeof c.module !== 'string' || !c.module) fatal(`${where}.module: expected a package name`);
    if (typeof c.method !== 'string' || !c.method) fatal(`${where}.method: expected a method name`);
    if (c.args !== undefined && !Array.isArray(c.args)) fatal(`${where}.args: expected a list`);
    if (c.chain !== undefined) {
      if (!Array.isArray(c.chain)) fatal(`${where}.chain: expected a list`);
      c.chain.forEach((s, j) => {
        if (!isObject(s) || typeof s.method !== 'string') fatal(`${where}.chain[${j}]: expected {"method": ..., "args": [...]}`);
        if (s.args !== undefined && !Array.isArray(s.args)) fatal(`${where}.chain[${j}].args: expected a list`);
      });
    }
    if (c.response !== undefined && !isObject(c.response)) fatal(`${where}.response: expected {"status": ..., "body": ...}`);
  });
}

// ------------------------------------------------------------------ tagged values

class ArgError extends Error {}

function resolveTags(value, results, where) {
  if (Array.isArray(value)) return value.map((v, i) => resolveTags(v, results, `${where}[${i}]`));
  if (!isObject(value)) return value;
  if ('$date' in value) {
    const d = new Date(value.$date);
    if (typeof value.$date !== 'string' || Number.isNaN(d.getTime())) throw new ArgError(`${where}: bad $date ${JSON.stringify(value.$date)}`);
    return d;
  }
  if ('$ref' in value) {
    const ref = value.$ref;
    if (!results.has(ref)) throw new ArgError(`${where}: $ref to ${JSON.stringify(ref)}, which is not an earlier call`);
    const entry = results.get(ref);
    if (!entry.ok) throw new ArgError(`${where}: $ref to ${JSON.stringify(ref)}, which failed`);
    let v = entry.value;
    const path = value.path ?? '';
    for (const part of path ? String(path).split('.') : []) {
      if (v === null || v === undefined || !(part in Object(v))) throw new ArgError(`${where}: ${JSON.stringify(ref)} has no ${path}`);
      v = v[part];
    }
    return v;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTags(v, results, `${where}.${k}`)]));
}

function toJson(value, seen = new WeakSet(), depth = 0) {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? String(value) : value.toISOString() };
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  if (seen.has(value) || depth > 64) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => { const j = toJson(v, seen, depth + 1); return j === undefined ? null : j; });
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const j = toJson(v, seen, depth + 1);
      if (j !== undefined) out[k] = j;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

// ------------------------------------------------------------------ fetch interception

function headersObject(h) {
  if (!h) return {};
  if (typeof Headers !== 'undefined' && h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return { ...h };
}

async function describeRequest(input, init) {
  if (typeof Request !== 'undefined' && input instanceof Request) {
    const body = input.body ? await input.clone().text() : null;
    return { method: input.method, url: input.url, headers: headersObject(input.headers), body };
  }
  const body = init?.body;
  return {
    method: (init?.method ?? 'GET').toUpperCase(),
    url: String(input),
    headers: headersObject(init?.headers),
    body: body === undefined || body === null ? null : typeof body === 'string' ? body : String(body),
  };
}

function cannedResponse(spec) {
  const status = spec?.status ?? 200;
  const hasBody = spec && 'body' in spec;
  const raw = hasBody ? spec.body : {};
  const text = NULL_BODY_STATUSES.has(status) ? null : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...(spec?.headers ?? {}) } });
}

// ------------------------------------------------------------------ main

async function main() {
  const root = process.argv[2];
  if (!root) fatal('usage: node harness.mjs <install-root> < plan.json');
  let plan;
  try {
    plan = JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    fatal(`stdin: the plan is not JSON (${e.message})`);
  }
  validatePlan(plan);

  let load;
  try {
    ({ load } = await import(pathToFileURL(join(root, 'wixcontracts-import.mjs')).href));
  } catch (e) {
    fatal(`${root}: not a wixcontracts JS-client install (${e.message})`);
  }
  let sdk;
  try {
    sdk = await load('@wix/sdk');
  } catch (e) {
    fatal(`@wix/sdk: cannot load from ${root} (${e.message})`);
  }

  const moduleKeys = new Map(); // package name -> client key
  const modules = {};
  for (const [i, c] of plan.calls.entries()) {
    if (moduleKeys.has(c.module)) continue;
    try {
      modules[`m${moduleKeys.size}`] = await load(c.module);
    } catch (e) {
      fatal(`plan.calls[${i}].module: cannot load ${c.module} (${e.message.split('\n')[0]})`);
    }
    moduleKeys.set(c.module, `m${moduleKeys.size}`);
  }

  const realFetch = globalThis.fetch;
  let current = null;
  const stray = [];
  const base = plan.mode === 'forward' ? String(plan.base_url).replace(/\/+$/, '') : null;
  globalThis.fetch = async (input, init) => {
    const req = await describeRequest(input, init);
    const call = current;
    (call ? call.requests : stray).push(req);
    if (plan.mode === 'capture') return cannedResponse(call?.spec.response);
    if (req.url !== WIX_ORIGIN && !req.url.startsWith(WIX_ORIGIN + '/')) {
      throw new Error(`forward mode refuses ${req.url}: not under ${WIX_ORIGIN}`);
    }
    req.sent_to = base + req.url.slice(WIX_ORIGIN.length);
    return realFetch(req.sent_to, { method: req.method, headers: req.headers, body: req.body ?? undefined });
  };

  const client = sdk.createClient({
    modules,
    auth: sdk.ApiKeyStrategy({ apiKey: plan.apiKey ?? DEFAULT_API_KEY, siteId: plan.siteId ?? DEFAULT_SITE_ID }),
    ...(plan.headers ? { headers: plan.headers } : {}),
  });

  const timeoutMs = Number(plan.call_timeout_ms ?? 30000);
  const results = new Map();
  const out = [];
  for (const [i, spec] of plan.calls.entries()) {
    const entry = { id: spec.id, module: spec.module, method: spec.method, requests: [] };
    current = { spec, requests: entry.requests };
    try {
      const ns = client[moduleKeys.get(spec.module)];
      const fn = ns?.[spec.method];
      if (typeof fn !== 'function') throw new ArgError(`plan.calls[${i}].method: ${spec.module} has no method ${spec.method}`);
      const args = resolveTags(spec.args ?? [], results, `plan.calls[${i}].args`);
      const run = async () => {
        let v = fn(...args);
        for (const [j, step] of (spec.chain ?? []).entries()) {
          v = await v;
          if (typeof v?.[step.method] !== 'function') throw new ArgError(`plan.calls[${i}].chain[${j}]: the value has no method ${step.method}`);
          v = v[step.method](...resolveTags(step.args ?? [], results, `plan.calls[${i}].chain[${j}].args`));
        }
        return await v;
      };
      let timer;
      const value = await Promise.race([
        run(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new ArgError(`plan.calls[${i}]: no answer within ${timeoutMs} ms`)), timeoutMs); }),
      ]).finally(() => clearTimeout(timer));
      results.set(spec.id, { ok: true, value });
      entry.result = toJson(value) ?? null;
    } catch (e) {
      results.set(spec.id, { ok: false });
      entry.error = {
        name: e?.name ?? 'Error',
        status: e?.status ?? e?.response?.status ?? null,
        message: String(e?.message ?? e),
        details: toJson(e?.details) ?? null,
        harness: e instanceof ArgError,
      };
    }
    current = null;
    out.push(entry);
  }
  globalThis.fetch = realFetch;
  process.stdout.write(JSON.stringify({ results: out, stray_requests: stray }) + '\n');
}

main().catch((e) => fatal(`harness: ${e?.stack?.split('\n')[0] ?? e}`));
