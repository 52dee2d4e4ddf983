/**
 * A small promise layer over IndexedDB: open a database (with an upgrade step), turn requests into
 * promises, and wait for a transaction to commit.
 *
 * Only IndexedDB requests may be awaited inside a transaction (it commits as soon as no request is
 * pending after a task), so callers do their slow work (parsing, hashing) before opening one.
 * The factory is a parameter: `indexedDB` in browsers, fake-indexeddb's in Node tests.
 */

/** The request's result, or its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when the transaction commits; rejects when it aborts or fails. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Opens (creating or upgrading) a database; `upgrade` runs inside the version-change transaction. */
export function openDatabase(factory: IDBFactory, name: string, version: number, upgrade: (db: IDBDatabase, oldVersion: number) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, version);
    req.onupgradeneeded = (e) => upgrade(req.result, e.oldVersion);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`could not open the ${name} database`));
    req.onblocked = () => reject(new Error(`the ${name} database is open in another tab with an older version; close it and reload`));
  });
}

/**
 * Runs `body` in one transaction over `stores` and resolves with its result once the transaction has
 * committed (so a failure anywhere in `body` aborts every write it made).
 */
export async function inTransaction<T>(db: IDBDatabase, stores: readonly string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => Promise<T>): Promise<T> {
  const tx = db.transaction([...stores], mode);
  const done = committed(tx);
  let result: T;
  try {
    result = await body(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    await done.catch(() => undefined);
    throw e;
  }
  await done;
  return result;
}
