import { existsSync } from 'node:fs';
import { buildRollups, fillSqlite } from './src/fill.ts';
import { openStore } from '../apps/api/src/storage/open-node.ts';
const n = Number(process.argv[2] ?? 1_000_000);
const path = `/tmp/q-${n}.sqlite`;
if (!existsSync(path)) { await fillSqlite(path, { total: n }); console.log('build rate', await buildRollups(`sqlite:${path}`, n)); }
const store = await openStore(`sqlite:${path}`);
for (let i = 0; i < 4; i++) {
  let t = performance.now(); await store.summary(); const a = performance.now() - t;
  t = performance.now(); await store.modelSummary('llama3.2'); const b = performance.now() - t;
  console.log('summary', a.toFixed(1), 'model', b.toFixed(1));
}
await store.close();
