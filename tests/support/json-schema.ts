/**
 * Checks a value against a schema of the served /openapi.json with Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1); the document's components go along so "#/components/schemas/X" resolves. Strict: a keyword Ajv
 * does not know fails. Returns "path: message" problems, empty when valid.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

export function validate(doc: { components: { schemas: Record<string, object> } }, schema: object, value: unknown): string[] {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addKeyword('components');
  const check = ajv.compile({ ...schema, components: doc.components });
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '$'}: ${e.message}`);
}
