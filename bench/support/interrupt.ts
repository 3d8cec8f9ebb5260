/**
 * Ctrl-C during a benchmark: the first one makes the next checkInterrupted() throw, so the run unwinds through
 * its cleanup (workers stopped, database dropped, Redis keys deleted); a second one exits at once (the
 * workers then stop themselves when their IPC channel closes).
 */
const controller = new AbortController();

export function onInterrupt(): void {
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\ninterrupted: cleaning up (Ctrl-C again to exit at once)');
    controller.abort();
  });
}

export function checkInterrupted(): void {
  if (controller.signal.aborted) throw new Error('interrupted');
}
