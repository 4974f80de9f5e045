#!/usr/bin/env node
// Offline schema check of openmede's Kubernetes manifests.
//
//   node deploy/check/validate-kubernetes.mjs [DIR_OR_FILE ...]     (default: deploy/kubernetes)
//   node deploy/check/validate-kubernetes.mjs --self-test
//   node deploy/check/validate-kubernetes.mjs --render KUSTOMIZATION_DIR     (prints JSON)
//
// Every kustomization under the given directories is rendered (resources, namespace, images and
// strategic-merge patches: the subset of kustomize these manifests use; any other kustomization
// field is refused rather than ignored), and every resulting document is checked:
//   1. against the Kubernetes OpenAPI schema of its apiVersion and kind (types, required fields,
//      formats such as quantities), from the `kubernetes-models` package, offline;
//   2. for fields the schema does not know (a typo like `resource:` for `resources:`), as
//      `kubectl apply` does with strict field validation;
//   3. for references inside the bundle: selectors that match their pod template, Services
//      that select a workload and name its ports, probes on named ports, a StatefulSet's
//      governing Service, ConfigMaps and PersistentVolumeClaims that pods mount, volumes that
//      containers mount.
// Plain manifest files (not kustomizations) given directly are checked the same way, and a YAML
// file under a checked directory that no kustomization references is an error: nothing escapes
// the check by being forgotten.
//
// Prints one line per checked document; on failure prints FILE:LINE, the document and the JSON
// path of each error, and exits 1. Exit 2: usage or a missing dependency.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

let YAML;
try {
  YAML = await import("yaml");
} catch {
  console.error(
    "validate-kubernetes: the npm packages are not installed; run: npm ci --prefix deploy/check",
  );
  process.exit(2);
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const KNOWN_KUSTOMIZATION_FIELDS = new Set([
  "apiVersion",
  "kind",
  "namespace",
  "resources",
  "patches",
  "images",
]);
// Kinds that live outside namespaces (kustomize's namespace transformer leaves them alone).
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "PersistentVolume",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
]);

class ManifestError extends Error {}

// ---------------------------------------------------------------------------------------------
// Loading YAML with positions

/** Parses a multi-document YAML file into entries {file, index, value, doc, lines}. */
function loadYamlFile(file) {
  const text = readFileSync(file, "utf8");
  const lines = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lines, prettyErrors: true });
  const entries = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      throw new ManifestError(
        `${rel(file)}:${pos ? pos.line : "?"}: YAML syntax error: ${e.message.split("\n")[0]}`,
      );
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return; // empty document (e.g. after a last ---)
    entries.push({ file, index, value, doc, lines });
  });
  return entries;
}

function rel(file) {
  return path.relative(process.cwd(), file) || file;
}

/** FILE:LINE of the node at a JSON-pointer-like path (array of keys) in a source entry. */
function locate(source, keys) {
  for (let n = keys.length; n >= 0; n--) {
    const node = source.doc.getIn(keys.slice(0, n), true);
    if (node && node.range) {
      const pos = source.lines.linePos(node.range[0]);
      return `${rel(source.file)}:${pos.line}`;
    }
  }
  const start = source.doc.contents?.range?.[0] ?? 0;
  return `${rel(source.file)}:${source.lines.linePos(start).line}`;
}

// ---------------------------------------------------------------------------------------------
// A small kustomize: resources, namespace, images, strategic-merge patches

function kustomizationFile(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return null;
}

/**
 * Renders a kustomization directory. Returns {resources: [{value, sources, id}], used: Set<file>}
 * where sources lists the files that shaped each resource (its own file first, then patches).
 */
