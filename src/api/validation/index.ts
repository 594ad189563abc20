// Validation for every served kind, with Kubernetes field paths and messages.
// validateObject runs on the defaulted object (as the API server validates
// after defaulting); on update `old` is the stored version and the kind's
// immutable-field rules apply too.
import { badRequest, type FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { kindInfo, type KindInfo } from '../kinds.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from '../names.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateSelectorImmutable,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './apps.js';
import { validateHPA } from './autoscaling.js';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.js';
import { validateNamespace, validateNode, validatePV, validatePVC, validatePVCUpdate, validateStorageClass, validateStorageClassUpdate } from './cluster.js';
import {
  validateConfigMap,
  validateEvent,
  validateImmutableData,
  validateLease,
  validateLimitRange,
  validatePriorityClass,
  validatePriorityClassUpdate,
  validateResourceQuota,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
} from './config.js';
import { validateObjectMeta } from './meta.js';
import { validateIngress, validateIngressClass, validateNetworkPolicy } from './networking.js';
import { validatePod, validatePodUpdate } from './podkind.js';
import { validatePodDisruptionBudget } from './policy.js';
import { nameIsPathSegment, validateBindingUpdate, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './rbac.js';
import { validateEndpointSlice, validateEndpoints, validateService, validateServiceUpdate } from './service.js';
import { findFieldTypeError, findMetadataTypeError, findUnknownFields } from '../schema/index.js';
import { validateCrd } from '../crd/validate-crd.js';
import { dedupeErrors } from './field.js';

type Validator = (obj: KubeObject) => FieldError[];
type UpdateValidator = (obj: KubeObject, old: KubeObject) => FieldError[];

interface KindRules {
  name: NameValidator;
  validate?: Validator;
  update?: UpdateValidator;
}

const RULES: Record<string, KindRules> = {
  Pod: { name: nameIsDNSSubdomain, validate: validatePod, update: validatePodUpdate },
  Deployment: { name: nameIsDNSSubdomain, validate: validateDeployment, update: validateSelectorImmutable },
  ReplicaSet: { name: nameIsDNSSubdomain, validate: validateReplicaSet, update: validateSelectorImmutable },
  DaemonSet: { name: nameIsDNSSubdomain, validate: validateDaemonSet, update: validateSelectorImmutable },
  StatefulSet: { name: nameIsDNSLabel, validate: validateStatefulSet, update: validateStatefulSetUpdate },
  ControllerRevision: { name: nameIsDNSSubdomain, validate: validateControllerRevision, update: validateControllerRevisionUpdate },
  Job: { name: nameIsDNSSubdomain, validate: validateJob, update: validateJobUpdate },
  CronJob: { name: nameIsDNSSubdomain, validate: validateCronJob },
  HorizontalPodAutoscaler: { name: nameIsDNSSubdomain, validate: validateHPA },
  Service: { name: nameIsDNS1035Label, validate: validateService, update: validateServiceUpdate },
  Endpoints: { name: nameIsDNSSubdomain, validate: validateEndpoints },
  EndpointSlice: { name: nameIsDNSSubdomain, validate: validateEndpointSlice },
  Ingress: { name: nameIsDNSSubdomain, validate: validateIngress },
  IngressClass: { name: nameIsDNSSubdomain, validate: validateIngressClass },
  NetworkPolicy: { name: nameIsDNSSubdomain, validate: validateNetworkPolicy },
  ConfigMap: { name: nameIsDNSSubdomain, validate: validateConfigMap, update: validateImmutableData },
  Secret: { name: nameIsDNSSubdomain, validate: validateSecret, update: validateSecretUpdate },
  Namespace: { name: nameIsDNSLabel, validate: validateNamespace },
  Node: { name: nameIsDNSSubdomain, validate: validateNode },
  Event: { name: nameIsDNSSubdomain, validate: validateEvent },
  PersistentVolume: { name: nameIsDNSSubdomain, validate: validatePV },
  PersistentVolumeClaim: { name: nameIsDNSSubdomain, validate: validatePVC, update: validatePVCUpdate },
  StorageClass: { name: nameIsDNSSubdomain, validate: validateStorageClass, update: validateStorageClassUpdate },
  ResourceQuota: { name: nameIsDNSSubdomain, validate: validateResourceQuota },
  LimitRange: { name: nameIsDNSSubdomain, validate: validateLimitRange },
  PriorityClass: { name: nameIsDNSSubdomain, validate: validatePriorityClass, update: validatePriorityClassUpdate },
  Lease: { name: nameIsDNSSubdomain, validate: validateLease },
  ServiceAccount: { name: nameIsDNSSubdomain, validate: validateServiceAccount },
  PodDisruptionBudget: { name: nameIsDNSSubdomain, validate: validatePodDisruptionBudget },
  Role: { name: nameIsPathSegment, validate: validateRole },
  ClusterRole: { name: nameIsPathSegment, validate: validateClusterRole },
  RoleBinding: { name: nameIsPathSegment, validate: validateRoleBinding, update: validateBindingUpdate },
  ClusterRoleBinding: { name: nameIsPathSegment, validate: validateClusterRoleBinding, update: validateBindingUpdate },
  // On update validateCrd repeats the create rules; dedupeErrors() below reports each message once.
  CustomResourceDefinition: { name: nameIsDNSSubdomain, validate: (o) => validateCrd(o), update: (o, old) => validateCrd(o, old) },
};

export const UNVALIDATABLE = 'object could not be validated';

/** Field errors for `obj`; `old` is the stored version on update (immutable-field checks). */
/** `served` is the kind as the calling Api's registry serves it (its scope decides metadata.namespace); default: by name. */
export function validateObject(obj: KubeObject, old?: KubeObject, served?: KindInfo): FieldError[] {
  const rules = RULES[obj.kind];
  const info = served ?? kindInfo(obj.kind);
  const errs: FieldError[] = [];
  // Names are checked on create only: a stored object keeps the name it was created with.
  if (!old) errs.push(...validateObjectMeta(obj, info?.namespaced ?? true, rules?.name ?? nameIsDNSSubdomain));
  else errs.push(...validateObjectMeta(obj, info?.namespaced ?? true, () => []));
  try {
    if (rules?.validate) errs.push(...rules.validate(obj));
    if (old && rules?.update) errs.push(...rules.update(obj, old));
  } catch (e) {
    // A malformed object must be refused with a message, never crash the API.
    errs.push({ type: 'Invalid', field: '', value: obj.kind, detail: `${UNVALIDATABLE}: ${(e as Error).message}` });
  }
  return dedupeErrors(errs);
}


/** Paths (e.g. `spec.replicaz`) of fields the kind's schema does not know, for fieldValidation=Strict. */
export function validateUnknownFields(obj: KubeObject): string[] {
  return findUnknownFields(obj);
}

/**
 * Refuses an object with a field of the wrong JSON type (`command: [true]`,
 * `labels: {a: 1}`, `image: 1.0`) as the API server does when decoding the
 * body: 400 BadRequest `Pod in version "v1" cannot be handled as a Pod: json:
 * cannot unmarshal bool into Go struct field Container.spec.containers.command
 * of type string`. Runs before defaulting, unknown-field and field validation.
 */
/** checkFieldTypes for a custom resource: only its metadata has Go types; its schema checks the rest. */
export function checkCustomMetadataTypes(obj: KubeObject, version: string): void {
  const err = findMetadataTypeError(obj);
  if (err !== undefined) throw badRequest(`${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: ${err}`);
}

export function checkFieldTypes(obj: KubeObject): void {
  const err = findFieldTypeError(obj);
  if (err === undefined) return;
  const version = kindInfo(obj.kind)?.version ?? '';
  throw badRequest(`${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: ${err}`);
}

export { selectorMatches } from './meta.js';
