// spec.conversion (validateCustomResourceConversion). Kubernetes accepts None
// and Webhook; kubeterm runs no conversion webhooks, so Webhook is refused up
// front with a message saying why, rather than accepting a CRD whose
// non-storage versions could never be read. Paths name the internal fields
// (webhookClientConfig, conversionReviewVersions), as Kubernetes prints them.
import type { FieldError } from '../errors.js';
import { forbidden, invalid, isObj, notSupported, required } from '../validation/field.js';

export const WEBHOOK_REFUSED = 'kubeterm runs no conversion webhooks; use strategy None';

export function validateConversion(conversion: unknown, preserveUnknownFields: boolean, path: string): FieldError[] {
  if (conversion === undefined || conversion === null) return [];
  if (!isObj(conversion)) return [invalid(path, conversion, 'must be an object')];
  const errs: FieldError[] = [];
  const strategyPath = `${path}.strategy`;
  const raw = conversion.strategy;
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return [invalid(strategyPath, raw, 'must be a string')];
  const strategy = typeof raw === 'string' ? raw : '';

  // Pruning is what makes conversion safe; without it only None is possible.
  if (strategy !== 'None' && preserveUnknownFields) errs.push(invalid(strategyPath, strategy, 'must be None if spec.preserveUnknownFields is true'));

  if (!strategy) errs.push(required(strategyPath));
  else if (strategy === 'Webhook') {
    const e = notSupported(strategyPath, strategy, ['None']);
    errs.push({ ...e, detail: `${e.detail} (${WEBHOOK_REFUSED})` });
    return errs;
  } else if (strategy !== 'None') errs.push(notSupported(strategyPath, strategy, ['None', 'Webhook']));

  const webhook = isObj(conversion.webhook) ? conversion.webhook : {};
  const notWebhook = 'should not be set when strategy is not set to Webhook';
  if (webhook.clientConfig !== undefined && webhook.clientConfig !== null) errs.push(forbidden(`${path}.webhookClientConfig`, notWebhook));
  if (Array.isArray(webhook.conversionReviewVersions) && webhook.conversionReviewVersions.length > 0) {
    errs.push(forbidden(`${path}.conversionReviewVersions`, notWebhook));
  }
  return errs;
}
