import { configSchema } from './schema.js';

interface Leaf {
  doc: string;
  default: unknown;
  env?: string;
  sensitive?: boolean;
  format: unknown;
}

function leaves(node: Record<string, unknown>, prefix = ''): [string, Leaf][] {
  return Object.entries(node).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const v = value as Record<string, unknown>;
    return 'doc' in v ? [[path, v as unknown as Leaf] as [string, Leaf]] : leaves(v, path);
  });
}

function formatOf(leaf: Leaf): string {
  if (Array.isArray(leaf.format)) return leaf.format.join(' \\| ');
  if (typeof leaf.format === 'string') return leaf.format;
  if (leaf.format === Boolean) return 'boolean';
  if (leaf.format === String) return 'string';
  return typeof leaf.default === 'number' ? 'number' : typeof leaf.default;
}

/** The configuration reference as a Markdown table, generated from the one convict schema. */
export function renderConfigReference(): string {
  const rows = leaves(configSchema as unknown as Record<string, unknown>).map(([path, leaf]) => {
    const fallback = `\`${JSON.stringify(leaf.default)}\``;
    return `| \`${path}\` | \`${leaf.env ?? ''}\` | ${formatOf(leaf)} | ${fallback} | ${leaf.doc.replace(/\|/g, '\\|')}${leaf.sensitive ? ' **Secret.**' : ''} |`;
  });
  return ['| key | env var | format | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
