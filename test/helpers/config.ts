import { expect } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/load.js';

/** The configuration a test environment gives (NODE_ENV test, plus `env`). */
export const load = (env: Record<string, string>) => loadConfig({ env: { NODE_ENV: 'test', ...env } });

/** The problems a rejected configuration names; fails the test when the configuration is accepted. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}
