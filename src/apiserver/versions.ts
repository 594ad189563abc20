// The served version of a request at the HTTP edge. A request to an older
// served version (/apis/autoscaling/v1/...) sends and receives objects in that
// version: bodies go to the Api as they are (the Api door converts them to the
// stored version and names field errors in the client's version), and every
// object that goes back — get, list items, table rows, watch events, write
// results — is converted here. Requests in the stored version pass untouched.
import { badRequest } from '../api/errors.js';
import { toServedVersion } from '../api/convert/index.js';
import { apiVersionOf, kindInfo, servedVersions } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { Table } from './printers/index.js';
import type { ResourceRequest } from './request-info.js';

/** True when the request's version is not the one its kind is stored in. */
export function isConvertedVersion(rr: ResourceRequest): boolean {
  return kindInfo(rr.info.kind)?.version !== rr.info.version;
}

/** A stored object as the request's version. */
export function outbound<T extends KubeObject>(rr: ResourceRequest, obj: T): T {
  return isConvertedVersion(rr) ? toServedVersion(obj, apiVersionOf(rr.info)) : obj;
}

/** Table rows that carry whole objects carry them in the request's version (cells are printed from the stored one). */
export function tableOutbound(rr: ResourceRequest, table: Table): Table {
  if (!isConvertedVersion(rr)) return table;
  for (const row of table.rows) {
    const o = row.object as KubeObject | undefined;
    if (o && o.kind === rr.info.kind) row.object = outbound(rr, o);
  }
  return table;
}

/**
 * A request body for a kind served in several versions must be of the URL's
 * version, as the Kubernetes API server insists; one without apiVersion takes
 * the URL's. Kinds served in one version keep their old leniency.
 */
export function checkBodyVersion(rr: ResourceRequest, obj: Record<string, unknown>): void {
  const info = kindInfo(rr.info.kind);
  if (!info || servedVersions(info).length < 2) return;
  const want = apiVersionOf(rr.info);
  if (obj.apiVersion === undefined || obj.apiVersion === '') {
    obj.apiVersion = want;
    return;
  }
  if (obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
}
