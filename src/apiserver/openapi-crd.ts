// OpenAPI component schemas for the kinds CustomResourceDefinitions define, as
// apiextensions-apiserver's CRD OpenAPI builder publishes them: each served
// version's openAPIV3Schema becomes the component `com.example.stable.v1.CronTab`
// (the group reversed, REST-friendly), with apiVersion and kind set to the
// type-meta strings, metadata replaced by a reference to ObjectMeta, and the
// x-kubernetes-group-version-kind extension; beside it the list kind
// (`CronTabList`, items referencing the kind). A version without a schema is
// an object that keeps unknown fields.
import type { KindInfo } from '../api/kinds.js';
import { DESCRIPTIONS, OBJECT_META, gvkExtension, listSchema, metaSchemas, refField, type Schema } from './openapi-builtin.js';

/** `stable.example.com`, `v1`, `CronTab` → `com.example.stable.v1.CronTab` (util.ToRESTFriendlyName). */
export function crdComponentName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].filter(Boolean).join('.');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * Adds the component schemas of custom kind `info` seen at `info.version`
 * (the registry's forGroupVersion view) to `into`. Returns the kind's
 * component name, or undefined when the CRD does not serve that version.
 */
export function customSchemas(info: KindInfo, into: Map<string, Schema>): string | undefined {
  const version = info.custom?.versions.find((v) => v.name === info.version);
  if (!version?.served) return undefined;
  const k = { group: info.group, version: info.version, kind: info.kind };
  const name = crdComponentName(info.group, info.version, info.kind);
  const schema: Schema = version.schema ? clone(version.schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  schema.type ??= 'object';
  const props = { ...((schema.properties as Record<string, Schema> | undefined) ?? {}) };
  props.apiVersion = { type: 'string', description: DESCRIPTIONS.apiVersion };
  props.kind = { type: 'string', description: DESCRIPTIONS.kind };
  props.metadata = refField(OBJECT_META, DESCRIPTIONS.metadata);
  schema.properties = props;
  Object.assign(schema, gvkExtension(k));
  into.set(name, schema);
  const listKind = info.listKind ?? `${info.kind}List`;
  const list = listSchema(k, name);
  list['x-kubernetes-group-version-kind'] = [{ group: k.group, kind: listKind, version: k.version }];
  list.description = `${listKind} is a list of ${info.kind}`;
  into.set(crdComponentName(info.group, info.version, listKind), list);
  metaSchemas(into);
  return name;
}
