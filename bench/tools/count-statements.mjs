/**
 * Preload for the server of a benchmark: every 2 s, appends to /tmp/cpt-statements-<pid>.log the server's accepted
 * connections and statements sent to PostgreSQL in those 2 s, by statement text, and the event-loop lag. It changes
 * nothing in the server beyond counting. Used for the start-storm analysis in docs/performance.md ("What limits it
 * now"); the server inherits NODE_OPTIONS from the bench:
 *   NODE_OPTIONS="--import ./bench/tools/count-statements.mjs" node --import tsx bench/sessions/run.ts --sessions 5000 ...
 * Only the process whose arguments include server/src/main.ts counts; the bench's own processes are left alone.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

if (process.argv.some((a) => a.endsWith(path.join('server', 'src', 'main.ts')))) {
  const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
  const counts = new Map();
  let connections = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? '?');
    const key = String(text).replace(/\s+/g, ' ').slice(0, 70);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return query.call(this, config, ...rest);
  };
  const emit = net.Server.prototype.emit;
  net.Server.prototype.emit = function (event, ...args) {
    if (event === 'connection') connections++;
    return emit.call(this, event, ...args);
  };
  const out = `/tmp/cpt-statements-${process.pid}.log`;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const lag = now - last - 2000;
    last = now;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total || connections) {
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `\n   ${v} ${k}`).join('');
      appendFileSync(out, `${new Date().toISOString()} lag=${lag.toFixed(0)}ms connections=${connections} statements=${total}${top}\n`);
    }
    counts.clear();
    connections = 0;
  }, 2000).unref();
}
