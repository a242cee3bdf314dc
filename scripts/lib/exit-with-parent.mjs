// Preloaded (`node --import`) into every child of scripts/lib/app-processes.ts: when the parent goes away without
// stopping its children (killed with SIGKILL, crashed), the IPC channel closes and the child stops itself the way a
// SIGTERM would (graceful close), then exits at the latest 10 s later. The channel does not keep the child alive.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