function renderKustomization(dir, used = new Set()) {
  const kfile = kustomizationFile(dir);
  if (!kfile) throw new ManifestError(`${rel(dir)}: no kustomization.yaml in this directory`);
  used.add(path.resolve(kfile));
  const [entry] = loadYamlFile(kfile);
  const k = entry?.value ?? {};
  const where = (keys) => locate(entry, keys);
  for (const field of Object.keys(k)) {
    if (!KNOWN_KUSTOMIZATION_FIELDS.has(field)) {
      throw new ManifestError(
        `${where([field])}: kustomization field '${field}' is not supported by this check ` +
          `(supported: ${[...KNOWN_KUSTOMIZATION_FIELDS].join(", ")}); extend ` +
          `deploy/check/validate-kubernetes.mjs or express it with those fields`,
      );
    }
  }
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization") {
    throw new ManifestError(
      `${where([])}: expected apiVersion kustomize.config.k8s.io/v1beta1 and kind Kustomization`,
    );
  }

  let resources = [];
  for (const [i, r] of (k.resources ?? []).entries()) {
    const target = path.resolve(dir, r);
    if (!existsSync(target)) {
      throw new ManifestError(`${where(["resources", i])}: resource '${r}' does not exist`);
    }
    if (statSync(target).isDirectory()) {
      resources.push(...renderKustomization(target, used).resources);
    } else {
      used.add(target);
      for (const e of loadYamlFile(target)) {
        resources.push({ value: e.value, sources: [e] });
      }
    }
  }
  if (k.namespace) {
    for (const r of resources) {
      if (!CLUSTER_SCOPED.has(r.value.kind)) {
        r.value.metadata = { ...(r.value.metadata ?? {}), namespace: k.namespace };
      }
    }
  }
  for (const [i, p] of (k.patches ?? []).entries()) {
    if (!p.path) {
      throw new ManifestError(`${where(["patches", i])}: only file patches (path:) are supported`);
    }
    const pfile = path.resolve(dir, p.path);
    if (!existsSync(pfile)) {
      throw new ManifestError(`${where(["patches", i])}: patch '${p.path}' does not exist`);
    }
    used.add(pfile);
    for (const pe of loadYamlFile(pfile)) {
      const kind = p.target?.kind ?? pe.value.kind;
      const name = p.target?.name ?? pe.value.metadata?.name;
      const matches = resources.filter(
        (r) => r.value.kind === kind && r.value.metadata?.name === name,
      );
      if (matches.length === 0) {
        throw new ManifestError(
          `${locate(pe, [])}: patch targets ${kind}/${name}, which is not among the resources`,
        );
      }
      for (const r of matches) {
        r.value = strategicMerge(r.value, pe.value);
        r.sources = [pe, ...r.sources];
      }
    }
  }
  for (const [i, img] of (k.images ?? []).entries()) {
    if (!img.name) throw new ManifestError(`${where(["images", i])}: image entry needs a name`);
    for (const r of resources) setImage(r.value, img);
  }
  return { resources, used };
}

/** Kubernetes strategic merge, as far as these manifests need it: maps merge recursively,
 *  lists of objects with a `name` (containers, env, volumes, ports, ...) merge by name, other
 *  lists are replaced; `null` deletes a key. */
function strategicMerge(base, patch) {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (xs) => xs.every((x) => x && typeof x === "object" && typeof x.name === "string");
    if (!named(base) || !named(patch)) return structuredClone(patch);
    const out = base.map((x) => structuredClone(x));
    for (const item of patch) {
      const at = out.findIndex((x) => x.name === item.name);
      if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(structuredClone(item));
    }
    return out;
  }
  if (isObject(base) && isObject(patch)) {
    const out = structuredClone(base);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else if (key in out) out[key] = strategicMerge(out[key], value);
      else out[key] = structuredClone(value);
    }
    return out;
  }
  return structuredClone(patch);
}

