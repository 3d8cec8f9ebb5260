import Fastify from 'fastify';

/** The baseline: a bare fastify route on the same core, no auth, no database, a small JSON answer. */
const app = Fastify({ logger: false });
app.get('/bare', async () => ({ status: 'ok' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ msg: 'bare started', http: url })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
