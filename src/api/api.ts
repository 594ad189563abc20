// Length: create, update, patch, apply and delete each pass the same steps (scope, admission, defaults, validation, conversion, store) in one order; kept in one file so that order is read in one place.
// The one door through which every change reaches the store: kubectl (via the
// HTTP server), the TUI and the folder sync (via ClusterClient), and the
// controllers all call these methods. Here objects are defaulted, validated,
// checked against their old version (immutable fields), and merged for
// patch/apply; the store then assigns versions and persists.
import { applyDefaults } from './defaults.js';
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  isStatusError,
  notFound,
} from './errors.js';
import { KindRegistry, parseApiVersion, apiVersionOf, qualifiedResource, type KindInfo } from './kinds.js';
import { clone, type KubeObject, type OwnerReference } from './meta.js';
import { objectJson } from './object-json.js';
import type { ObjectOf } from './types/kind-map.js';
import { applyPatch, type PatchType } from './patch/index.js';
import { clientSideApply, LAST_APPLIED } from './patch/apply.js';
import type { DeleteOptions, ListOptions, ListResult, ObjectStore, WatchEvent, WatchHandle, WatchOptions } from './store-types.js';
import { checkCustomMetadataTypes, checkFieldTypes, validateObject, validateUnknownFields } from './validation/index.js';
import type { AdmissionPlugin } from './admission/types.js';
import { needsConversion, toServedVersion, writeInStoredVersion } from './convert/index.js';
import { writeSpecReplicas } from './scale-subresource.js';
import { prepareCustom, requireServedVersion, validateCustom } from './custom-resources.js';
import type { CustomVersion } from './kinds.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface WriteOptions {
  /** Validate and default, but do not store (kubectl --dry-run=server). */
  dryRun?: boolean;
  /** Strict: unknown fields are an error; Warn/Ignore: dropped. Default Ignore, as Kubernetes. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  fieldManager?: string;
  /**
   * create/update only: the caller hands `input` over (a request body just
   * decoded for this call, shared with no one), so it is defaulted in place
   * rather than deep-copied first.
   */
  owned?: boolean;
}

export interface ApiDeleteOptions extends DeleteOptions, WriteOptions {
  propagationPolicy?: PropagationPolicy;
}

export interface ApiOptions {
  store: ObjectStore;
  /** Milliseconds since the epoch; injected so tests step time. */
  now?: () => number;
  /** Admission plugins (src/api/admission), run on create and update after defaulting, before validation. */
  admission?: AdmissionPlugin[];
  /** The kinds this engine serves (built-ins plus Established CRDs); default: a fresh registry of the built-ins. */
  kinds?: KindRegistry;
}

/** Held by a CRD until its custom resources are gone (apiextensions' customresourcecleanup finalizer). */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

import { SYSTEM_NAMESPACES } from './system-namespaces.js';

export class Api {
  readonly store: ObjectStore;
  /** The kinds served: built-ins and the custom kinds of Established CRDs. */
  readonly kinds: KindRegistry;
  private readonly now: () => number;
  private readonly admission: AdmissionPlugin[];

  constructor(opts: ApiOptions) {
    this.store = opts.store;
    this.kinds = opts.kinds ?? new KindRegistry();
    this.now = opts.now ?? Date.now;
    this.admission = opts.admission ?? [];
  }

  // ---- reads -------------------------------------------------------------