function isObject(x) {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function setImage(resource, img) {
  const pod = podSpecOf(resource);
  if (!pod) return;
  for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    if (typeof c.image !== "string") continue;
    const at = c.image.lastIndexOf(":");
    const slash = c.image.lastIndexOf("/");
    const [name, tag] = at > slash ? [c.image.slice(0, at), c.image.slice(at + 1)] : [c.image, ""];
    if (name !== img.name) continue;
    const newName = img.newName ?? name;
    const newTag = img.digest ? `@${img.digest}` : img.newTag ? `:${img.newTag}` : tag ? `:${tag}` : "";
    c.image = `${newName}${newTag}`;
  }
}

function podSpecOf(resource) {
  const spec = resource?.spec;
  if (!isObject(spec)) return null;
  if (resource.kind === "Pod") return spec;
  if (resource.kind === "CronJob") return spec.jobTemplate?.spec?.template?.spec ?? null;
  return isObject(spec.template?.spec) ? spec.template.spec : null;
}

// ---------------------------------------------------------------------------------------------
// Schema check, kind-aware, with unknown fields refused

const modelCache = new Map();

async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let model = null;
  if (/^[a-z0-9.-]*\/?v[0-9a-z]+$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    const file = path.join(here, "node_modules", "kubernetes-models", apiVersion, `${kind}.mjs`);
    if (existsSync(file)) {
      const mod = await import(pathToFileURL(file).href);
      model = mod[kind] ?? null;
    }
  }
  modelCache.set(key, model);
  return model;
}

/**
 * Runs the schema's validate function over a proxy that records which keys of every object the
 * validator read. The schema reads every property it declares, and iterates maps it allows
 * (labels, resources.limits, ConfigMap data); a key it never read is unknown to it.
 */
function validateStrict(Model, value) {
  const read = new Map(); // object -> Set of keys read
  const wrap = (target) => {
    if (target === null || typeof target !== "object") return target;
    if (!read.has(target)) read.set(target, new Set());
    return new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === "string") read.get(t).add(key);
        return wrap(Reflect.get(t, key, receiver));
      },
    });
  };
  const errors = [];
  try {
    Model.prototype.validate.call(wrap(value));
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    for (const err of e.errors) {
      const keys = pointerKeys(err.instancePath);
      let message = err.message;
      if (err.keyword === "required") {
        keys.push(err.params.missingProperty);
        message = `required field '${err.params.missingProperty}' is missing`;
      } else if (err.keyword === "enum") {
        message += `: ${JSON.stringify(err.params.allowedValues)}`;
      }
      errors.push({ keys, message });
    }
  }
  // Unknown fields: own keys of objects the validator walked into but never read.
  const visit = (node, keys) => {
    if (node === null || typeof node !== "object") return;
    const seen = read.get(node);
    if (!seen) return; // the validator did not walk here: its parent's error covers it
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, [...keys, i]));
      return;
    }
    for (const key of Object.keys(node)) {
      if (!seen.has(key)) {
        errors.push({ keys: [...keys, key], message: `unknown field '${key}'` });
      } else {
        visit(node[key], [...keys, key]);
      }
    }
  };
  visit(value, []);
  return errors;
}

