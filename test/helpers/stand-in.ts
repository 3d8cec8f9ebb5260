/**
 * An object that stands for one a hook creates later (beforeAll), forwarding every property and method to
 * it, so a test file declares `const sim = useSimulator()` and reads `sim.baseUrl` as if it had started one
 * itself. Used before the hook has run (while the tests are being declared), it says so.
 */
export function standIn<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      // Promise resolution asks for `then`: a stand-in is never a promise, started or not.
      if (key === 'then') return undefined;
      if (!target) throw new Error(`${what} is not started yet: use it in a test or a hook, not while the tests are being declared`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
