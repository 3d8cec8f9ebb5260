import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './private-postgres.js';

/*
 * Redis servers of a test's own, on free loopback ports in temp directories: a primary, a replica and three
 * Sentinels (the Redis package's own binary with --sentinel), or a three-master Redis Cluster made with
 * `redis-cli --cluster create`. Never the shared Redis on 6379.
 *
 * None outlives the run: the test destroys them in afterAll; this process kills whatever is left when it
 * exits; and a watchdog shell beside each server kills it within a second of this process dying without
 * running its exit handlers (SIGKILL, a Jest worker torn down).
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface RedisServer {
  port: number;
  /** The redis-server process's pid (what a SIGKILL of "the primary" kills). */
  pid: number;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** `n` distinct free loopback ports (asked one after the other, so two asks never get the same one). */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

async function waitFor<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${String(last)}`);
    await sleep(50);
  }
}

/** One question to one server, on a connection of its own that gives up at once when nothing answers. */
export async function ask(port: number, password: string | undefined, ...command: [string, ...(string | number)[]]): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000,
    ...(password ? { password } : {}),
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call(...command);
  } finally {
    client.disconnect();
  }
}

async function startServer(port: number, args: string[], password: string | undefined): Promise<RedisServer> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    live.delete(child);
    resolve();
  }));
  const pid = child.pid!;
  // The watchdog: gone as soon as the server is, or kills it once this process has gone.
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null`], {
    stdio: 'ignore', detached: true,
  }).unref();
  let early = false;
  void exited.then(() => { early = true; });
  await waitFor(`redis-server on ${port}`, async () => {
    if (early) throw new Error(`redis-server on ${port} exited at start (args: ${args.join(' ')})`);
    return ask(port, password, 'PING');
  }, (pong) => pong === 'PONG');
  return { port, pid, exited, kill: (signal = 'SIGKILL') => { child.kill(signal); } };
}

const dataArgs = (port: number, dir: string, password: string | undefined) => [
  '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
  // A replica's first sync starts at once (the default waits 5 s for more replicas to share one transfer).
  '--repl-diskless-sync-delay', '0',
  ...(password ? ['--requirepass', password, '--masterauth', password] : []),
];

/** `SENTINEL MASTER <name>` as a record (the reply is a flat list of field, value). */
async function sentinelView(port: number, password: string, masterName: string): Promise<Record<string, string>> {
  const flat = (await ask(port, password, 'SENTINEL', 'MASTER', masterName)) as string[];
  const view: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) view[flat[i]!] = flat[i + 1]!;
  return view;
}

export interface SentinelSet {
  masterName: string;
  /** The data nodes' requirepass (REDIS_PASSWORD). */
  password: string;
  /** The Sentinels' own requirepass (REDIS_SENTINEL_PASSWORD). */
  sentinelPassword: string;
  primary: RedisServer;
  replica: RedisServer;
  sentinels: RedisServer[];
  /** The worker's configuration for this set. */
  env: Record<string, string>;
  /** The port the Sentinels name as the primary now (asked of the first one still answering). */
  currentPrimaryPort(): Promise<number>;
  destroy(): Promise<void>;
}

/**
 * A primary, its replica and three Sentinels (quorum 2) that call the primary down after 1 s without an
 * answer, every one with a password. Resolves once the replica is in sync and every Sentinel knows the
 * replica and the two other Sentinels, so a failover can start the moment the primary goes.
 */
