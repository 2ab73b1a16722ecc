import "server-only";
import { availableParallelism } from "node:os";
import { seal, unseal } from "@/lib/crypto/seal";
import { db, type Tx } from "@/lib/db";
import { ConflictError } from "@/lib/errors";
import type { KeySpec } from "@/lib/pki/key-types";
import { type GeneratedKeyPair, generateKeyPair } from "@/lib/pki/keys";
import { getSettings } from "@/lib/settings";

/**
 * Pre-generated RSA leaf keys. An RSA keygen is the whole cost of an issuance and random (a
 * 3072-bit key takes 70 to 700 ms); an ECDSA key takes a tenth of a millisecond and is never
 * pooled. Keys are made one at a time while nothing else is generating, sealed like every key
 * (bound to their pool row), and each goes into exactly one certificate: the row is deleted in
 * the transaction that stores that certificate, so a crash before it leaves the key unused, and
 * one after it leaves no copy.
 */

export interface PooledKeyPair {
  /** The pool row to delete when the certificate is stored. */
  poolId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

// Keys this process picked and has not stored or given back: two requests here never pick the same one.
const reserved = new Set<string>();

const boundTo = (id: string) => `pooled-key:${id}`;

/** A pooled key of this type and size, reserved for this process; null when the pool has none. */
export async function takePooledKey(spec: KeySpec): Promise<PooledKeyPair | null> {
  if (spec.keyType !== "rsa") return null;
  const rows = await db.pooledKey.findMany({
    where: { keyType: spec.keyType, keySize: spec.keySize, id: { notIn: [...reserved] } },
    select: { id: true, publicKeyPem: true, keySealed: true },
    orderBy: { createdAt: "asc" },
    take: 1,
  });
  const row = rows[0];
  if (!row) return null;
  reserved.add(row.id);
  scheduleRefill();
  return { poolId: row.id, publicKeyPem: row.publicKeyPem, privateKeyPem: unseal(row.keySealed, boundTo(row.id)) };
}

/** Deletes the pooled key in the issuing transaction; another instance that took it first makes this throw. */
export async function claimPooledKey(tx: Tx, poolId: string): Promise<void> {
  const { count } = await tx.pooledKey.deleteMany({ where: { id: poolId } });
  if (count !== 1) throw new PooledKeyTaken();
}

/** The request is done with the key (stored, or failed): this process may forget it. */
export function releasePooledKey(poolId: string): void {
  reserved.delete(poolId);
}

/** Another dashboard instance used the same pooled key first: the issuance starts again with another key. */
export class PooledKeyTaken extends ConflictError {
  constructor() {
    super("The pooled key was used by another issuance; try again.");
  }
}

// ---- filling, and keys made on request

/** RSA keygens running for issuances in this process (each request's and its second one's, and a
 * bulk worker's key made ahead). */
let inFlightKeygens = 0;
/** Whether the fill's own keygen is running. */
let poolKeygen = false;
let filling: Promise<void> | null = null;
let refillTimer: NodeJS.Timeout | null = null;
/** Spare keys (second keys, keys made ahead and handed on) still being made, or stored into the pool. */
const spares = new Set<Promise<void>>();

/**
 * An RSA key made for a request that found no pooled one. How long a keygen takes is luck (the
 * search for two primes: an RSA-2048 key takes 70 to 450 ms), so on an otherwise idle dashboard two
 * keygens race on the thread pool and the first to finish answers. Measured for RSA-2048 on two
 * cores: p50 211 -> 151 ms, p90 419 -> 253 ms. The second key goes into the pool when the pool wants
 * one of its type and size, and is dropped otherwise, never stored. The race runs only while no
 * other keygen does in this process (another request's, or the pool's), no other issuance is under
 * way (a bulk job's next item would soon want the core), and on more than one core: under load
 * every core already works for a request, and a second keygen would slow the others. The pool's
 * fill waits while any of them runs.
 */
export async function generateRequestKey(
  spec: KeySpec,
  opts: { othersIssuing?: boolean; generate?: (spec: KeySpec) => Promise<GeneratedKeyPair> } = {},
): Promise<GeneratedKeyPair> {
  const generate = opts.generate ?? generateKeyPair;
  const race = !opts.othersIssuing && inFlightKeygens === 0 && !poolKeygen && availableParallelism() > 1;
  const counted = () => {
    inFlightKeygens++;
    return generate(spec).finally(() => {
      inFlightKeygens--;
    });
  };
  const runs = race ? [counted(), counted()] : [counted()];
  let winner: { pair: GeneratedKeyPair; index: number };
  try {
    winner = await Promise.any(runs.map((run, index) => run.then((pair) => ({ pair, index }))));
  } catch (err) {
    throw err instanceof AggregateError ? err.errors[0] : err;
  }
  const other = runs[1 - winner.index];
  if (race && other) keepSpare(spec, other, "a second RSA key");
  return winner.pair;
}

/** Where an issuance's RSA key comes from when the pool has none: see keysAhead. */
export interface KeySource {
  take(spec: KeySpec): Promise<GeneratedKeyPair>;
}

/**
 * RSA keys for a bulk job's worker, each next one made ahead. A worker alone alternates a keygen (on
 * the thread pool) with the rest of its item (building, signing, storing, claiming the next: about
 * a tenth of the time, on the event loop or in SQLite's write turn), so the core its keygen used
 * sits idle whenever both workers are past their keygens at once. Here the worker's next keygen
 * starts as soon as the key it takes is made: still one keygen per worker (two per job, as before,
 * so the thread pool keeps two of its four threads for logins, signatures and requests' own keys),
 * but the event loop's part of an item runs beside the next keygen instead of between two. One key
 * is made ahead, of the type and size just taken (the next item is almost always alike); a take of
 * another hands it on. `finish` hands on what is left. A key handed on goes into the pool when the
 * pool wants one like it and is dropped otherwise, never stored anywhere else.
 */
export function keysAhead(opts: { generate?: (spec: KeySpec) => Promise<GeneratedKeyPair> } = {}) {
  const generate = opts.generate ?? generateKeyPair;
  let ahead: { spec: KeySpec; pair: Promise<GeneratedKeyPair | null> } | null = null;
  let finished = false;
  const start = (spec: KeySpec) => {
    inFlightKeygens++;
    return generate(spec).finally(() => {
      inFlightKeygens--;
    });
  };
  const handOn = (made: { spec: KeySpec; pair: Promise<GeneratedKeyPair | null> }) =>
    keepSpare(
      made.spec,
      made.pair.catch(() => null),
      "a key made ahead",
    );
  return {
    async take(spec: KeySpec): Promise<GeneratedKeyPair> {
      if (finished) throw new Error("keysAhead: take after finish");
      const made = ahead && ahead.spec.keyType === spec.keyType && ahead.spec.keySize === spec.keySize ? ahead : null;
      if (ahead && !made) handOn(ahead);
      ahead = null;
      // a key made ahead that failed is made again, for this take
      const pair = made
        ? made.pair.then(
            (p) => p ?? start(spec),
            () => start(spec),
          )
        : start(spec);
      // the next one once this one is made (null: the worker finished meanwhile, nothing more is made)
      ahead = {
        spec,
        pair: pair.then(
          () => (finished ? null : start(spec)),
          () => null,
        ),
      };
      return pair;
    },
    /** The worker is done: nothing more is made, and the key made ahead is handed on. */
    finish(): void {
      finished = true;
      if (ahead) handOn(ahead);
      ahead = null;
    },
  } satisfies KeySource & { finish(): void };
}

/**
 * What failed, for the log: the error's kind and code, never its message. A failed keygen or write
 * of a pooled key can quote what it was given (Prisma's validation errors print the row, key included).
 */
function failureKind(err: unknown): string {
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  return [typeof name === "string" ? name : "Error", typeof code === "string" ? code : null].filter(Boolean).join(" ");
}

/**
 * A key made and not used (a request's second key, a bulk worker's key made ahead), once made: into
 * the pool when the pool is short of keys like it, dropped otherwise. One at a time (counted, then
 * stored), so two spares made at once never top the pool up past its size. Failures are logged by
 * their kind. settleKeyPool waits for it.
 */
function keepSpare(spec: KeySpec, made: Promise<GeneratedKeyPair | null>, what: string): void {
  const spare = made
    .then((pair) => {
      if (!pair) return;
      const store = sparesStored.then(async () => {
        const wanted = (await wantedSpecs()).find(
          (w) => w.spec.keyType === spec.keyType && w.spec.keySize === spec.keySize,
        );
        if (!wanted) return;
        const have = await db.pooledKey.count({ where: { keyType: spec.keyType, keySize: spec.keySize } });
        if (have < wanted.size) await storePooledKey(spec, pair);
      });
      sparesStored = store.catch(() => undefined);
      return store;
    })
    .catch((err) => console.error(`dockpki: ${what} was not kept (${failureKind(err)})`))
    .finally(() => spares.delete(spare));
  spares.add(spare);
}

/** Spares are stored one after the other (not through fillQueue: a fill waits for the spares). */
let sparesStored: Promise<void> = Promise.resolve();

/**
 * Settles the pool's background work (for tests): a scheduled refill is called off, and the fill
 * under way and every spare key handed on so far (a keysAhead's only once it is finished) are stored
 * or dropped.
 */
export async function settleKeyPool(): Promise<void> {
  if (refillTimer) clearTimeout(refillTimer);
  refillTimer = null;
  while (filling || spares.size > 0) await Promise.all([filling, fillQueue, ...spares]);
  await fillQueue;
}

async function storePooledKey(spec: KeySpec, pair: GeneratedKeyPair): Promise<void> {
  const id = crypto.randomUUID();
  await db.pooledKey.create({
    data: {
      id,
      keyType: spec.keyType,
      keySize: spec.keySize,
      publicKeyPem: pair.publicKeyPem,
      keySealed: seal(pair.privateKeyPem, boundTo(id)),
    },
  });
}

/** The (type, size) pairs to keep keys for: RSA at the settings' size, when RSA is in use at all. */
async function wantedSpecs(): Promise<{ spec: KeySpec; size: number }[]> {
  const settings = await getSettings();
  if (settings.keyPoolSize === 0) return [];
  const rsaInUse =
    settings.leafKeyType === "rsa" ||
    (await db.host.count({ where: { keyType: "rsa" } })) > 0 ||
    (await db.client.count({ where: { keyType: "rsa" } })) > 0;
  return rsaInUse ? [{ spec: { keyType: "rsa", keySize: settings.leafKeySize }, size: settings.keyPoolSize }] : [];
}

/**
 * Tops the pool up, one key at a time on libuv's thread pool, pausing while a request is
 * generating a key of its own (a request never waits behind the pool's keygen for long: one
 * thread of four is ever the pool's). Answers how many keys it made.
 */
export function fillKeyPool(opts: { idleWaitMs?: number } = {}): Promise<number> {
  // one fill at a time in this process (a scheduled refill and maintenance's would overfill)
  const run = fillQueue.then(() => fillOnce(opts));
  fillQueue = run.catch(() => undefined);
  return run;
}

let fillQueue: Promise<unknown> = Promise.resolve();

async function fillOnce(opts: { idleWaitMs?: number }): Promise<number> {
  let made = 0;
  for (const { spec, size } of await wantedSpecs()) {
    const pooled = () => db.pooledKey.count({ where: { keyType: spec.keyType, keySize: spec.keySize } });
    for (;;) {
      if ((await pooled()) >= size) break;
      // a request's keygen, or its second key on the way into the pool, goes first
      while (inFlightKeygens > 0 || spares.size > 0) await new Promise((r) => setTimeout(r, opts.idleWaitMs ?? 50));
      poolKeygen = true;
      let pair: GeneratedKeyPair;
      try {
        // counted again: a second key stored while this fill waited is never topped up past the size
        if ((await pooled()) >= size) break;
        pair = await generateKeyPair(spec);
      } finally {
        poolKeygen = false;
      }
      await storePooledKey(spec, pair);
      made++;
    }
  }
  return made;
}

/** Starts a fill unless one runs; errors are logged (the pool is an optimisation, issuance falls back). */
export function refillKeyPool(): Promise<void> {
  filling ??= fillKeyPool()
    .then(() => undefined)
    .catch((err) => console.error(`dockpki: the key pool could not be filled (${failureKind(err)})`))
    .finally(() => {
      filling = null;
    });
  return filling;
}

/** A refill shortly after a key was taken, so a burst of issuances takes several before the pool refills. */
function scheduleRefill(): void {
  if (refillTimer) return;
  refillTimer = setTimeout(() => {
    refillTimer = null;
    void refillKeyPool();
  }, 1000);
  refillTimer.unref();
}

/** Pooled keys by type and size, for the settings page and the metrics. */
export async function keyPoolCounts(client: Tx | typeof db = db) {
  const rows = await client.pooledKey.groupBy({ by: ["keyType", "keySize"], _count: true });
  return rows.map((r) => ({ keyType: r.keyType, keySize: r.keySize, count: r._count }));
}

/** Drops pooled keys no longer wanted (the size setting lowered, RSA out of use). */
export async function trimKeyPool(): Promise<number> {
  const wanted = await wantedSpecs();
  let removed = 0;
  const rows = await keyPoolCounts();
  for (const row of rows) {
    const keep = wanted.find((w) => w.spec.keyType === row.keyType && w.spec.keySize === row.keySize)?.size ?? 0;
    if (row.count <= keep) continue;
    const extra = await db.pooledKey.findMany({
      where: { keyType: row.keyType, keySize: row.keySize, id: { notIn: [...reserved] } },
      orderBy: { createdAt: "desc" },
      take: row.count - keep,
      select: { id: true },
    });
    removed += (await db.pooledKey.deleteMany({ where: { id: { in: extra.map((e) => e.id) } } })).count;
  }
  return removed;
}
