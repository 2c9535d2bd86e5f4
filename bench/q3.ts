import { openStore } from '../apps/api/src/storage/open-node.ts';
const store = await openStore(`sqlite:/tmp/q-${process.argv[2]}.sqlite`);
const a: number[] = [], b: number[] = [];
for (let i = 0; i < 15; i++) {
  let t = performance.now(); await store.summary(); a.push(performance.now() - t);
  t = performance.now(); await store.modelSummary('llama3.2'); b.push(performance.now() - t);
}
const med = (x: number[]) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)]!.toFixed(1);
console.log('summary median', med(a), 'model median', med(b));
await store.close();
