import { openStore } from '../apps/api/src/storage/open-node.ts';
const store = await openStore(`sqlite:/tmp/q-${process.argv[2]}.sqlite`);
for (let i = 0; i < 8; i++) { const t = performance.now(); await store.modelSummary('llama3.2'); console.log('model', (performance.now() - t).toFixed(1)); }
await store.close();
