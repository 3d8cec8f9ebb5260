import type { Queue } from 'bullmq';
import { loadConfig } from './config/load.js';
import { startDaemon } from './daemon.js';
import { createDb } from './db/connect.js';
import { createLogger } from './logging/logger.js';
import { enqueueDirectoryRefresh, linkOfficerToDirectoryEntry, readDirectory } from './producer/directory.js';
import { createProducer } from './producer/index.js';
import { QUEUE } from './queues/names.js';
import { startSimulator } from './simulator/index.js';
import { seedDemoPics } from './demo/seed-pics.js';
import { DEMO_SA_ASSESSORS, useSmartAssessorInDemo } from './demo/smartassessor.js';

/*
 * The Smart Assessor flow on the demo data, for scripts/smartassessor-demo.sh: the demo provider switched to
 * Smart Assessor (the simulator's SOAP endpoint), the Look Up Smart Assessor ID list, an enrol whose main
 * officer is not linked (no officer data sent), the link saved, an enrol whose main officer is linked, and
 * what Smart Assessor received each time. Development only: it resets the pics.* demo data first.
 */

const out = (text = '') => process.stdout.write(`${text}\n`);
const heading = (text: string) => out(`\n\x1b[1m== ${text}\x1b[0m`);

async function settled(queue: Queue, jobId: string): Promise<{ state: string; result: unknown; reason: string }> {
  for (let i = 0; i < 600; i++) {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (job && (state === 'completed' || state === 'failed')) {
      const done = (await queue.getJob(jobId))!;
      return { state, result: done.returnvalue, reason: done.failedReason };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function main(): Promise<void> {
  const env = { ...process.env, HTTP_PORT: process.env.HTTP_PORT ?? '0', REDIS_PREFIX: process.env.REDIS_PREFIX ?? 'pics-sa-demo', NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const sim = await startSimulator({ seed: 'demo', port: Number(process.env.SIM_PORT ?? 0) });
  const config = loadConfig({ env: { ...env, ONEFILE_BASE_URL: sim.baseUrl } });
  const db = createDb({ url: config.postgres.url, poolSize: 4 });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: false });
  let stop = async () => {};
  try {
    await seedDemoPics(db);
    await useSmartAssessorInDemo(db, sim.smartAssessor.url);
    heading('PICS demo data on Smart Assessor');
    out(`pics.onefile_settings.integration_enabled = false; pics.smartassessor_settings: enabled, base_url ${sim.smartAssessor.url} (WSDL at ?wsdl), client key set (the AuthHeader ApiKey; never printed or logged)`);

    const daemon = await startDaemon(config, logger, { startupTasks: false });
    const producer = createProducer({ redis: config.redis, db });
    stop = async () => {
      await producer.close();
      await daemon.stop('demo over');
    };

    heading('1. Look Up Smart Assessor ID: the refresh-directory job reads every assessor and employer');
    const refresh = await enqueueDirectoryRefresh(producer.queues, 'cli');
    out(`job ${refresh.jobId}: ${JSON.stringify(await settled(producer.queues[QUEUE.refreshLinks], refresh.jobId))}`);
    for (const e of (await readDirectory(db, 'assessor')).entries) {
      out(`  assessor ${e.externalId}  ${e.name.padEnd(16)} ${e.email ?? ''}${e.linkedTo.length ? `  (linked to ${e.linkedTo.map((o) => o.ident).join(', ')})` : ''}`);
    }
    for (const e of (await readDirectory(db, 'employer')).entries) {
      out(`  employer ${e.externalId}  ${e.name}${e.linkedTo.length ? `  (linked to ${e.linkedTo.map((o) => o.ident).join(', ')})` : ''}`);
    }

    const enrol = async (ident: string) => {
      const learnerId = await producer.resolveLearnerIdent(ident);
      sim.smartAssessor.clearRequests();
      const { jobId } = await producer.enqueueEnrol(learnerId);
      const outcome = await settled(producer.queues[QUEUE.enrol], jobId);
      out(`job ${jobId}: ${outcome.state} ${JSON.stringify(outcome.result ?? outcome.reason)}`);
      out(`calls received by Smart Assessor: ${sim.smartAssessor.requests().map((r) => `${r.operation} (${r.outcome})`).join(', ')}`);
      const insert = sim.smartAssessor.requests().find((r) => r.operation === 'inserLearnerDetail');
      out(`inserLearnerDetail sent: ${JSON.stringify((insert?.args as { learner?: unknown } | undefined)?.learner ?? null, null, 2)}`);
      const row = await db.selectFrom('pics.learner').select('smartassessor_id').where('id', '=', learnerId).executeTakeFirstOrThrow();
      out(`pics.learner ${ident}.smartassessor_id = ${row.smartassessor_id}`);
    };

    heading('2. Enrol L0003, whose main officer O0004 has no Smart Assessor ID (A2: no officer information is sent)');
    await enrol('L0003');

    heading('3. Link officer O0003 (Grace Okafor) to her Smart Assessor record with the look-up');
    const grace = DEMO_SA_ASSESSORS.find((a) => a.sameAsOfficerIdent === 'O0003')!;
    const officer = await db.selectFrom('pics.officer').select('id').where('ident', '=', 'O0003').executeTakeFirstOrThrow();
    out(JSON.stringify(await linkOfficerToDirectoryEntry(db, officer.id, grace.id)));
    out(`pics.officer O0003.other_system_id = ${(await db.selectFrom('pics.officer').select('other_system_id').where('id', '=', officer.id).executeTakeFirstOrThrow()).other_system_id}`);

    heading('4. Enrol L0002, whose main officer is O0003, now linked (A2: sent as AssessorSmartAssessorId)');
    await enrol('L0002');

    heading('5. Afterwards');
    const orgs = await db.selectFrom('pics.organisation').select(['ident', 'name', 'additional_id']).where('additional_id', 'is not', null).orderBy('ident').execute();
    for (const o of orgs) out(`  organisation ${o.ident} ${o.name}: Additional ID ${o.additional_id}`);
    out(`Smart Assessor duplicate check: ${JSON.stringify(sim.smartAssessor.duplicates())}`);
  } finally {
    await stop();
    await sim.close();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`smartassessor demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