function pointerKeys(pointer) {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// ---------------------------------------------------------------------------------------------
// References within the bundle

function checkReferences(resources) {
  const problems = [];
  const has = (kind, ns, name) =>
    resources.some(
      (r) =>
        r.value.kind === kind &&
        r.value.metadata?.name === name &&
        (r.value.metadata?.namespace ?? "") === ns,
    );
  for (const r of resources) {
    const v = r.value;
    const ns = v.metadata?.namespace ?? "";
    const pod = podSpecOf(v);
    if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(v.kind)) {
      const selector = v.spec?.selector?.matchLabels ?? {};
      const labels = v.spec?.template?.metadata?.labels ?? {};
      for (const [key, value] of Object.entries(selector)) {
        if (labels[key] !== value) {
          problems.push({
            r,
            keys: ["spec", "selector", "matchLabels", key],
            message: `selector ${key}=${value} does not match the pod template's labels`,
          });
        }
      }
    }
    if (v.kind === "StatefulSet" && v.spec?.serviceName && !has("Service", ns, v.spec.serviceName)) {
      problems.push({
        r,
        keys: ["spec", "serviceName"],
        message: `governing Service '${v.spec.serviceName}' is not in the bundle`,
      });
    }
    if (v.kind === "Service" && isObject(v.spec?.selector)) {
      const selected = resources.filter((o) => {
        const labels = podTemplateLabels(o.value);
        return (
          labels &&
          (o.value.metadata?.namespace ?? "") === ns &&
          Object.entries(v.spec.selector).every(([key, value]) => labels[key] === value)
        );
      });
      if (selected.length === 0) {
        problems.push({ r, keys: ["spec", "selector"], message: "selects no workload in the bundle" });
      }
      (v.spec.ports ?? []).forEach((port, i) => {
        if (typeof port.targetPort !== "string") return;
        const named = selected.some((o) =>
          (podSpecOf(o.value)?.containers ?? []).some((c) =>
            (c.ports ?? []).some((cp) => cp.name === port.targetPort),
          ),
        );
        if (selected.length > 0 && !named) {
          problems.push({
            r,
            keys: ["spec", "ports", i, "targetPort"],
            message: `targetPort '${port.targetPort}' is not a named port of the selected pods`,
          });
        }
      });
    }
    if (!pod) continue;
    const claimTemplates = new Set(
      (v.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name),
    );
    const volumes = new Set((pod.volumes ?? []).map((vol) => vol.name));
    (pod.volumes ?? []).forEach((vol, i) => {
      const keys = [...podPath(v), "volumes", i];
      if (vol.configMap && !vol.configMap.optional && !has("ConfigMap", ns, vol.configMap.name)) {
        problems.push({ r, keys, message: `ConfigMap '${vol.configMap.name}' is not in the bundle` });
      }
      const claim = vol.persistentVolumeClaim?.claimName;
      if (claim && !has("PersistentVolumeClaim", ns, claim)) {
        problems.push({ r, keys, message: `PersistentVolumeClaim '${claim}' is not in the bundle` });
      }
    });
    for (const group of ["containers", "initContainers"]) {
      (pod[group] ?? []).forEach((c, ci) => {
        (c.volumeMounts ?? []).forEach((m, mi) => {
          if (!volumes.has(m.name) && !claimTemplates.has(m.name)) {
            problems.push({
              r,
              keys: [...podPath(v), group, ci, "volumeMounts", mi, "name"],
              message: `volume '${m.name}' is mounted but not declared`,
            });
          }
        });
        const portNames = new Set((c.ports ?? []).map((port) => port.name).filter(Boolean));
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
          if (typeof port === "string" && !portNames.has(port)) {
            problems.push({
              r,
              keys: [...podPath(v), group, ci, probe],
              message: `${probe} uses port '${port}', which the container does not name`,
            });
          }
        }
        (c.envFrom ?? []).forEach((e, ei) => {
          const cm = e.configMapRef;
          if (cm && !cm.optional && !has("ConfigMap", ns, cm.name)) {
            problems.push({
              r,
              keys: [...podPath(v), group, ci, "envFrom", ei],
              message: `ConfigMap '${cm.name}' is not in the bundle`,
            });
          }
        });
      });
    }
  }
  return problems;
}

function podTemplateLabels(resource) {
  if (resource.kind === "Pod") return resource.metadata?.labels ?? {};
  if (!podSpecOf(resource) || resource.kind === "CronJob") return null;
  return resource.spec?.template?.metadata?.labels ?? {};
}

