#!/usr/bin/env node
// The container's HEALTHCHECK: GET /healthz on this container's daemon, with Node itself (node:*-slim has no
// curl). Liveness only — a dependency outage shows on /readyz and must not get the container restarted.
// Reads HTTP_PORT as the daemon does (default 8080); exit 0 = healthy, 1 = not.

const port = Number(process.env.HTTP_PORT ?? 8080);
const url = `http://127.0.0.1:${Number.isInteger(port) && port > 0 ? port : 8080}/healthz`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exitCode = response.ok ? 0 : 1;
  if (!response.ok) process.stderr.write(`${url}: ${response.status} ${await response.text()}\n`);
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
