#!/usr/bin/env node
// Renders k8s/base and k8s/overlays/dev with `kubectl kustomize` (offline; no
// cluster needed) and checks what an operator would notice if it broke: a
// missing probe, a Service that selects nothing, a ConfigMap reference left
// pointing at a name kustomize renamed, a datastore host that resolves to no
// Service, a second public entry point, a backend address that reaches no
// process, a file flag naming a path nothing is mounted at. The processes come
// from services/services.txt: each must render as Deployment and Service
// qrcloud-<name> with the ports, database and labels of its line.
//
//   node tests/k8s/kustomize_test.js <repo-root>
//
// Prints `ok - ...` / `not ok - ...` per check (with the reasons under a
// failure), then `N passed, M failed`; exits 1 if any check failed or could
// not run. KUBECTL may name the kubectl binary, or several separated by `:`
// (say Debian 12's kubectl 1.20, with kustomize v2.0.3, and a current one):
// then every check runs with each, and the renders must agree.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
let passed = 0;
let failed = 0;

function report(ok, name, problems = []) {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const p of problems) console.log(`#   ${p}`);
  }
}

// Runs `fn`, which returns a list of problems (empty when all is well).
function check(name, fn) {
  let problems;
  try {
    problems = fn();
  } catch (e) {
    problems = [`check threw: ${e && e.stack ? e.stack : e}`];
  }
  report(problems.length === 0, name, problems);
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

// --- tools ------------------------------------------------------------------

let yaml;
try {
  yaml = require('js-yaml');  // tests/node_modules, installed by tools/setup
} catch (e) {
  report(false, 'js-yaml is installed', ['run tools/setup (npm install in tests/)']);
  finish();
}

const kubectls = (process.env.KUBECTL || 'kubectl').split(':').filter((k) => k !== '');

// The client's version, for telling several kubectls apart; null if it does
// not run.
function kubectlVersion(kubectl) {
  const r = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  try {
    const v = JSON.parse(r.stdout);
    const kustomize = v.kustomizeVersion ? `, kustomize ${v.kustomizeVersion}` : '';
    return `${v.clientVersion.gitVersion}${kustomize}`;
  } catch (e) {
    return 'unknown version';
  }
}

// The rendered objects, or null (reported) when kubectl fails. Warnings on
// stderr (current kustomize warns about `bases:` and the other fields kept
// for kustomize v2.0.3) are not failures; a non-zero exit is.
function render(kubectl, rel, tag) {
  const dir = path.join(root, rel);
  const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const name = `${tag}kubectl kustomize ${rel} renders`;
  if (r.error) {
    report(false, name, [String(r.error)]);
    return null;
  }
  if (r.status !== 0) {
    report(false, name, r.stderr.trim().split('\n'));
    return null;
  }
  const docs = yaml.loadAll(r.stdout).filter((d) => d && d.kind);
  report(docs.length > 0, name, ['rendered nothing']);
  return docs.length > 0 ? docs : null;
}

function readKustomization(rel) {
  const file = path.join(root, rel, 'kustomization.yaml');
  return yaml.load(fs.readFileSync(file, 'utf8')) || {};
}

// The kustomization at `rel` and every one it builds on (through `bases:` or
// directory `resources:`), bases first, as kustomize applies them.
function kustomizationChain(rel, seen = new Set()) {
  const dir = path.normalize(rel);
  if (seen.has(dir)) return [];
  seen.add(dir);
  const k = readKustomization(dir);
  const out = [];
  for (const entry of [...(k.bases || []), ...(k.resources || [])]) {
    const sub = path.join(dir, entry);
    if (fs.existsSync(path.join(root, sub, 'kustomization.yaml'))) out.push(...kustomizationChain(sub, seen));
  }
  out.push(k);
  return out;
}

// services/services.txt: one process a line, `name grpc_port metrics_port
// database center_roles`, whitespace-separated; `#` starts a comment. Lines
// whose database is `on-premise` are left out: those run in the shop.
function readServices() {
  const file = path.join(root, 'services', 'services.txt');
  const entries = [];
  const problems = [];
  if (!fs.existsSync(file)) return { entries, problems: [`${file} is missing`] };
  fs.readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const f = line.split(/\s+/);
    if (f.length !== 5 || !/^[a-z][a-z0-9-]*$/.test(f[0]) || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) {
      problems.push(`services/services.txt:${i + 1}: "${raw}" is not "name grpc_port metrics_port database center_roles"`);
      return;
    }
    // An on-premise process (the landing node) runs at a merchant's site: no manifests.
    if (f[3] === 'on-premise') return;
    entries.push({
      name: f[0],
      process: `qrcloud-${f[0]}`,
      grpcPort: Number(f[1]),
      metricsPort: Number(f[2]),
      database: f[3],
      centerRoles: f[4],
    });
  });
  if (entries.length === 0 && problems.length === 0) problems.push('services/services.txt lists no process');
  return { entries, problems };
}

// --- reading rendered objects -----------------------------------------------

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

function ofKind(docs, kind) {
  return docs.filter((d) => d.kind === kind);
}

function find(docs, kind, name) {
  return docs.find((d) => d.kind === kind && d.metadata.name === name);
}

function podTemplate(w) {
  return w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template : w.spec.template;
}

function workloads(docs) {
  return docs.filter((d) => WORKLOAD_KINDS.includes(d.kind));
}

function containersOf(w) {
  const spec = podTemplate(w).spec || {};
  return [...(spec.initContainers || []), ...(spec.containers || [])];
}

function mainContainer(w) {
  return (podTemplate(w).spec.containers || [])[0];
}

function podLabels(w) {
  return (podTemplate(w).metadata || {}).labels || {};
}

function where(w, c) {
  return `${w.kind}/${w.metadata.name}${c ? ` container ${c.name}` : ''}`;
}