function podPath(resource) {
  if (resource.kind === "Pod") return ["spec"];
  if (resource.kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
  return ["spec", "template", "spec"];
}

// ---------------------------------------------------------------------------------------------
// Driver

function describe(v) {
  const ns = v.metadata?.namespace ? `${v.metadata.namespace}/` : "";
  return `${v.kind ?? "?"} ${ns}${v.metadata?.name ?? "?"} (${v.apiVersion ?? "?"})`;
}

function locateIn(r, keys) {
  // The newest patch that has a node at this path, else the resource's own file.
  for (const source of r.sources) {
    if (source.doc.getIn(keys, true)) return locate(source, keys);
  }
  return locate(r.sources[r.sources.length - 1], keys);
}

function jsonPath(keys) {
  return keys.length === 0 ? "(document)" : keys.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").replace(/^\./, "");
}

/** Checks one bundle (a rendered kustomization or a plain file); returns the error lines. */
async function checkBundle(label, resources, log) {
  const failures = [];
  const seenIds = new Map();
  for (const r of resources) {
    const v = r.value;
    const errors = [];
    if (!isObject(v) || typeof v.apiVersion !== "string" || typeof v.kind !== "string") {
      errors.push({ keys: [], message: "not a Kubernetes object: apiVersion and kind are required" });
    } else {
      const id = `${v.kind}/${v.metadata?.namespace ?? ""}/${v.metadata?.name ?? ""}`;
      if (seenIds.has(id)) {
        errors.push({ keys: ["metadata", "name"], message: `duplicate ${v.kind} '${v.metadata?.name}'` });
      }
      seenIds.set(id, r);
      const Model = await modelFor(v.apiVersion, v.kind);
      if (!Model) {
        errors.push({
          keys: ["kind"],
          message: `no schema for apiVersion ${v.apiVersion} kind ${v.kind} (a typo, or a custom resource this check does not know)`,
        });
      } else {
        errors.push(...validateStrict(Model, v));
      }
    }
    for (const e of errors) {
      failures.push(`${locateIn(r, e.keys)}: ${describe(v)}: ${jsonPath(e.keys)}: ${e.message}`);
    }
    if (errors.length === 0) log(`  ok  ${describe(v)}`);
  }
  for (const p of checkReferences(resources)) {
    failures.push(`${locateIn(p.r, p.keys)}: ${describe(p.r.value)}: ${jsonPath(p.keys)}: ${p.message}`);
  }
  return failures;
}

function yamlFilesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const f = path.join(dir, name);
    if (statSync(f).isDirectory()) out.push(...yamlFilesUnder(f));
    else if (/\.ya?ml$/.test(name) || name === "Kustomization") out.push(path.resolve(f));
  }
  return out;
}

function kustomizationDirsUnder(dir) {
  const out = [];
  if (kustomizationFile(dir)) out.push(dir);
  for (const name of readdirSync(dir).sort()) {
    const f = path.join(dir, name);
    if (statSync(f).isDirectory() && name !== "node_modules") out.push(...kustomizationDirsUnder(f));
  }
  return out;
}

/** Validates the given paths; returns {failures, checked}. */
export async function validatePaths(paths, log = () => {}) {
  const failures = [];
  let checked = 0;
  for (const p of paths) {
    if (!existsSync(p)) {
      failures.push(`${p}: no such file or directory`);
      continue;
    }
    try {
      if (statSync(p).isDirectory()) {
        const dirs = kustomizationDirsUnder(p);
        const used = new Set();
        for (const dir of dirs) {
          const { resources } = renderKustomization(dir, used);
          log(`${rel(dir)} (kustomization, ${resources.length} documents)`);
          failures.push(...(await checkBundle(dir, resources, log)));
          checked += resources.length;
        }
        for (const f of yamlFilesUnder(p)) {
          if (!used.has(f)) {
            // Not part of any kustomization: check it on its own, and say so.
            const resources = loadYamlFile(f).map((e) => ({ value: e.value, sources: [e] }));
            if (dirs.length > 0) {
              failures.push(
                `${rel(f)}:1: not referenced by any kustomization under ${rel(p)}: add it to ` +
                  `resources or patches, or move it out`,
              );
            }
            log(`${rel(f)} (${resources.length} documents)`);
            failures.push(...(await checkBundle(f, resources, log)));
            checked += resources.length;
          }
        }
      } else {
        const resources = loadYamlFile(p).map((e) => ({ value: e.value, sources: [e] }));
        log(`${rel(p)} (${resources.length} documents)`);
        failures.push(...(await checkBundle(p, resources, log)));
        checked += resources.length;
      }
    } catch (e) {
      if (e instanceof ManifestError) failures.push(e.message);
      else throw e;
    }
  }
  // A base shared by several kustomizations reports its own errors once.
  return { failures: [...new Set(failures)], checked };
}

