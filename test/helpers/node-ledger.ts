/**
 * Counts the Elementary nodes a runtime processor received (CREATE_NODE instructions in the batches it
 * applied) minus those its gc freed, by wrapping `applyBatch` and `gc` with spies that pass everything
 * through. Works on an `ElementaryProcessor` and on the same object reached inside the plugin's bundle.
 */
type Batch = readonly (readonly unknown[])[];

interface NodeSink<B extends Batch> {
  applyBatch(batch: B): void;
  gc(): number[];
}

export function nodeLedger<B extends Batch>(...procs: NodeSink<B>[]): { alive: () => number; ledger: { created: number; freed: number } } {
  const ledger = { created: 0, freed: 0 };
  for (const proc of procs) {
    const apply = proc.applyBatch.bind(proc);
    const gc = proc.gc.bind(proc);
    proc.applyBatch = (batch: B) => {
      ledger.created += batch.filter((ins) => ins[0] === 0).length;
      apply(batch);
    };
    proc.gc = () => {
      const ids = gc();
      ledger.freed += ids.length;
      return ids;
    };
  }
  return { alive: () => ledger.created - ledger.freed, ledger };
}