// A Kubernetes label selector (matchLabels and matchExpressions) against labels.
function selects(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels || {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values || []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// A Service selector is a plain map rather than a LabelSelector.
function serviceSelects(svc, labels) {
  const sel = svc.spec.selector;
  return !!sel && Object.keys(sel).length > 0 && selects({ matchLabels: sel }, labels);
}

// A probe or Service port, by number or by container port name.
function resolvePort(container, port) {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(String(port))) return Number(port);
  const p = (container.ports || []).find((x) => x.name === port);
  return p ? p.containerPort : undefined;
}

function decode(b64) {
  return Buffer.from(b64, 'base64').toString('utf8');
}

// A Secret's values, decoded: `data`, overridden by `stringData` as the API
// server does.
function secretData(s) {
  return { ...mapValues(s.data, decode), ...(s.stringData || {}) };
}

// The environment a container starts with, as far as the output determines
// it. A value from a Secret or ConfigMap missing from the output is
// undefined; `sources` records where each variable came from.
function environment(docs, container) {
  const env = {};
  const sources = {};
  for (const from of container.envFrom || []) {
    const ref = from.configMapRef || from.secretRef;
    const obj = find(docs, from.configMapRef ? 'ConfigMap' : 'Secret', ref.name);
    const data = obj ? (from.configMapRef ? obj.data : secretData(obj)) : {};
    for (const [k, v] of Object.entries(data || {})) {
      env[(from.prefix || '') + k] = v;
      sources[(from.prefix || '') + k] = { envFrom: ref.name };
    }
  }
  for (const e of container.env || []) {
    sources[e.name] = e.valueFrom || { value: e.value };
    if (e.valueFrom && e.valueFrom.configMapKeyRef) {
      const r = e.valueFrom.configMapKeyRef;
      const cm = find(docs, 'ConfigMap', r.name);
      env[e.name] = cm && cm.data ? cm.data[r.key] : undefined;
    } else if (e.valueFrom && e.valueFrom.secretKeyRef) {
      const r = e.valueFrom.secretKeyRef;
      const s = find(docs, 'Secret', r.name);
      env[e.name] = s ? secretData(s)[r.key] : undefined;
    } else if (!e.valueFrom) {
      env[e.name] = e.value;
    }
  }
  return { env, sources };
}

function mapValues(obj, fn) {
  return Object.fromEntries(Object.entries(obj || {}).map(([k, v]) => [k, fn(v)]));
}

// CPU in millicores, memory in bytes; enough of the quantity grammar for
// what manifests use.
function quantity(q) {
  const s = String(q);
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return NaN;
  const units = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  return units[m[2]] === undefined ? NaN : Number(m[1]) * units[m[2]];
}

// What kustomize's `images:` entries make of a manifest's image reference,
// applied base first, then overlay, as kustomize does.
function applyImages(image, entries) {
  let [name, tag] = image.split(':');
  let digest;
  for (const e of entries) {
    if (e.name !== name) continue;
    if (e.newName) name = e.newName;
    if (e.newTag !== undefined) tag = String(e.newTag);
    if (e.digest) digest = e.digest;
  }
  return digest ? `${name}@${digest}` : tag ? `${name}:${tag}` : name;
}

function imageName(image) {
  return image.split('@')[0].replace(/:[^/:]+$/, '');
}

// --- checks -----------------------------------------------------------------

const CENTER = 'qrcloud-center';
const GATEWAY = 'qrcloud-gateway';
const AUDIT = 'qrcloud-audit';

// Flags every process dropped for --backend_address_template and --backends;
// a process ignores variables for flags it does not define, so a leftover
// would silently do nothing.
const STALE_FLAGS = ['QRCLOUD_CENTER_ADDRESS', 'QRCLOUD_CENTER_SERVICES', 'QRCLOUD_EXTRA_BACKENDS'];

// The names --disabled_subsystems accepts (libs/core/subsystems.cc); any
// other stops every process at start.
const SUBSYSTEMS = ['landing', 'partner', 'agent', 'merchant-front', 'personal-front'];

// Problems with a gRPC service's probes: startup (optional) and liveness ask
// for the process (""), readiness for "qrcloud.ready", which follows MySQL and
// Redis, so a database outage takes pods out of rotation without restarting
// them. All on `port`.
function grpcProbeProblems(c, port) {
  const p = [];
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = c[kind];
    if (!probe) {
      if (kind !== 'startupProbe') p.push(`no ${kind}`);
      continue;
    }
    if (!probe.grpc) p.push(`${kind} is not a grpc probe`);
    else if (resolvePort(c, probe.grpc.port) !== port) {
      p.push(`${kind} checks port ${probe.grpc.port}, not ${port}`);
    }
  }
  if (c.readinessProbe?.grpc && c.readinessProbe.grpc.service !== 'qrcloud.ready') {
    p.push(`readinessProbe asks for service "${c.readinessProbe.grpc.service || ''}", not "qrcloud.ready"`);
  }
  for (const kind of ['livenessProbe', 'startupProbe']) {
    if (c[kind]?.grpc?.service) {
      p.push(`${kind} asks for service "${c[kind].grpc.service}"; it must check the process ("")`);
    }
  }
  return p;
}

// --backends: "name=host:port" pairs, comma-separated.
function backendsFlag(value) {
  const out = {};
  for (const pair of String(value || '').split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const i = pair.indexOf('=');
    out[i < 0 ? pair : pair.slice(0, i)] = i < 0 ? '' : pair.slice(i + 1);
  }
  return out;
}

// Where a process with environment `env` calls the listed process `s`: its
// --backends entry, else --backend_address_template (default
// localhost:{port}) with {name} and {port} filled in.
function backendAddress(env, s) {
  const named = backendsFlag(env.QRCLOUD_BACKENDS)[s.name];
  if (named !== undefined) return named;
  const template = env.QRCLOUD_BACKEND_ADDRESS_TEMPLATE ?? 'localhost:{port}';
  return template.split('{name}').join(s.name).split('{port}').join(String(s.grpcPort));
}

// What a file path in a container is: the volume mounted over it, the key the
// file shows, and whether the mount is read-only. Null when no mount covers it.
function mountedFile(w, c, file) {
  const mounts = (c.volumeMounts || [])
      .filter((m) => file.startsWith(m.mountPath.replace(/\/$/, '') + '/'))
      .sort((a, b) => b.mountPath.length - a.mountPath.length);
  if (mounts.length === 0) return null;
  const m = mounts[0];
  const rest = file.slice(m.mountPath.replace(/\/$/, '').length + 1);
  const v = (podTemplate(w).spec.volumes || []).find((x) => x.name === m.name) || {};
  const source = v.secret || v.configMap;
  let key;
  if (source) {
    const items = source.items;
    key = items ? (items.find((it) => it.path === rest) || {}).key : rest;
  }
  return { mount: m, volume: v, key, readOnly: m.readOnly === true, subPath: m.subPath };
}


