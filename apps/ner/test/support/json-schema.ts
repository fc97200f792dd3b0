/**
 * Validates a value against a schema of an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12, OpenAPI 3.1's
 * dialect). The document's components travel with the schema so "#/components/schemas/X" references resolve.
 * Strict mode: a keyword Ajv does not know is an error, so the document cannot use one that is silently ignored.
 * Returns the problems as "path: message" strings (empty when the value is valid).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

type Schema = Record<string, unknown>;

export function validate(doc: { components: { schemas: Record<string, Schema> } }, schema: Schema, value: unknown): string[] {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addKeyword('components');
  const check = ajv.compile({ ...schema, components: doc.components });
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '$'}: ${e.message} ${JSON.stringify(e.params)}`);
}
