// TEST-ONLY preload (`node --import` it before dist/src/main.js or dist/src/cli.js): makes two real got errors
// whose options carry the customer token and session headers (RAW_GOT_TOKEN, RAW_GOT_SESSION) — an HTTPError
// (a 500) and a RequestError (a refused connection) — and rejects a promise with each that nobody handles.
// It waits until the process has installed an unhandledRejection handler; one that never does (the old CLI)
// gets them after two seconds all the same, so Node's own report of them is what the test reads.
import { createServer } from 'node:http';
import { clearInterval, setInterval } from 'node:timers';
import got from 'got';

const headers = { 'X-CustomerToken': process.env.RAW_GOT_TOKEN ?? '', 'X-TokenID': process.env.RAW_GOT_SESSION ?? '' };

async function rawGotErrors() {
  const server = createServer((_request, response) => {
    response.statusCode = 500;
    response.end('boom');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const errors = [];
  for (const url of [`http://127.0.0.1:${server.address().port}/Customer`, 'http://127.0.0.1:1/Customer']) {
    try {
      await got.post(url, { headers, json: { settings: { customerToken: headers['X-CustomerToken'] } }, retry: { limit: 0 } });
    } catch (error) {
      errors.push(error);
    }
  }
  server.close();
  return errors;
}

let polls = 0;
const timer = setInterval(() => {
  polls += 1;
  if (process.listenerCount('unhandledRejection') === 0 && polls < 200) return;
  clearInterval(timer);
  void rawGotErrors().then((errors) => {
    for (const error of errors) void Promise.reject(error);
  });
}, 10);