  /** The object, typed by its kind: `get('Pod', …)` is a Pod; a custom kind, or one held in a variable, is a KubeObject. */
  get<K extends string>(kind: K, namespace: string, name: string): ObjectOf<K> | undefined;
  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(kind, this.scopeNs(kind, namespace), name);
  }

  /** Like get, but throws NotFound in Kubernetes' words. */
  mustGet<K extends string>(kind: K, namespace: string, name: string): ObjectOf<K>;
  mustGet(kind: string, namespace: string, name: string): KubeObject {
    const o = this.get(kind, namespace, name);
    if (!o) throw notFound(kind, name);
    return o;
  }

  /** The objects of a kind, typed by it as `get` is. */
  list<K extends string>(kind: K, opts?: ListOptions): ListResult<ObjectOf<K>>;
  list(kind: string, opts: ListOptions = {}): ListResult<KubeObject> {
    return this.store.list(kind, opts);
  }

  watch(kind: string, opts: WatchOptions, handler: (ev: WatchEvent) => void): WatchHandle {
    return this.store.watch(kind, opts, handler);
  }

  // ---- writes ------------------------------------------------------------

  async create<T extends KubeObject>(input: T, opts: WriteOptions = {}): Promise<T> {
    // Objects of an older served version (autoscaling/v1 HPAs) are written in the stored version.
    if (needsConversion(input)) return writeInStoredVersion(input, (o) => this.create(o as T, opts));
    const info = this.requireKind(input);
    if (info.custom && this.store.get('CustomResourceDefinition', '', info.custom.crd)?.metadata.deletionTimestamp) {
      throw new StatusError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
    }
    const obj = this.prepare(input, { ...opts, create: true });
    // Before name generation, as in Kubernetes: refusals name a generateName object by its prefix.
    for (const p of this.admission) p.admit({ operation: 'CREATE', object: obj, store: this.store, dryRun: opts.dryRun });
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = this.generateName(obj);
    }
    const name = obj.metadata.name ?? '';
    if (!name) throw invalid(info.kind, '', [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }]);
    if (info.namespaced) this.requireNamespace(obj);
    this.validate(obj, undefined);
    if (opts.dryRun) {
      if (this.store.get(info.kind, obj.metadata.namespace ?? '', name)) throw alreadyExists(info.kind, name);
      return obj as T;
    }
    return this.store.create(obj as T);
  }

  /** Full replace (PUT). Status is kept from the stored object for kinds with a status subresource. */
  async update<T extends KubeObject>(input: T, opts: WriteOptions = {}): Promise<T> {
    if (needsConversion(input)) return writeInStoredVersion(input, (o) => this.update(o as T, opts));
    const info = this.requireKind(input);
    const obj = this.prepare(input, opts);
    const name = obj.metadata.name ?? '';
    const old = this.store.get(info.kind, obj.metadata.namespace ?? '', name);
    if (!old) throw notFound(info.kind, name);
    if (info.subresources.includes('status')) obj.status = clone(old.status);
    // As the CRD strategy's PrepareForUpdate: a new storage version joins status.storedVersions.
    if (info.kind === 'CustomResourceDefinition') withStorageVersionStored(obj);
    this.carryServerFields(obj, old);
    for (const p of this.admission) p.admit({ operation: 'UPDATE', object: obj, oldObject: old, store: this.store, dryRun: opts.dryRun });
    this.validate(obj, old);
    if (opts.dryRun) return obj as T;
    return this.store.update(obj as T);
  }

  /** PUT .../status: only status changes; spec and metadata come from the stored object. */
  async updateStatus<T extends KubeObject>(input: T): Promise<T> {
    if (needsConversion(input)) return writeInStoredVersion(input, (o) => this.updateStatus(o as T));
    const info = this.requireKind(input);
    const ns = this.scopeNs(info.kind, input.metadata.namespace ?? '');
    const name = input.metadata.name ?? '';
    const old = this.store.get(info.kind, ns, name);
    if (!old) throw notFound(info.kind, name);
    if (info.custom) {
      const next = { ...clone(old), status: clone(input.status) } as T;
      next.metadata.resourceVersion = input.metadata.resourceVersion ?? old.metadata.resourceVersion;
      this.checkCustomStatus(info, input, next, old);
      return this.store.update(next);
    }
    // Nothing here changes the object: the store makes its own private copy of
    // what it is given (sharing the frozen spec of `old`), so neither side is cloned first.
    const next = {
      ...old,
      metadata: { ...old.metadata, resourceVersion: input.metadata.resourceVersion ?? old.metadata.resourceVersion },
      status: input.status,
    } as T;
    return this.store.update(next);
  }

  /** A custom resource's status is pruned and validated by the schema of the version it was written in, as the status strategy does. */
  private checkCustomStatus(info: KindInfo, input: KubeObject, next: KubeObject, old: KubeObject): void {
    const version = requireServedVersion(info, input.apiVersion ?? old.apiVersion);
    const written = { ...next, apiVersion: input.apiVersion ?? old.apiVersion };
    prepareCustom(info, written, version, { create: false });
    next.status = written.status;
    const errs = validateCustom(version, next, old);
    if (errs.length) throw invalid(info.kind, next.metadata.name ?? '', errs);
  }

  /**
   * Read-modify-write with retry on conflict: `mutate` gets a private copy of the
   * current object and returns the next one (or undefined to skip the write).
   * Controllers use this so they never mutate stored objects.
   */
  async modify<T extends KubeObject>(
    kind: string,
    namespace: string,
    name: string,
    mutate: (copy: T) => T | undefined | void,
    opts: { status?: boolean } = {},
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      // The caller names the kind and the type its mutate function works on together.
      const cur = this.get(kind, namespace, name) as T | undefined;
      if (!cur) throw notFound(kind, name);
      // cur is a stored (frozen) version: its text is computed once and shared
      // (object-json.ts), so the copy is parsed from it and the no-change test
      // serialises only the mutated copy.
      const curText = objectJson(cur);
      const copy = JSON.parse(curText) as T;
      const next = (mutate(copy) ?? copy) as T | undefined;
      if (next === undefined) return cur;
      if (JSON.stringify(next) === curText) return cur;
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      try {
        return opts.status ? await this.updateStatus(next) : await this.update(next);
      } catch (e) {
        if (attempt < 5 && isStatusError(e, 'Conflict')) continue;
        throw e;
      }
    }
  }

  async patch<T extends KubeObject = KubeObject>(
    kind: string,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { subresource?: 'status'; apiVersion?: string } = {},
  ): Promise<T> {
    const ns = this.scopeNs(kind, namespace);
    const stored = this.store.get(kind, ns, name);
    if (!stored) throw notFound(kind, name);
    // A patch is applied to the object as its client sees it (autoscaling/v1 for a v1 client); update converts back.
    const old = opts.apiVersion ? toServedVersion(stored, opts.apiVersion) : stored;
    let next: KubeObject;
    try {
      next = applyPatch(clone(old), type, patch, kind) as KubeObject;
    } catch (e) {
      if (e instanceof StatusError) throw e;
      throw badRequest(`the patch could not be applied to ${qualifiedResource(this.infoOf(kind))} "${name}": ${(e as Error).message}`);
    }
    // A merge patch of `null`, `5` or `[]` replaces the whole document: refuse rather than store a non-object.
    if (!next || typeof next !== 'object' || Array.isArray(next)) {
      throw badRequest(`the patch could not be applied to ${qualifiedResource(this.infoOf(kind))} "${name}": the result is not a JSON object`);
    }
    next.kind = old.kind;
    next.apiVersion = old.apiVersion;
    next.metadata = { ...next.metadata, name: old.metadata.name, namespace: old.metadata.namespace, uid: old.metadata.uid };
    // A patch without resourceVersion never conflicts (kubectl relies on this).
    if (!(patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion) {
      next.metadata.resourceVersion = old.metadata.resourceVersion;
    }
    if (opts.subresource === 'status') return this.updateStatus(next as T);
    return this.update(next as T, opts);
  }

  /**
   * `kubectl apply` (client-side): create when absent, else a three-way merge of
   * the last-applied annotation, the live object and the new manifest, so a
   * field removed from the manifest is removed from the object.
   */
  async apply<T extends KubeObject>(input: T, opts: WriteOptions = {}): Promise<{ object: T; action: 'created' | 'configured' | 'unchanged' }> {
    if (needsConversion(input)) return writeInStoredVersion(input, (o) => this.apply(o as T, opts));
    const info = this.requireKind(input);
    if (!input.metadata || typeof input.metadata !== 'object') {
      throw invalid(info.kind, '', [{ type: 'Required', field: 'metadata', detail: 'metadata is required' }]);
    }
    checkFieldTypes(input); // before the three-way merge, which assumes well-typed lists and maps
    const ns = this.scopeNs(info.kind, input.metadata.namespace ?? (info.namespaced ? 'default' : ''));
    const withNs = { ...input, metadata: { ...input.metadata, namespace: info.namespaced ? ns : undefined } } as T;
    const name = withNs.metadata.name ?? '';
    const old = this.store.get(info.kind, ns, name);
    // The three-way merge refuses some manifests (a container without its merge key `name`): a 400, as kubectl reports it.
    const merge = (live: KubeObject | undefined): T => {
      try {
        return clientSideApply(live, withNs) as T;
      } catch (e) {
        if (e instanceof StatusError) throw e;
        throw badRequest(`error when applying ${qualifiedResource(info)} "${name}": ${(e as Error).message}`);
      }
    };
    if (!old) {
      const obj = merge(undefined);
      return { object: await this.create(obj, opts), action: 'created' };
    }
    const merged = merge(old);
    merged.metadata.resourceVersion = old.metadata.resourceVersion;
    const candidate = this.prepare(merged, { ...opts, owned: false });
    this.carryServerFields(candidate, old);
    if (info.subresources.includes('status')) candidate.status = clone(old.status);
    if (JSON.stringify(stripVolatile(candidate)) === JSON.stringify(stripVolatile(old))) {
      return { object: old as T, action: 'unchanged' };
    }
    return { object: await this.update(merged, opts), action: 'configured' };
  }

  async delete(kind: string, namespace: string, name: string, opts: ApiDeleteOptions = {}): Promise<KubeObject> {
    const ns = this.scopeNs(kind, namespace);
    const old = this.store.get(kind, ns, name);
    if (!old) throw notFound(kind, name);
    if (opts.dryRun) return old;
    // DeleteOptions from the wire may be of any shape: refuse bad ones before anything is written.
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null && !Number.isSafeInteger(opts.gracePeriodSeconds)) {
      throw badRequest(`gracePeriodSeconds: must be a whole number of seconds, got ${JSON.stringify(opts.gracePeriodSeconds)}`);
    }
    if (opts.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(opts.propagationPolicy)) {
      throw invalid('DeleteOptions', '', [
        { type: 'NotSupported', field: 'propagationPolicy', value: opts.propagationPolicy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' },
      ]);
    }
    // Preconditions are checked before the finalizer/phase writes below, so a refused delete changes nothing
    // (Kubernetes checks them in the same atomic update). The store checks them again at the delete itself.
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(kind, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(kind, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
    }
    const policy = opts.propagationPolicy ?? defaultPropagation(kind);
    const finalizer = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    if (kind === 'Namespace' && !old.metadata.deletionTimestamp) {
      // Namespaces are finalized by the namespace controller (spec.finalizers: kubernetes).
      await this.modify(kind, ns, name, (o) => {
        o.status = { ...(o.status ?? {}), phase: 'Terminating' };
      }, { status: true });
    }
    if (kind === 'CustomResourceDefinition' && !old.metadata.deletionTimestamp && !old.metadata.finalizers?.includes(CRD_CLEANUP_FINALIZER)) {
      // As the CRD registry's Delete: its custom resources go first (src/controllers/crd.ts finalizes).
      await this.modify(kind, ns, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER];
      });
    }
    if (finalizer && !old.metadata.finalizers?.includes(finalizer) && !old.metadata.deletionTimestamp) {
      await this.modify(kind, ns, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), finalizer];
      });
    }
    let grace = opts.gracePeriodSeconds;
    if (kind === 'Pod' && grace === undefined) {
      // Pods bound to a node are stopped by their kubelet first; unbound ones go at once.
      grace = old.spec?.nodeName && !isTerminalPod(old) ? (old.spec?.terminationGracePeriodSeconds ?? 30) : 0;
    }
    if (kind === 'Namespace') grace = 1; // mark only: the namespace controller removes it when empty
    return this.store.delete(kind, ns, name, { preconditions: opts.preconditions, gracePeriodSeconds: grace });
  }

  /** The scale subresource as Deployments/ReplicaSets/StatefulSets and custom kinds with one expose it. */
  async scale(kind: string, namespace: string, name: string, replicas: number): Promise<KubeObject> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid(kind, name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
    }
    const info = this.infoOf(kind);
    const out = await this.modify(kind, namespace, name, (o) => {
      writeSpecReplicas(info, o, replicas);
    });
    return out!;
  }

  // ---- helpers -----------------------------------------------------------

  private requireKind(obj: KubeObject) {
    if (!obj || typeof obj !== 'object') throw badRequest('Object is not a JSON object');
    if (!obj.kind) throw badRequest("Object 'Kind' is missing");
    const info = this.kinds.get(obj.kind);
    if (!info) throw badRequest(`no kind "${obj.kind}" is registered for version "${obj.apiVersion}"`);
    const { group } = parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
    if (!obj.apiVersion || typeof obj.apiVersion !== 'string' || group !== info.group) {
      throw badRequest(
        `no kind "${obj.kind}" is registered for version "${obj.apiVersion ?? ''}" (kubeterm serves ${info.kind} as ${apiVersionOf(info)})`,
      );
    }
    if (info.custom) requireServedVersion(info, obj.apiVersion);
    if (info.virtual) {
      // Reviews and metrics are answered by the API server, never stored.
      throw new StatusError(405, 'MethodNotAllowed', `${qualifiedResource(info)} are not stored objects: the API server answers them (POST a review, GET metrics)`);
    }
    return info;
  }

  /** Copy, default, normalise namespace; optionally reject unknown fields. */
  private prepare<T extends KubeObject>(input: T, opts: WriteOptions & { create?: boolean }): T {
    const info = this.requireKind(input);
    if (!input.metadata || typeof input.metadata !== 'object') {
      throw invalid(info.kind, '', [{ type: 'Required', field: 'metadata', detail: 'metadata is required' }]);
    }
    if (info.custom) return this.prepareCustomObject(info, input, opts);
    checkFieldTypes(input); // a wrong JSON type is a decode error (400), before strict field validation
    if (opts.fieldValidation === 'Strict') {
      const unknown = validateUnknownFields(input);
      if (unknown.length) {
        throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
      }
    }
    const obj = opts.owned ? input : clone(input);
    obj.apiVersion = apiVersionOf(info);
    if (info.namespaced) obj.metadata.namespace = obj.metadata.namespace || 'default';
    else delete obj.metadata.namespace;
    return applyDefaults(obj) as T;
  }

  /** A custom resource: the schema of the version it was written in defaults, prunes and (later) validates it. */
  private prepareCustomObject<T extends KubeObject>(info: KindInfo, input: T, opts: WriteOptions & { create?: boolean }): T {
    const version = requireServedVersion(info, input.apiVersion);
    checkCustomMetadataTypes(input, version.name); // a wrong JSON type in metadata is a decode error (400), as for built-ins
    const obj = clone(input);
    const { unknownFields } = prepareCustom(info, obj, version, { create: opts.create ?? false });
    if (opts.fieldValidation === 'Strict' && unknownFields.length) {
      throw badRequest(`strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    if (info.namespaced) obj.metadata.namespace = obj.metadata.namespace || 'default';
    else delete obj.metadata.namespace;
    this.writtenIn.set(obj, version);
    return obj;
  }

  /** The CRD version each prepared custom object was written in: its schema validates it. */
  private readonly writtenIn = new WeakMap<KubeObject, CustomVersion>();

  private validate(obj: KubeObject, old: KubeObject | undefined): void {
    const errs = validateObject(obj, old, this.kinds.get(obj.kind));
    const version = this.writtenIn.get(obj);
    if (version) errs.push(...validateCustom(version, obj, old));
    if (errs.length) throw invalid(obj.kind, obj.metadata.name ?? '', errs);
  }

  /** Fields the server owns are kept from the stored object on update. */
  private carryServerFields(obj: KubeObject, old: KubeObject): void {
    const m = obj.metadata;
    const o = old.metadata;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.generation = o.generation;
    m.deletionTimestamp = o.deletionTimestamp;
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    if (m.resourceVersion === undefined) m.resourceVersion = o.resourceVersion;
    for (const k of Object.keys(m) as (keyof typeof m)[]) if (m[k] === undefined) delete m[k];
  }

  private requireNamespace(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? 'default';
    const nsObj = this.store.get('Namespace', '', ns);
    if (!nsObj) {
      if (SYSTEM_NAMESPACES.includes(ns)) return; // created by the engine on start; tolerated before
      throw notFoundNamespace(ns);
    }
    if (nsObj.metadata.deletionTimestamp) {
      throw new StatusError(
        403,
        'Forbidden',
        `${qualifiedResource(this.infoOf(obj.kind))} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name: obj.metadata.name, kind: this.infoOf(obj.kind).plural },
      );
    }
  }

  private generateName(obj: KubeObject): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    for (;;) {
      let s = '';
      for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
      const name = `${obj.metadata.generateName}${s}`;
      if (!this.store.get(obj.kind, obj.metadata.namespace ?? '', name)) return name;
    }
  }

  /** A served kind's facts; throws NotFound-style 404 for a kind nobody serves (a CRD deleted meanwhile). */
  infoOf(kind: string): KindInfo {
    const info = this.kinds.get(kind);
    if (!info) throw badRequest(`no kind "${kind}" is registered`);
    return info;
  }

  private scopeNs(kind: string, namespace: string): string {
    const info = this.kinds.get(kind);
    if (!info) return namespace;
    return info.namespaced ? namespace || 'default' : '';
  }

  /** Milliseconds since the epoch, from the injected clock. */
  nowMs(): number {
    return this.now();
  }
}

function notFoundNamespace(ns: string): StatusError {
  return notFound('Namespace', ns);
}

function defaultPropagation(kind: string): PropagationPolicy {
  // Kubernetes' REST default for these kinds is background deletion.
  void kind;
  return 'Background';
}

function withStorageVersionStored(crd: KubeObject): void {
  const versions = (crd.spec as { versions?: { name?: unknown; storage?: unknown }[] } | undefined)?.versions;
  const storage = Array.isArray(versions) ? versions.find((v) => v && v.storage === true)?.name : undefined;
  if (typeof storage !== 'string') return;
  const status = (crd.status ?? {}) as { storedVersions?: unknown };
  const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
  if (!stored.includes(storage)) crd.status = { ...status, storedVersions: [...stored, storage] };
}

function isTerminalPod(pod: KubeObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function stripVolatile(o: KubeObject): KubeObject {
  const c = clone(o);
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  delete c.metadata.generation;
  return c;
}

export { LAST_APPLIED };

/** Builds a controller owner reference to `owner`. */
export function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}
