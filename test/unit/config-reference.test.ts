import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { renderConfigReference } from '../../src/config/reference.js';

describe('configuration reference in the README', () => {
  it('is the one generated from the schema (run `npm run docs:config` after changing it)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme)?.[1];
    expect(section).toBe(renderConfigReference());
  });

  it('documents every secret as one', () => {
    expect(renderConfigReference()).toMatch(/`postgres\.url`.*\*\*Secret\.\*\*/);
    expect(renderConfigReference()).toMatch(/`dashboard\.password`.*\*\*Secret\.\*\*/);
  });
});