function checkAll(tag, docs, kustomizations, services) {
  const t = (s) => `${tag}: ${s}`;
  const gateway = find(docs, 'Deployment', GATEWAY);
  // Every listed process, with its Deployment, Service, container and
  // environment as far as they rendered.
  const procs = services.map((s) => {
    const d = find(docs, 'Deployment', s.process);
    const c = d && mainContainer(d);
    return { ...s, d, c, svc: find(docs, 'Service', s.process), env: c ? environment(docs, c) : undefined };
  });
  const byName = Object.fromEntries(procs.map((x) => [x.process, x]));

  check(t(`Deployment ${GATEWAY}, and a Deployment and Service qrcloud-<name> for every process in services/services.txt (${services.map((s) => s.name).join(', ')}), each with a container`), () => {
    const p = [];
    if (!gateway) p.push(`no Deployment ${GATEWAY}`);
    else if (!mainContainer(gateway)) p.push(`Deployment ${GATEWAY} has no container`);
    for (const n of [CENTER, AUDIT]) {
      if (!byName[n]) p.push(`services/services.txt lists no ${n.replace('qrcloud-', '')}`);
    }
    for (const x of procs) {
      if (!x.d) p.push(`no Deployment ${x.process}`);
      else if (!x.c) p.push(`Deployment ${x.process} has no container`);
      if (!x.svc) p.push(`no Service ${x.process}`);
    }
    return p;
  });
  if (!gateway || !mainContainer(gateway) || !byName[CENTER] || !byName[AUDIT] || !procs.every((x) => x.c && x.svc)) return null;
  const gc = mainContainer(gateway);
  const genv = environment(docs, gc);
  const center = byName[CENTER];
  const audit = byName[AUDIT];
  // Every qrcloud process, for the settings they must share.
  const all = [[gateway, gc, genv], ...procs.map((x) => [x.d, x.c, x.env])];

  check(t('each listed process runs its binary qrcloud-<name>, with gRPC and metrics on its ports in services/services.txt; the gateway HTTP 8080'), () => {
    const p = [];
    const ports = (c) => (c.ports || []).map((x) => x.containerPort);
    const want = [['gateway', gc, 'http', 8080]];
    for (const x of procs) {
      const args = x.c.args || [];
      if (args[0] !== x.process) p.push(`${where(x.d, x.c)}: args ${JSON.stringify(args)}, want ["${x.process}"]`);
      if (x.c.command) p.push(`${where(x.d, x.c)}: sets command, which replaces the image's tini`);
      want.push([x.name, x.c, 'grpc', x.grpcPort], [x.name, x.c, 'metrics', x.metricsPort]);
    }
    for (const [who, c, name, port] of want) {
      if (!ports(c).includes(port)) p.push(`${who} ports ${ports(c)} lack ${port}`);
      else if (resolvePort(c, name) !== port) p.push(`${who}: port ${name} is ${resolvePort(c, name)}, not ${port}`);
    }
    return p;
  });

  for (const x of procs) {
    check(t(`${x.process} has gRPC liveness and readiness probes on ${x.grpcPort}`), () => grpcProbeProblems(x.c, x.grpcPort));
  }

  check(t('qrcloud-gateway probes GET /healthz (liveness) and /readyz (readiness) on 8080'), () => {
    const p = [];
    for (const [kind, want] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']]) {
      const probe = gc[kind];
      if (!probe || !probe.httpGet) {
        p.push(`no httpGet ${kind}`);
        continue;
      }
      if (probe.httpGet.path !== want) p.push(`${kind} path ${probe.httpGet.path}, want ${want}`);
      const port = resolvePort(gc, probe.httpGet.port);
      if (port !== 8080) p.push(`${kind} port ${probe.httpGet.port} resolves to ${port}, not 8080`);
    }
    return p;
  });

  check(t("each process's port settings match its container ports and services/services.txt"), () => {
    const p = [];
    const want = [[gc, genv.env, 'QRCLOUD_HTTP_PORT', 'http', 8080]];
    for (const x of procs) {
      want.push([x.c, x.env.env, 'QRCLOUD_GRPC_PORT', 'grpc', x.grpcPort]);
      want.push([x.c, x.env.env, 'QRCLOUD_METRICS_PORT', 'metrics', x.metricsPort]);
    }
    for (const [c, env, key, portName, listed] of want) {
      // Unset, the binary's default applies, which is the listed port.
      const value = env[key] === undefined ? listed : Number(env[key]);
      const port = resolvePort(c, portName);
      if (value !== port) p.push(`${c.name}: ${key}=${env[key]} but port ${portName} is ${port}`);
      if (value !== listed) p.push(`${c.name}: ${key}=${env[key]}, but services/services.txt says ${listed}`);
    }
    return p;
  });

  check(t('each listed process uses its database from services/services.txt, and no two share one'), () => {
    const p = [];
    const owners = {};
    for (const x of procs) {
      const db = x.env.env.QRCLOUD_MYSQL_DATABASE;
      if (db !== x.database) p.push(`${x.process}: QRCLOUD_MYSQL_DATABASE=${db}, want ${x.database}`);
      if (db !== undefined) {
        if (owners[db]) p.push(`${x.process} and ${owners[db]} share database ${db}`);
        owners[db] = x.process;
      }
    }
    return p;
  });

  check(t('every container has CPU and memory requests and limits, requests <= limits'), () => {
    const p = [];
    for (const w of workloads(docs)) {
      for (const c of containersOf(w)) {
        const r = c.resources || {};
        for (const res of ['cpu', 'memory']) {
          const req = (r.requests || {})[res];
          const lim = (r.limits || {})[res];
          if (req === undefined) p.push(`${where(w, c)}: no ${res} request`);
          if (lim === undefined) p.push(`${where(w, c)}: no ${res} limit`);
          if (req !== undefined && lim !== undefined && !(quantity(req) <= quantity(lim))) {
            p.push(`${where(w, c)}: ${res} request ${req} exceeds limit ${lim}`);
          }
        }
      }
    }
    return p;
  });

  check(t('passwords come from the qrcloud-secrets Secret by secretKeyRef, never literals'), () => {
    const p = [];
    const want = [[gc, genv, 'QRCLOUD_REDIS_PASSWORD', 'redis-password']];
    for (const x of procs) {
      want.push([x.c, x.env, 'QRCLOUD_MYSQL_PASSWORD', 'mysql-password']);
      want.push([x.c, x.env, 'QRCLOUD_REDIS_PASSWORD', 'redis-password']);
    }
    for (const [c, e, name, key] of want) {
      const ref = e.sources[name] && e.sources[name].secretKeyRef;
      if (!ref) p.push(`${c.name}: ${name} is not set from a secretKeyRef`);
      else if (!ref.name.startsWith('qrcloud-secrets') || ref.key !== key) {
        p.push(`${c.name}: ${name} reads ${ref.name}/${ref.key}, want qrcloud-secrets/${key}`);
      }
    }
    for (const w of workloads(docs)) {
      for (const c of containersOf(w)) {
        for (const e of c.env || []) {
          if (/PASSWORD|SECRET|TOKEN|REDISCLI_AUTH/i.test(e.name) && !e.valueFrom) {
            p.push(`${where(w, c)}: ${e.name} has a literal value`);
          }
        }
      }
    }
    for (const cm of ofKind(docs, 'ConfigMap')) {
      for (const k of Object.keys(cm.data || {})) {
        if (/PASSWORD|SECRET/i.test(k)) p.push(`ConfigMap ${cm.metadata.name} holds ${k}`);
      }
    }
    return p;
  });

  check(t('every ConfigMap (and key) a pod reads exists in the output'), () => {
    const p = [];
    for (const w of workloads(docs)) {
      const spec = podTemplate(w).spec;
      const need = [];
      for (const c of containersOf(w)) {
        for (const f of c.envFrom || []) {
          if (f.configMapRef && !f.configMapRef.optional) need.push([c, f.configMapRef.name]);
        }
        for (const e of c.env || []) {
          const r = e.valueFrom && e.valueFrom.configMapKeyRef;
          if (r && !r.optional) need.push([c, r.name, r.key]);
        }
      }
      for (const v of spec.volumes || []) {
        if (v.configMap && !v.configMap.optional) need.push([null, v.configMap.name]);
      }
      for (const [c, name, key] of need) {
        const cm = find(docs, 'ConfigMap', name);
        if (!cm) p.push(`${where(w, c)} reads ConfigMap ${name}, which is not in the output`);
        else if (key && !(cm.data && key in cm.data)) p.push(`${where(w, c)} reads ${name}/${key}: no such key`);
      }
    }
    return p;
  });

  check(t('qrcloud settings: JSON logs, one shared QRCLOUD_BACKEND_ADDRESS_TEMPLATE (in qrcloud-config), no leftover backend flags'), () => {
    const p = [];
    const templates = new Set();
    for (const [w, c, e] of all) {
      if (e.env.QRCLOUD_LOG_FORMAT !== 'json') p.push(`${c.name}: QRCLOUD_LOG_FORMAT=${e.env.QRCLOUD_LOG_FORMAT}`);
      const from = e.sources.QRCLOUD_BACKEND_ADDRESS_TEMPLATE || {};
      if (e.env.QRCLOUD_BACKEND_ADDRESS_TEMPLATE === undefined) {
        p.push(`${where(w, c)}: no QRCLOUD_BACKEND_ADDRESS_TEMPLATE (the default, localhost:{port}, reaches nothing in a pod)`);
      } else if (!String(from.envFrom || '').startsWith('qrcloud-config')) {
        p.push(`${where(w, c)}: QRCLOUD_BACKEND_ADDRESS_TEMPLATE comes from ${JSON.stringify(from)}, not the shared qrcloud-config`);
      }
      templates.add(e.env.QRCLOUD_BACKEND_ADDRESS_TEMPLATE);
      for (const k of STALE_FLAGS) {
        if (e.env[k] !== undefined) p.push(`${where(w, c)}: ${k} is set, a flag no process has any more (--backend_address_template, --backends)`);
      }
    }
    if (templates.size > 1) p.push(`processes see different templates: ${[...templates].join(', ')}`);
    return p;
  });

  check(t('every process reaches every listed process at a Service:port that selects only its pods on their gRPC port'), () => {
    const p = [];
    for (const [w, c, e] of all) {
      const names = backendsFlag(e.env.QRCLOUD_BACKENDS);
      for (const n of Object.keys(names)) {
        if (!services.some((s) => s.name === n)) p.push(`${where(w, c)}: QRCLOUD_BACKENDS names ${n}, not in services/services.txt`);
      }
      for (const x of procs) {
        const address = backendAddress(e.env, x);
        const problem = serviceAddressProblem(docs, address);
        if (problem) {
          p.push(`${where(w, c)} calls ${x.name} at ${address}: ${problem}`);
          continue;
        }
        const [host, port] = address.replace(/^dns:\/\/\//, '').split(':');
        const svc = find(docs, 'Service', host.split('.')[0]);
        if (!serviceSelects(svc, podLabels(x.d))) p.push(`${where(w, c)} calls ${x.name} at ${address}: Service ${svc.metadata.name} does not select ${x.process} pods`);
        for (const other of workloads(docs)) {
          if (other !== x.d && serviceSelects(svc, podLabels(other))) p.push(`Service ${svc.metadata.name} (for ${x.name}) also selects ${where(other)}`);
        }
        const sp = svc.spec.ports.find((q) => q.port === Number(port));
        const target = resolvePort(x.c, sp.targetPort === undefined ? sp.port : sp.targetPort);
        if (target !== x.grpcPort) p.push(`${where(w, c)} calls ${x.name} at ${address}, which targets ${sp.targetPort} (${target}), not its gRPC port ${x.grpcPort}`);
      }
    }
    return [...new Set(p)];
  });

  check(t('each listed process has a ClusterIP Service qrcloud-<name> with its gRPC port (appProtocol grpc) and metrics port, as its probes and settings say'), () => {
    const p = [];
    for (const x of procs) {
      const svc = x.svc;
      if (svc.spec.type && svc.spec.type !== 'ClusterIP') p.push(`Service ${x.process} is ${svc.spec.type}, want ClusterIP`);
      if (!serviceSelects(svc, podLabels(x.d))) p.push(`Service ${x.process} does not select the ${x.name} pods`);
      for (const w of workloads(docs)) {
        if (w !== x.d && serviceSelects(svc, podLabels(w))) p.push(`Service ${x.process} also selects ${where(w)}`);
      }
      const want = [[x.grpcPort, 'grpc', x.grpcPort], [x.metricsPort, 'metrics', x.metricsPort]];
      for (const [port, name, containerPort] of want) {
        const sp = (svc.spec.ports || []).find((q) => q.port === port);
        if (!sp) {
          p.push(`Service ${x.process} has no port ${port}`);
          continue;
        }
        const target = resolvePort(x.c, sp.targetPort === undefined ? sp.port : sp.targetPort);
        if (target !== containerPort) p.push(`Service ${x.process} port ${port} targets ${sp.targetPort} (${target}), want ${name} ${containerPort}`);
        if (name === 'grpc' && sp.appProtocol !== 'grpc') p.push(`Service ${x.process} port ${port}: appProtocol ${sp.appProtocol}, want grpc`);
      }
      // Callers and the probes ask the same server.
      if (resolvePort(x.c, x.c.readinessProbe?.grpc?.port) !== x.grpcPort) p.push(`${x.process}: the readiness probe does not check the port callers use`);
    }
    return p;
  });

  check(t('qrcloud-audit: its API key file (a read-only Secret mount) and its word list (a ConfigMap mount)'), () => {
    const p = [];
    const e = audit.env.env;
    const keyFile = e.QRCLOUD_CENTER_API_KEY_FILE;
    const key = keyFile && mountedFile(audit.d, audit.c, keyFile);
    if (!keyFile) p.push('no QRCLOUD_CENTER_API_KEY_FILE (the service does not start without a key)');
    else if (!key) p.push(`QRCLOUD_CENTER_API_KEY_FILE=${keyFile}: no volume is mounted there`);
    else {
      if (!key.volume.secret || !String(key.volume.secret.secretName).startsWith('qrcloud-secrets')) {
        p.push(`${keyFile}: volume ${key.mount.name} is not the qrcloud-secrets Secret`);
      } else if (key.key !== 'audit-api-key') {
        p.push(`${keyFile}: shows Secret key ${key.key}, want audit-api-key`);
      }
      if (!key.readOnly) p.push(`${keyFile}: mount ${key.mount.name} is not readOnly`);
      // A subPath mount never sees a rotated key.
      if (key.subPath) p.push(`${keyFile}: mounted with subPath, so a rotated Secret never reaches the pod`);
      const mode = key.volume.secret && key.volume.secret.defaultMode;
      if (mode !== undefined && (mode & 0o007) !== 0) p.push(`${keyFile}: mode ${mode.toString(8)} lets every user read the key`);
      if (mode !== undefined && (mode & 0o070) !== 0 && podTemplate(audit.d).spec.securityContext?.fsGroup === undefined) {
        p.push(`${keyFile}: group-readable only, but no fsGroup makes the pod's group own it`);
      }
    }

    const wordsFile = e.QRCLOUD_BANNED_WORDS_FILE;
    // Empty turns the prohibited-words check off; the default path is
    // relative to a working directory the image does not have.
    if (!wordsFile) p.push('QRCLOUD_BANNED_WORDS_FILE is not set or empty (no word check, or a path not in the image)');
    else {
      const words = mountedFile(audit.d, audit.c, wordsFile);
      if (!words) p.push(`QRCLOUD_BANNED_WORDS_FILE=${wordsFile}: no volume is mounted there`);
      else if (!words.volume.configMap) p.push(`${wordsFile}: volume ${words.mount.name} is not a ConfigMap`);
      else {
        const cm = find(docs, 'ConfigMap', words.volume.configMap.name);
        if (!cm || !cm.data || typeof cm.data[words.key] !== 'string') {
          p.push(`${wordsFile}: ConfigMap ${words.volume.configMap.name} has no key ${words.key}`);
        } else if (!/\S/.test(cm.data[words.key].replace(/^#.*$/gm, ''))) {
          p.push(`${wordsFile}: the list holds no words`);
        }
        if (!words.readOnly) p.push(`${wordsFile}: mount ${words.mount.name} is not readOnly`);
      }
    }
    return p;
  });

  check(t(`QRCLOUD_PUBLIC_URL is one origin for the gateway and every listed process`), () => {
    const p = [];
    const urls = new Set();
    for (const [, c, e] of all) {
      const url = e.env.QRCLOUD_PUBLIC_URL;
      if (url === undefined) p.push(`${c.name}: no QRCLOUD_PUBLIC_URL (the binary's default is http://localhost:8080)`);
      else if (!/^https?:\/\/[^/\s]+$/.test(url)) p.push(`${c.name}: QRCLOUD_PUBLIC_URL=${url} is not an http(s) origin without a path`);
      urls.add(url);
    }
    if (urls.size > 1) p.push(`they differ: ${[...urls].join(', ')}`);
    return p;
  });

  check(t('QRCLOUD_DISABLED_SUBSYSTEMS is set once, in qrcloud-config, for every qrcloud process, naming known subsystems'), () => {
    const p = [];
    const values = new Set();
    const qrcloud = ofKind(docs, 'Deployment').filter((d) => (mainContainer(d)?.args || [])[0]?.startsWith('qrcloud-'));
    for (const d of qrcloud) {
      const c = mainContainer(d);
      const { env, sources } = environment(docs, c);
      const value = env.QRCLOUD_DISABLED_SUBSYSTEMS;
      if (value === undefined) {
        p.push(`${where(d, c)}: no QRCLOUD_DISABLED_SUBSYSTEMS`);
        continue;
      }
      const from = sources.QRCLOUD_DISABLED_SUBSYSTEMS || {};
      if (!String(from.envFrom || '').startsWith('qrcloud-config')) {
        p.push(`${where(d, c)}: QRCLOUD_DISABLED_SUBSYSTEMS comes from ${JSON.stringify(from)}, not the shared qrcloud-config`);
      }
      for (const name of value.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
        if (!SUBSYSTEMS.includes(name.toLowerCase())) p.push(`${where(d, c)}: unknown subsystem "${name}" (accepted: ${SUBSYSTEMS.join(', ')})`);
      }
      values.add(value);
    }
    for (const x of procs) {
      if (!qrcloud.includes(x.d)) p.push(`Deployment ${x.process} does not run a qrcloud binary`);
    }
    if (values.size > 1) p.push(`processes see different values: ${[...values].map((v) => JSON.stringify(v)).join(', ')}`);
    return p;
  });

  check(t('qrcloud containers run the image from the kustomize images entry'), () => {
    const expected = applyImages('qrcloud', kustomizations.flatMap((k) => k.images || []));
    const p = [];
    for (const w of ofKind(docs, 'Deployment')) {
      for (const c of containersOf(w)) {
        if (c.image !== expected) p.push(`${where(w, c)}: image ${c.image}, want ${expected}`);
      }
    }
    return p;
  });

  check(t('every image is pinned (a tag other than latest, or a digest) by an images entry'), () => {
    const entries = kustomizations.flatMap((k) => k.images || []);
    const known = new Set(entries.flatMap((e) => [e.name, e.newName]).filter(Boolean));
    const p = [];
    for (const w of workloads(docs)) {
      for (const c of containersOf(w)) {
        const pinned = c.image.includes('@') || /:[^/:]+$/.test(c.image);
        if (!pinned || c.image.endsWith(':latest')) p.push(`${where(w, c)}: image ${c.image} is not pinned`);
        if (!known.has(imageName(c.image))) p.push(`${where(w, c)}: image ${c.image} has no images entry`);
      }
    }
    return p;
  });

  check(t('every Service selects pods, and its target ports exist on them'), () => {
    const p = [];
    for (const svc of ofKind(docs, 'Service')) {
      if (svc.spec.type === 'ExternalName') continue;
      const targets = workloads(docs).filter((w) => serviceSelects(svc, podLabels(w)));
      if (targets.length === 0) {
        p.push(`Service ${svc.metadata.name} selects no pods`);
        continue;
      }
      for (const sp of svc.spec.ports || []) {
        const target = sp.targetPort === undefined ? sp.port : sp.targetPort;
        const found = targets.some((w) => containersOf(w).some((c) => {
          const n = resolvePort(c, target);
          return n !== undefined && (c.ports || []).some((x) => x.containerPort === n);
        }));
        if (!found) p.push(`Service ${svc.metadata.name} port ${sp.name || sp.port}: no container port ${target}`);
      }
    }
    return p;
  });

  check(t('only qrcloud-gateway is exposed outside the cluster (LoadBalancer/NodePort/Ingress)'), () => {
    const exposed = ofKind(docs, 'Service')
        .filter((s) => ['LoadBalancer', 'NodePort'].includes(s.spec.type))
        .map((s) => s.metadata.name);
    for (const ing of ofKind(docs, 'Ingress')) exposed.push(...ingressBackends(ing.spec));
    const others = [...new Set(exposed)].filter((n) => n !== GATEWAY);
    const p = others.map((n) => `Service ${n} is exposed`);
    if (!exposed.includes(GATEWAY)) p.push('the gateway Service is not exposed');
    return p;
  });

  check(t('NetworkPolicies: ingress denied by default; only gateway pods open to all sources'), () => {
    const p = [];
    const policies = ofKind(docs, 'NetworkPolicy');
    const denyAll = policies.some((np) => Object.keys(np.spec.podSelector || {}).length === 0 &&
        (np.spec.policyTypes || []).includes('Ingress') && (np.spec.ingress || []).length === 0);
    if (!denyAll) p.push('no default-deny ingress policy (podSelector {}, no ingress rules)');
    for (const np of policies) {
      const open = (np.spec.ingress || []).some((r) => !r.from || r.from.length === 0 ||
          r.from.some((f) => f.ipBlock && /\/0$/.test(f.ipBlock.cidr)));
      if (!open) continue;
      for (const w of workloads(docs)) {
        if (selects(np.spec.podSelector, podLabels(w)) && w.metadata.name !== GATEWAY) {
          p.push(`NetworkPolicy ${np.metadata.name} opens ${where(w)} to all sources`);
        }
      }
      if (!selects(np.spec.podSelector, podLabels(gateway))) {
        p.push(`NetworkPolicy ${np.metadata.name} is open to all sources but does not select the gateway`);
      }
    }
    const gatewayOpen = policies.some((np) => selects(np.spec.podSelector, podLabels(gateway)) &&
        (np.spec.ingress || []).some((r) => !r.from || r.from.length === 0));
    if (!gatewayOpen) p.push('no NetworkPolicy lets outside traffic reach the gateway');
    return p;
  });

  // Whether some NetworkPolicy lets pods of `from` into pods of `to` on `port`.
  const admits = (from, to, toContainer, port) => ofKind(docs, 'NetworkPolicy').some((np) =>
    selects(np.spec.podSelector, podLabels(to)) &&
    (np.spec.ingress || []).some((r) =>
      (r.from || []).some((f) => f.podSelector && !f.namespaceSelector &&
          selects(f.podSelector, podLabels(from))) &&
      (!r.ports || r.ports.some((pt) => resolvePort(toContainer, pt.port) === port))));

  check(t('NetworkPolicies let gateway pods reach every listed process on its gRPC port (it routes to each)'), () =>
    procs.filter((x) => !admits(gateway, x.d, x.c, x.grpcPort))
        .map((x) => `no ingress rule selecting ${x.process} pods admits gateway pods on ${x.grpcPort}`));

  const centerClients = procs.filter((x) => x.centerRoles !== '-');
  check(t(`the center's callers (the gateway and each process with center_roles: ${centerClients.map((x) => x.name).join(', ') || 'none'}) carry qrcloud/center-client: "true" and NetworkPolicies let them reach qrcloud-center on gRPC ${center.grpcPort}`), () => {
    const p = [];
    for (const [w, name] of [[gateway, 'gateway'], ...centerClients.map((x) => [x.d, x.name])]) {
      if (podLabels(w)['qrcloud/center-client'] !== 'true') p.push(`${where(w)}: pods lack the label qrcloud/center-client: "true"`);
      if (!admits(w, center.d, center.c, center.grpcPort)) p.push(`no ingress rule selecting center pods admits ${name} pods on ${center.grpcPort}`);
    }
    return p;
  });

  check(t(`NetworkPolicies let only gateway pods reach qrcloud-audit on gRPC ${audit.grpcPort}`), () => {
    const p = [];
    const port = audit.grpcPort;
    if (!admits(gateway, audit.d, audit.c, port)) p.push(`no ingress rule selecting audit pods admits gateway pods on ${port}`);
    for (const np of ofKind(docs, 'NetworkPolicy')) {
      if (!selects(np.spec.podSelector, podLabels(audit.d))) continue;
      for (const r of np.spec.ingress || []) {
        if (r.ports && !r.ports.some((pt) => resolvePort(audit.c, pt.port) === port)) continue;
        if (!r.from || r.from.length === 0) {
          p.push(`NetworkPolicy ${np.metadata.name} opens the audit gRPC port to every source`);
          continue;
        }
        for (const f of r.from) {
          const others = workloads(docs).filter((w) => w !== gateway && f.podSelector && selects(f.podSelector, podLabels(w)));
          if (!f.podSelector || f.namespaceSelector || f.ipBlock) {
            p.push(`NetworkPolicy ${np.metadata.name} admits ${JSON.stringify(f)} to the audit gRPC port`);
          } else if (others.length > 0) {
            p.push(`NetworkPolicy ${np.metadata.name} admits ${others.map((w) => where(w)).join(', ')} to the audit gRPC port`);
          }
        }
      }
    }
    return p;
  });

  check(t('PodDisruptionBudgets select pods and still allow a node drain'), () => {
    const p = [];
    for (const pdb of ofKind(docs, 'PodDisruptionBudget')) {
      const ws = workloads(docs).filter((w) => selects(pdb.spec.selector, podLabels(w)));
      if (ws.length === 0) p.push(`PDB ${pdb.metadata.name} selects no pods`);
      const min = pdb.spec.minAvailable;
      for (const w of ws) {
        const hpa = ofKind(docs, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === w.metadata.name);
        const replicas = hpa ? hpa.spec.minReplicas || 1 : w.spec.replicas || 1;
        if (typeof min === 'number' && min >= replicas) {
          p.push(`PDB ${pdb.metadata.name}: minAvailable ${min} with ${replicas} replica(s) blocks every eviction`);
        }
      }
    }
    return p;
  });

  check(t('containers run as non-root with no capabilities; qrcloud ones on a read-only root'), () => {
    const p = [];
    for (const w of workloads(docs)) {
      const pod = podTemplate(w).spec.securityContext || {};
      for (const c of containersOf(w)) {
        const sc = c.securityContext || {};
        const nonRoot = sc.runAsNonRoot !== undefined ? sc.runAsNonRoot : pod.runAsNonRoot;
        if (nonRoot !== true) p.push(`${where(w, c)}: runAsNonRoot not true`);
        if (sc.allowPrivilegeEscalation !== false) p.push(`${where(w, c)}: allowPrivilegeEscalation not false`);
        if (!((sc.capabilities || {}).drop || []).includes('ALL')) p.push(`${where(w, c)}: capabilities not dropped`);
        if (w.kind === 'Deployment' && sc.readOnlyRootFilesystem !== true) {
          p.push(`${where(w, c)}: root filesystem is writable`);
        }
      }
    }
    return p;
  });

  check(t("the gateway's scan log is on a volume of its own, capped below the volume's sizeLimit"), () => {
    const p = [];
    const gw = workloads(docs).find((w) => w.metadata.name === 'qrcloud-gateway');
    if (!gw) return ['no qrcloud-gateway workload'];
    const c = containersOf(gw)[0];
    const env = Object.fromEntries((c.env || []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const dir = env.QRCLOUD_SCAN_SPOOL;
    if (!dir) return [`${where(gw, c)}: QRCLOUD_SCAN_SPOOL not set (the default is on the read-only root)`];
    const mount = (c.volumeMounts || []).find((m) => m.mountPath === dir);
    if (!mount) return [`${where(gw, c)}: nothing is mounted at ${dir}`];
    const volume = (podTemplate(gw).spec.volumes || []).find((v) => v.name === mount.name);
    const limit = volume && volume.emptyDir && volume.emptyDir.sizeLimit;
    const units = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
    const m = /^(\d+)(Ki|Mi|Gi)$/.exec(limit || '');
    if (!m) return [`${where(gw, c)}: the scan log's volume has no emptyDir sizeLimit`];
    const cap = Number(env.QRCLOUD_SCAN_SPOOL_MAX_BYTES);
    if (!(cap > 0 && cap < Number(m[1]) * units[m[2]])) {
      p.push(`${where(gw, c)}: QRCLOUD_SCAN_SPOOL_MAX_BYTES (${env.QRCLOUD_SCAN_SPOOL_MAX_BYTES}) not below the sizeLimit ${limit}`);
    }
    return p;
  });

  check(t('objects carry app.kubernetes.io/part-of: qrcloud; workloads and pods a name label'), () => {
    const p = [];
    for (const d of docs) {
      const labels = d.metadata.labels || {};
      if (labels['app.kubernetes.io/part-of'] !== 'qrcloud') p.push(`${d.kind}/${d.metadata.name}: no part-of label`);
    }
    for (const w of workloads(docs)) {
      if (!(w.metadata.labels || {})['app.kubernetes.io/name']) p.push(`${where(w)}: no name label`);
      const pl = podLabels(w);
      if (!pl['app.kubernetes.io/name'] || pl['app.kubernetes.io/part-of'] !== 'qrcloud') {
        p.push(`${where(w)}: pod template lacks name or part-of label`);
      }
      for (const v of w.spec.volumeClaimTemplates || []) {
        if ((v.metadata.labels || {})['app.kubernetes.io/part-of'] !== 'qrcloud') p.push(`${where(w)}: volume claim template ${v.metadata.name} has no part-of label`);
      }
    }
    return p;
  });

  check(t("each listed process's objects carry its name label qrcloud-<name>, and selectors select by it"), () => {
    const p = [];
    for (const x of procs) {
      const want = { 'app.kubernetes.io/name': x.process };
      if (podLabels(x.d)['app.kubernetes.io/name'] !== x.process) p.push(`${where(x.d)}: pods labelled ${podLabels(x.d)['app.kubernetes.io/name']}`);
      if (JSON.stringify(x.d.spec.selector.matchLabels) !== JSON.stringify(want)) p.push(`${where(x.d)}: selector ${JSON.stringify(x.d.spec.selector)}, want the name label only (selectors are immutable)`);
      for (const tsc of podTemplate(x.d).spec.topologySpreadConstraints || []) {
        if (!selects(tsc.labelSelector, podLabels(x.d))) p.push(`${where(x.d)}: topology spread constraint does not select its own pods`);
        for (const w of workloads(docs)) {
          if (w !== x.d && selects(tsc.labelSelector, podLabels(w))) p.push(`${where(x.d)}: topology spread constraint also selects ${where(w)}`);
        }
      }
      for (const kind of ['Service', 'PodDisruptionBudget', 'NetworkPolicy', 'HorizontalPodAutoscaler']) {
        const o = find(docs, kind, x.process);
        if (o && (o.metadata.labels || {})['app.kubernetes.io/name'] !== x.process) p.push(`${kind}/${x.process}: name label ${(o.metadata.labels || {})['app.kubernetes.io/name']}`);
      }
    }
    return p;
  });

  return { gateway, gc, genv, procs, byName };
}

// Service names an Ingress routes to (default backend and every path).
function ingressBackends(spec) {
  const names = [];
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node.service && typeof node.service.name === 'string') names.push(node.service.name);
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return names;
}

// host:port must be a Service in the output with that port (a DNS name with
// a namespace must name the output's namespace).
function serviceAddressProblem(docs, address) {
  const m = /^(?:dns:\/\/\/)?([^:]+):(\d+)$/.exec(address || '');
  if (!m) return 'not host:port';
  const [name, ns] = m[1].split('.');
  const svc = find(docs, 'Service', name);
  if (!svc) return `no Service ${name}`;
  if (ns && svc.metadata.namespace && ns !== svc.metadata.namespace) return `Service ${name} is in ${svc.metadata.namespace}, not ${ns}`;
  if (!(svc.spec.ports || []).some((p) => p.port === Number(m[2]))) return `Service ${name} has no port ${m[2]}`;
  return null;
}


// The audit word list as mounted: the ConfigMap and key behind
// QRCLOUD_BANNED_WORDS_FILE.
function bannedWords(docs, shared) {
  const audit = shared.byName[AUDIT];
  const file = audit.env.env.QRCLOUD_BANNED_WORDS_FILE;
  const m = file && mountedFile(audit.d, audit.c, file);
  const cm = m && m.volume.configMap && find(docs, 'ConfigMap', m.volume.configMap.name);
  return cm && cm.data ? { cm, text: cm.data[m.key] } : null;
}

function checkBase(tag, docs, shared) {
  const t = (s) => `${tag}base: ${s}`;
  const names = [GATEWAY, ...shared.procs.map((x) => x.process)];
  check(t('holds no Secret values (Secrets are referenced, created per environment)'), () =>
    ofKind(docs, 'Secret').map((s) => `Secret ${s.metadata.name} is in the base`));

  check(t(`HorizontalPodAutoscalers scale ${names.join(', ')}, which leave replicas to them`), () => {
    const p = [];
    const hpas = ofKind(docs, 'HorizontalPodAutoscaler');
    for (const name of names) {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
      if (!hpa) p.push(`no HPA targets Deployment ${name}`);
      else if (!(hpa.spec.minReplicas >= 2)) p.push(`HPA ${hpa.metadata.name}: minReplicas ${hpa.spec.minReplicas} < 2`);
    }
    for (const h of hpas) {
      const d = find(docs, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name);
      if (!d) p.push(`HPA ${h.metadata.name} targets missing ${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`);
      else if (d.spec.replicas !== undefined) p.push(`${where(d)} sets replicas, which fights HPA ${h.metadata.name}`);
    }
    return p;
  });

  check(t(`PodDisruptionBudgets cover ${names.join(', ')}`), () => {
    const p = [];
    for (const name of names) {
      const d = find(docs, 'Deployment', name);
      if (!ofKind(docs, 'PodDisruptionBudget').some((pdb) => selects(pdb.spec.selector, podLabels(d)))) {
        p.push(`no PDB selects ${name} pods`);
      }
    }
    return p;
  });

  check(t('all subsystems are on (QRCLOUD_DISABLED_SUBSYSTEMS is empty in qrcloud-config)'), () => {
    const cm = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name.startsWith('qrcloud-config'));
    if (!cm) return ['no qrcloud-config ConfigMap'];
    const v = (cm.data || {}).QRCLOUD_DISABLED_SUBSYSTEMS;
    if (v === undefined) return [`ConfigMap ${cm.metadata.name} has no QRCLOUD_DISABLED_SUBSYSTEMS`];
    return v === '' ? [] : [`QRCLOUD_DISABLED_SUBSYSTEMS=${v}; the base switches nothing off, overlays do`];
  });

  check(t('the audit word list is the starting list in deploy/local/banned_words.txt'), () => {
    const file = path.join(root, 'deploy', 'local', 'banned_words.txt');
    if (!fs.existsSync(file)) return [];  // nothing to compare with
    const words = bannedWords(docs, shared);
    if (!words) return ['no ConfigMap is mounted at QRCLOUD_BANNED_WORDS_FILE'];
    return Object.keys(words.cm.data).length === 1 && words.text === fs.readFileSync(file, 'utf8') ? [] :
      ['k8s/base/audit/banned_words.txt differs from deploy/local/banned_words.txt; copy it over'];
  });
}

function checkDev(tag, docs, shared) {
  const t = (s) => `${tag}dev: ${s}`;
  const NS = 'qrcloud-dev';

  check(t('every Secret key a pod reads exists in the output (generated names rewritten)'), () => {
    const p = [];
    let refs = 0;
    for (const w of workloads(docs)) {
      for (const v of podTemplate(w).spec.volumes || []) {
        if (!v.secret || v.secret.optional) continue;
        refs++;
        const s = find(docs, 'Secret', v.secret.secretName);
        if (!s) {
          p.push(`${where(w)}: volume ${v.name} mounts Secret ${v.secret.secretName}, not in the output`);
          continue;
        }
        for (const it of v.secret.items || []) {
          if (!(it.key in secretData(s))) p.push(`${where(w)}: volume ${v.name}: Secret ${s.metadata.name} has no key ${it.key}`);
        }
      }
      for (const c of containersOf(w)) {
        for (const e of c.env || []) {
          const r = e.valueFrom && e.valueFrom.secretKeyRef;
          if (!r) continue;
          refs++;
          const s = find(docs, 'Secret', r.name);
          if (!s) p.push(`${where(w, c)}: ${e.name} reads Secret ${r.name}, not in the output`);
          else if (!(r.key in secretData(s))) p.push(`${where(w, c)}: Secret ${r.name} has no key ${r.key}`);
        }
      }
    }
    if (refs === 0) p.push('no secretKeyRef found');
    return p;
  });

  check(t('StatefulSets mariadb and redis exist with volume claim templates and their Services'), () => {
    const p = [];
    for (const name of ['mariadb', 'redis']) {
      const ss = find(docs, 'StatefulSet', name);
      if (!ss) {
        p.push(`no StatefulSet ${name}`);
        continue;
      }
      if (!(ss.spec.volumeClaimTemplates || []).length) p.push(`StatefulSet ${name} has no volumeClaimTemplates`);
      const gov = find(docs, 'Service', ss.spec.serviceName);
      if (!gov) p.push(`StatefulSet ${name}: governing Service ${ss.spec.serviceName} missing`);
    }
    return p;
  });

  check(t('QRCLOUD_MYSQL_HOST/PORT and QRCLOUD_REDIS_HOST/PORT name Services selecting mariadb and redis'), () => {
    const p = [];
    const targets = [['gateway', shared.genv.env, 'REDIS', 'redis']];
    for (const x of shared.procs) {
      targets.push([x.name, x.env.env, 'MYSQL', 'mariadb'], [x.name, x.env.env, 'REDIS', 'redis']);
    }
    for (const [who, env, kind, ssName] of targets) {
      const host = env[`QRCLOUD_${kind}_HOST`];
      const port = env[`QRCLOUD_${kind}_PORT`];
      const address = `${host}:${port}`;
      const problem = serviceAddressProblem(docs, address);
      if (problem) {
        p.push(`${who}: ${kind.toLowerCase()} ${address}: ${problem}`);
        continue;
      }
      const svc = find(docs, 'Service', host.split('.')[0]);
      const ss = find(docs, 'StatefulSet', ssName);
      if (!ss || !serviceSelects(svc, podLabels(ss))) p.push(`${who}: Service ${svc.metadata.name} does not select StatefulSet ${ssName}`);
    }
    return p;
  });

  check(t('MariaDB and Redis get the same user and passwords the services use'), () => {
    const p = [];
    const db = find(docs, 'StatefulSet', 'mariadb');
    const rd = find(docs, 'StatefulSet', 'redis');
    if (!db || !rd) return ['datastore StatefulSets missing'];
    const dbenv = environment(docs, mainContainer(db)).env;
    const rdenv = environment(docs, mainContainer(rd)).env;
    for (const x of shared.procs) {
      const env = x.env.env;
      if (!env.QRCLOUD_MYSQL_USER || dbenv.MARIADB_USER !== env.QRCLOUD_MYSQL_USER) {
        p.push(`MARIADB_USER ${dbenv.MARIADB_USER} != ${x.name}'s QRCLOUD_MYSQL_USER ${env.QRCLOUD_MYSQL_USER}`);
      }
      if (!env.QRCLOUD_MYSQL_PASSWORD || dbenv.MARIADB_PASSWORD !== env.QRCLOUD_MYSQL_PASSWORD) {
        p.push(`MARIADB_PASSWORD differs from the ${x.name}'s QRCLOUD_MYSQL_PASSWORD`);
      }
    }
    const redisPass = rdenv.REDISCLI_AUTH;
    const args = (mainContainer(rd).args || []).join(' ');
    if (!/--requirepass \$\(REDISCLI_AUTH\)/.test(args)) p.push('redis is not started with --requirepass $(REDISCLI_AUTH)');
    for (const [who, env] of [['gateway', shared.genv.env], ...shared.procs.map((x) => [x.name, x.env.env])]) {
      if (!env.QRCLOUD_REDIS_PASSWORD || env.QRCLOUD_REDIS_PASSWORD !== redisPass) {
        p.push(`${who}'s QRCLOUD_REDIS_PASSWORD differs from redis's`);
      }
    }
    return p;
  });

  // Without an autoscaler, a Deployment with no replicas field runs one pod
  // (the API server's default); the overlay builds on k8s/base/common and so
  // sets none.
  check(t('one replica of each qrcloud Deployment (replicas 1, or unset and so 1) and no autoscalers'), () => {
    const p = [];
    for (const d of ofKind(docs, 'Deployment')) {
      if (d.spec.replicas !== undefined && d.spec.replicas !== 1) p.push(`${where(d)}: replicas ${d.spec.replicas}`);
    }
    for (const h of ofKind(docs, 'HorizontalPodAutoscaler')) p.push(`HPA ${h.metadata.name} present`);
    return p;
  });

  check(t(`every namespaced object is in namespace ${NS}, which the overlay creates`), () => {
    const p = [];
    if (!find(docs, 'Namespace', NS)) p.push(`no Namespace ${NS}`);
    for (const d of docs) {
      if (d.kind !== 'Namespace' && d.metadata.namespace !== NS) {
        p.push(`${d.kind}/${d.metadata.name} in namespace ${d.metadata.namespace}`);
      }
    }
    return p;
  });
}

// --- agreement between kubectls ---------------------------------------------

// A render keyed by kind/namespace/name, comparable across kustomize versions:
// the hash suffix of generated names replaced by "<hash>" (each version
// computes its own; a reference left without one stays different), Secret
// values decoded, empty annotations dropped, keys sorted.
function canonical(docs) {
  const unhashed = {};
  for (const d of docs) {
    if (d.kind === 'ConfigMap' || d.kind === 'Secret') {
      unhashed[d.metadata.name] = d.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>');
    }
  }
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort()
          .filter((k) => !(k === 'annotations' && v[k] && Object.keys(v[k]).length === 0))
          .map((k) => [k, walk(v[k])]));
    }
    return typeof v === 'string' && unhashed[v] !== undefined ? unhashed[v] : v;
  };
  const out = {};
  for (const d of docs) {
    const c = walk(d);
    if (c.kind === 'Secret') {
      c.data = secretData({ data: mapValues(d.data, (x) => String(x).replace(/\s/g, '')), stringData: d.stringData });
      delete c.stringData;
    }
    out[`${c.kind}/${c.metadata.namespace || ''}/${c.metadata.name}`] = c;
  }
  return out;
}

