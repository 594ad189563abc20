// How Go prints spec.versions in "Invalid value:" messages: the internal
// []apiextensions.CustomResourceDefinitionVersion with %#v. Go prints pointer
// fields as raw addresses, which mean nothing to a user and would make
// messages differ run to run; we print `&T{…}` for a set pointer instead.
import { isObj } from '../validation/field.js';
import { goQuote } from '../validation/gofmt.js';

const ptr = (v: unknown, type: string): string => (v === undefined || v === null ? `(*${type})(nil)` : `&${type}{…}`);

function goVersion(v: unknown): string {
  const o = isObj(v) ? v : {};
  const name = typeof o.name === 'string' ? o.name : '';
  const warning = typeof o.deprecationWarning === 'string' ? `&${goQuote(o.deprecationWarning)}` : '(*string)(nil)';
  const cols = Array.isArray(o.additionalPrinterColumns) && o.additionalPrinterColumns.length > 0 ? '[]apiextensions.CustomResourceColumnDefinition{…}' : '[]apiextensions.CustomResourceColumnDefinition(nil)';
  const fields = Array.isArray(o.selectableFields) && o.selectableFields.length > 0 ? '[]apiextensions.SelectableField{…}' : '[]apiextensions.SelectableField(nil)';
  return (
    `apiextensions.CustomResourceDefinitionVersion{Name:${goQuote(name)}, Served:${o.served === true}, Storage:${o.storage === true}, ` +
    `Deprecated:${o.deprecated === true}, DeprecationWarning:${warning}, Schema:${ptr(o.schema, 'apiextensions.CustomResourceValidation')}, ` +
    `Subresources:${ptr(o.subresources, 'apiextensions.CustomResourceSubresources')}, AdditionalPrinterColumns:${cols}, SelectableFields:${fields}}`
  );
}

export function goVersions(versions: unknown): string {
  if (!Array.isArray(versions)) return '[]apiextensions.CustomResourceDefinitionVersion(nil)';
  return `[]apiextensions.CustomResourceDefinitionVersion{${versions.map(goVersion).join(', ')}}`;
}