export async function startSentinelSet(options: { masterName?: string; downAfterMs?: number } = {}): Promise<SentinelSet> {
  const masterName = options.masterName ?? 'pics-primary';
  const downAfterMs = options.downAfterMs ?? 1_000;
  const password = `data-${Math.random().toString(36).slice(2)}`;
  const sentinelPassword = `sentinel-${Math.random().toString(36).slice(2)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-sentinel-'));
  const servers: RedisServer[] = [];
  const destroy = async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [primaryPort, replicaPort, ...sentinelPorts] = await freePorts(5);
    const primary = await startServer(primaryPort!, dataArgs(primaryPort!, dir, password).concat('--dbfilename', 'primary.rdb'), password);
    servers.push(primary);
    const replica = await startServer(replicaPort!,
      dataArgs(replicaPort!, dir, password).concat('--dbfilename', 'replica.rdb', '--replicaof', '127.0.0.1', String(primaryPort)), password);
    servers.push(replica);
    await waitFor('replica in sync', () => ask(replicaPort!, password, 'INFO', 'replication'), (info) => /master_link_status:up/.test(String(info)));
    const sentinels: RedisServer[] = [];
    for (const port of sentinelPorts) {
      const file = path.join(dir, `sentinel-${port}.conf`);
      const conf = [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 2`, `sentinel auth-pass ${masterName} ${password}`,
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`, `sentinel failover-timeout ${masterName} 10000`,
        `sentinel parallel-syncs ${masterName} 1`,
      ].join('\n');
      writeFileSync(file, `${conf}\n`);
      const sentinel = await startServer(port, [file, '--sentinel'], sentinelPassword);
      servers.push(sentinel);
      sentinels.push(sentinel);
    }
    for (const s of sentinels) {
      await waitFor(`sentinel ${s.port} knows the replica and the other sentinels`, () => sentinelView(s.port, sentinelPassword, masterName),
        (v) => v['num-slaves'] === '1' && v['num-other-sentinels'] === '2' && v.flags === 'master');
    }
    return {
      masterName, password, sentinelPassword, primary, replica, sentinels,
      env: {
        REDIS_TOPOLOGY: 'sentinel', REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
        REDIS_SENTINEL_MASTER_NAME: masterName, REDIS_PASSWORD: password, REDIS_SENTINEL_PASSWORD: sentinelPassword,
      },
      async currentPrimaryPort() {
        for (const s of sentinels) {
          const answer = await ask(s.port, sentinelPassword, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).catch(() => null);
          if (Array.isArray(answer)) return Number(answer[1]);
        }
        throw new Error('no sentinel answers');
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

export interface RedisClusterServers {
  password: string;
  nodes: RedisServer[];
  /** REDIS_CLUSTER_NODES for the worker. */
  nodeList: string;
  env: Record<string, string>;
  destroy(): Promise<void>;
}

/** Three masters (no replicas) sharing the 16384 slots, with one password, made with `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RedisClusterServers> {
  const password = `cluster-${Math.random().toString(36).slice(2)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-cluster-'));
  const nodes: RedisServer[] = [];
  const destroy = async () => {
    for (const node of nodes) node.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(6);
    for (let i = 0; i < 3; i++) {
      const [port, busPort] = [ports[2 * i]!, ports[2 * i + 1]!];
      nodes.push(await startServer(port, dataArgs(port, dir, password).concat('--dbfilename', `node-${port}.rdb`, '--cluster-enabled', 'yes',
        '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-port', String(busPort), '--cluster-node-timeout', '5000'), password));
    }
    const nodeList = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['-a', password, '--no-auth-warning', '--cluster', 'create', ...nodeList, '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) {
      await waitFor(`cluster node ${node.port} ok`, () => ask(node.port, password, 'CLUSTER', 'INFO'),
        (info) => /cluster_state:ok/.test(String(info)) && /cluster_known_nodes:3/.test(String(info)) && /cluster_slots_ok:16384/.test(String(info)));
    }
    return {
      password, nodes, nodeList: nodeList.join(','),
      env: { REDIS_TOPOLOGY: 'cluster', REDIS_CLUSTER_NODES: nodeList.join(','), REDIS_PASSWORD: password },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/** The port of the cluster master that holds `key`'s slot (every key of one hash tag is there). */
export async function clusterOwnerOf(cluster: RedisClusterServers, key: string): Promise<number> {
  const first = cluster.nodes[0]!;
  const slot = Number(await ask(first.port, cluster.password, 'CLUSTER', 'KEYSLOT', key));
  const ranges = (await ask(first.port, cluster.password, 'CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  const range = ranges.find(([start, end]) => slot >= start && slot <= end);
  if (!range) throw new Error(`no master holds slot ${slot}`);
  return Number(range[2][1]);
}