function renderDifferences(a, b) {
  const ca = canonical(a);
  const cb = canonical(b);
  const p = [];
  for (const k of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    if (!ca[k] || !cb[k]) {
      p.push(`${k} only in the ${ca[k] ? 'first' : 'second'}`);
      continue;
    }
    const ya = yaml.dump(ca[k]).split('\n');
    const yb = yaml.dump(cb[k]).split('\n');
    const i = ya.findIndex((line, n) => line !== yb[n]);
    if (i >= 0 || ya.length !== yb.length) p.push(`${k} differs near line ${i + 1}: "${(ya[i] || '').trim()}" vs "${(yb[i] || '').trim()}"`);
  }
  return p;
}

// --- main -------------------------------------------------------------------

if (!fs.existsSync(path.join(root, 'k8s', 'base', 'kustomization.yaml'))) {
  report(false, `${root} holds k8s/base/kustomization.yaml`, ['pass the repository root as the argument']);
  finish();
}

const { entries: services, problems: serviceProblems } = readServices();
check('services/services.txt lists the gRPC service processes', () => serviceProblems);
if (services.length === 0) finish();

const TARGETS = [
  ['k8s/base', (tag, docs, shared) => checkBase(tag, docs, shared)],
  ['k8s/overlays/dev', (tag, docs, shared) => checkDev(tag, docs, shared)],
];
const renders = {};  // rel -> [[kubectl, docs]]
for (const kubectl of kubectls) {
  const version = kubectlVersion(kubectl);
  if (version === null) {
    // Without kubectl nothing can be checked; that is a failure, not a skip.
    report(false, `kubectl is installed (${kubectl})`, [`${kubectl} does not run; install kubectl (it embeds kustomize): tools/setup`]);
    continue;
  }
  console.log(`# ${kubectl}: ${version}`);
  const tag = kubectls.length > 1 ? `[${version.split(',')[0]}] ` : '';
  for (const [rel, more] of TARGETS) {
    const docs = render(kubectl, rel, tag);
    if (!docs) continue;
    (renders[rel] = renders[rel] || []).push([`${kubectl} (${version})`, docs]);
    const where = rel === 'k8s/base' ? 'base' : 'dev';
    const shared = checkAll(`${tag}${where}`, docs, kustomizationChain(rel), services);
    if (shared) more(tag, docs, shared);
  }
}
for (const [rel, list] of Object.entries(renders)) {
  for (const [name, docs] of list.slice(1)) {
    check(`${rel} renders the same with ${list[0][0]} and ${name}`, () => renderDifferences(list[0][1], docs));
  }
}
finish();
