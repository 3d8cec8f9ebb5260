import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/*
 * The API's validator: TypeBox's compiled checks, bodies taken as they are (no coercion: "5740" is not a
 * number). Path and query values arrive as strings and are converted here, by hand, because TypeBox's
 * Value.Convert (what TypeBoxValidatorCompiler uses) truncates: "1.5" became the integer 1. Only an exact
 * form converts ("12", "true"); anything else stays a string and fails the check with the field named.
 */

const INTEGER = /^-?\d{1,15}$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function convertValue(schema: Record<string, unknown>, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (schema.type === 'integer' && INTEGER.test(value)) return Number(value);
  if (schema.type === 'number' && NUMBER.test(value)) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function convertStrings(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> }).properties;
  if (!properties || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, properties[key] ? convertValue(properties[key], v) : v]));
}

export const apiValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const converted = httpPart === 'body' ? value : convertStrings(schema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as unknown as Error };
  };
};