// ---------------------------------------------------------------------------------------------
// Self-test: the check must refuse bad manifests

async function selfTest() {
  const cases = [
    ["replicas-as-string.yaml", /spec\.replicas: must be integer/],
    ["unknown-field.yaml", /containers\[0\]\.resource: unknown field 'resource'/],
    ["missing-required.yaml", /containers\[0\]\.name: required field 'name' is missing/],
    ["bad-quantity.yaml", /resources\.limits\.memory: must match format "quantity"/],
    ["selector-mismatch.yaml", /selector app=recognizer does not match/],
    ["unknown-kind.yaml", /no schema for apiVersion apps\/v1 kind Deploymnet/],
    ["probe-port.yaml", /livenessProbe uses port 'http'[^]*targetPort 'http' is not a named port/],
    ["bad-patch", /bad-patch\/patch\.yaml:6: .*spec\.replicas: must be integer/],
    ["orphan", /forgotten\.yaml:1: not referenced by any kustomization/],
    ["unsupported-kustomize", /kustomization field 'commonLabels' is not supported/],
  ];
  let failed = 0;
  for (const [name, expected] of cases) {
    const file = path.join(here, "testdata", "kubernetes-invalid", name);
    const { failures } = await validatePaths([file]);
    const text = failures.join("\n");
    const hasLine = failures.some((f) => /:\d+: /.test(f));
    if (failures.length > 0 && expected.test(text) && hasLine) {
      console.log(`  refused as expected: ${name}: ${failures[0]}`);
    } else {
      failed++;
      console.log(`  NOT REFUSED AS EXPECTED: ${name}: wanted ${expected}, got:\n${text || "(no errors)"}`);
    }
  }
  const valid = path.join(here, "testdata", "kubernetes-valid");
  const { failures } = await validatePaths([valid]);
  if (failures.length === 0) {
    console.log(`  accepted as expected: ${rel(valid)}`);
  } else {
    failed++;
    console.log(`  VALID BUNDLE REFUSED: ${failures.join("\n")}`);
  }
  return failed;
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (!existsSync(path.join(here, "node_modules", "kubernetes-models"))) {
    console.error(
      "validate-kubernetes: kubernetes-models is not installed; run: npm ci --prefix deploy/check",
    );
    process.exit(2);
  }
  if (args[0] === "--render" && args.length === 2) {
    // What this check sees for one kustomization, as JSON (to compare with `kubectl kustomize`).
    try {
      const { resources } = renderKustomization(path.resolve(args[1]));
      console.log(JSON.stringify(resources.map((r) => r.value), null, 2));
      process.exit(0);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      console.error(e.message);
      process.exit(1);
    }
  }
  if (args[0] === "--self-test") {
    console.log("kubernetes check self-test:");
    const failed = await selfTest();
    console.log(failed === 0 ? "self-test passed" : `self-test FAILED (${failed} cases)`);
    process.exit(failed === 0 ? 0 : 1);
  }
  const paths = args.length > 0 ? args : [path.resolve(here, "..", "kubernetes")];
  const { failures, checked } = await validatePaths(paths, (line) => console.log(line));
  if (failures.length > 0) {
    console.error(`\n${failures.length} problem(s) in Kubernetes manifests:`);
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log(`Kubernetes manifests valid: ${checked} documents checked`);
}
