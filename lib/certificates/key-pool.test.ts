import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { issuanceSlots } = await import("@/lib/certificates/issue-slots");
const { createReissueJob, runJobInBackground } = await import("@/lib/certificates/jobs");
const {
  claimPooledKey,
  fillKeyPool,
  generateRequestKey,
  keyPoolCounts,
  keysAhead,
  PooledKeyTaken,
  releasePooledKey,
  settleKeyPool,
  takePooledKey,
  trimKeyPool,
} = await import("@/lib/certificates/key-pool");
const { generateKeyPair } = await import("@/lib/pki/keys");
const { getSettings, saveSettings } = await import("@/lib/settings");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const spki = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" }).toString("hex");
const pooledPublicKeys = async () =>
  (await db.pooledKey.findMany({ select: { publicKeyPem: true } })).map((k) => spki(k.publicKeyPem));

test("the key pool: filled sealed, each key into one certificate, claimed in the issuing transaction", async () => {
  await createCertificateAuthority(actor, {
    commonName: "Pool CA",
    organization: undefined,
    organizationalUnit: undefined,
    days: 365,
  });
  const host = await createHost(actor, hostCreateSchema.parse({ name: "pooled", dnsNames: ["pooled.example.com"] }));

  // ECDSA leaves (the default) want no pool
  assert.equal(await fillKeyPool(), 0);
  await saveSettings(actor, { ...(await getSettings()), leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: 3 });
  await fillKeyPool(); // saving the settings started a fill; this one waits for it
  assert.deepEqual(await keyPoolCounts(), [{ keyType: "rsa", keySize: 2048, count: 3 }]);
  assert.equal(await fillKeyPool(), 0, "a full pool makes nothing");
  for (const row of await db.pooledKey.findMany()) {
    assert.ok(!Buffer.from(row.keySealed).toString("latin1").includes("PRIVATE KEY"), "sealed at rest");
  }

  const before = await pooledPublicKeys();
  const cert = await issueHostCertificate(actor, host.id, {});
  assert.equal(cert.keyType, "rsa");
  assert.equal(cert.keySize, 2048);
  const used = spki(cert.certPem);
  assert.ok(before.includes(used), "the certificate's key came from the pool");
  assert.ok(!(await pooledPublicKeys()).includes(used), "and left it with the certificate");
  assert.equal((await keyPoolCounts())[0].count, 2);

  // a failed issuance (its transaction rolls back) uses no key up
  await assert.rejects(
    issueHostCertificate(
      actor,
      host.id,
      {},
      {
        afterStore: async () => {
          throw new Error("crash before commit");
        },
      },
    ),
    /crash before commit/,
  );
  assert.equal((await keyPoolCounts())[0].count, 2);

  // two issuances at once in this process take two different keys
  const picked = await pooledPublicKeys();
  const certs = await Promise.all([issueHostCertificate(actor, host.id, {}), issueHostCertificate(actor, host.id, {})]);
  assert.notEqual(spki(certs[0].certPem), spki(certs[1].certPem), "two concurrent issuances, two keys");
  for (const c of certs) assert.ok(picked.includes(spki(c.certPem)));
  assert.equal((await keyPoolCounts()).length, 0, "the pool is empty now");

  // with the pool empty, issuance generates on the request
  const fresh = await issueHostCertificate(actor, host.id, {});
  assert.ok(!picked.includes(spki(fresh.certPem)));
  await settleKeyPool();

  // 0 turns the pool off and drops what it held
  await fillKeyPool();
  assert.equal((await keyPoolCounts())[0].count, 3);
  await saveSettings(actor, { ...(await getSettings()), keyPoolSize: 0 });
  assert.equal(await db.pooledKey.count(), 0, "saving 0 emptied the pool");
  assert.equal(await trimKeyPool(), 0);
  assert.equal(await fillKeyPool(), 0);
  assert.equal(await db.pooledKey.count(), 0);
});

test("a pooled key another instance claimed first cannot be claimed again", async () => {
  await saveSettings(actor, { ...(await getSettings()), leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: 2 });
  await fillKeyPool();
  const mine = await takePooledKey({ keyType: "rsa", keySize: 2048 });
  assert.ok(mine);
  const other = await takePooledKey({ keyType: "rsa", keySize: 2048 });
  assert.notEqual(other?.poolId, mine.poolId, "this process never hands one key out twice");
  // the other instance's transaction deletes it first
  await db.$transaction((tx) => claimPooledKey(tx, mine.poolId));
  await assert.rejects(
    db.$transaction((tx) => claimPooledKey(tx, mine.poolId)),
    (err) => err instanceof PooledKeyTaken,
  );
  releasePooledKey(mine.poolId);
  if (other) releasePooledKey(other.poolId);
});

test("a key made on request: two keygens race on an idle dashboard, the second key fills the pool or is dropped", async (t) => {
  const spec = { keyType: "rsa", keySize: 2048 } as const;
  const [slow, fast] = [await generateKeyPair(spec), await generateKeyPair(spec)];
  /** Keygens that finish in the given order: the first call's after `delays[0]` ms, and so on. */
  const scripted = (delays: number[]) => {
    const pairs = [slow, fast];
    let call = 0;
    const generator = async () => {
      const i = call++;
      await new Promise((r) => setTimeout(r, delays[i]));
      return pairs[i];
    };
    return { generator, calls: () => call };
  };

  // the pool wants keys of this size and holds none; no fill runs (a refill the last test's takes
  // scheduled would otherwise start in the middle of this one, and its keygen stops the race)
  await saveSettings(actor, { ...(await getSettings()), leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: 1 });
  await settleKeyPool();
  await db.pooledKey.deleteMany();
  const race = scripted([60, 5]);
  const won = await generateRequestKey(spec, { generate: race.generator });
  assert.equal(race.calls(), 2, "two keygens on an idle dashboard");
  assert.equal(won.publicKeyPem, fast.publicKeyPem, "the first to finish answers");
  await settleKeyPool();
  assert.deepEqual(await pooledPublicKeys(), [spki(slow.publicKeyPem)], "the other one went into the pool");
  const row = await db.pooledKey.findFirstOrThrow();
  assert.ok(!Buffer.from(row.keySealed).toString("latin1").includes("PRIVATE KEY"), "sealed at rest");

  // a full pool, or a pool turned off, drops the second key
  for (const keyPoolSize of [1, 0]) {
    await saveSettings(actor, { ...(await getSettings()), keyPoolSize });
    await settleKeyPool();
    const before = await pooledPublicKeys();
    await generateRequestKey(spec, { generate: scripted([5, 30]).generator });
    await settleKeyPool();
    assert.deepEqual(await pooledPublicKeys(), before, `keyPoolSize ${keyPoolSize}: the second key was dropped`);
  }

  // while another keygen runs, a request makes one key only: the cores are busy already
  const first = scripted([80, 80]);
  const second = scripted([5, 5]);
  const running = generateRequestKey(spec, { generate: first.generator });
  await generateRequestKey(spec, { generate: second.generator });
  assert.equal(second.calls(), 1, "no race beside another keygen");
  await running;
  await settleKeyPool();
  assert.equal(first.calls(), 2);

  // a fill started while a second key is on its way waits for it, and does not top the pool up past its size
  await saveSettings(actor, { ...(await getSettings()), keyPoolSize: 1 });
  await settleKeyPool();
  await db.pooledKey.deleteMany();
  const spareOnItsWay = scripted([5, 100]);
  await generateRequestKey(spec, { generate: spareOnItsWay.generator });
  assert.equal(spareOnItsWay.calls(), 2);
  assert.equal(await fillKeyPool({ idleWaitMs: 5 }), 0, "the second key filled the pool; the fill made none");
  assert.deepEqual(await pooledPublicKeys(), [spki(fast.publicKeyPem)]);

  // nor while other issuances hold their turns (a bulk job's other worker, between its keygens)
  const busy = scripted([5, 5]);
  await generateRequestKey(spec, { othersIssuing: true, generate: busy.generator });
  assert.equal(busy.calls(), 1, "no race beside other issuances");

  // an issuance on an idle dashboard races (its second key fills the empty pool), while a bulk job works it
  // does not: the job's worker, between its items, holds no turn but wants its core back at once
  const host = await db.host.findFirstOrThrow({ select: { id: true } });
  const secondKeys = async (issue: () => Promise<unknown>) => {
    await settleKeyPool();
    await db.pooledKey.deleteMany();
    await issue();
    await settleKeyPool();
    return db.pooledKey.count();
  };
  assert.equal(await secondKeys(() => issueHostCertificate(actor, host.id, {})), 1, "an idle issuance races");
  assert.equal(
    await secondKeys(() => issuanceSlots.asBulkWorker(() => issueHostCertificate(actor, host.id, {}))),
    0,
    "no race while a bulk job works",
  );

  // one keygen failing is no failure while the other succeeds; both failing is. What failed is logged
  // by its kind, never its message, which may quote a key.
  let failures = 0;
  const failingOnce = async () => {
    if (failures++ === 0) throw Object.assign(new Error(`cannot use ${slow.privateKeyPem}`), { code: "ERR_TEST" });
    return fast;
  };
  const logged = t.mock.method(console, "error", () => {});
  assert.equal((await generateRequestKey(spec, { generate: failingOnce })).publicKeyPem, fast.publicKeyPem);
  await settleKeyPool();
  const lines = logged.mock.calls.map((c) => String(c.arguments[0]));
  logged.mock.restore();
  assert.deepEqual(lines, ["dockpki: a second RSA key was not kept (Error ERR_TEST)"]);
  await assert.rejects(
    generateRequestKey(spec, {
      generate: async () => {
        throw new Error("no entropy");
      },
    }),
    /no entropy/,
  );
  await settleKeyPool();
});

test("a bulk job's worker makes each RSA key ahead, while the item before it is stored; what is left goes to the pool or is dropped", async (t) => {
  const spec = { keyType: "rsa", keySize: 2048 } as const;
  const other = { keyType: "rsa", keySize: 3072 } as const;
  const pairs = [await generateKeyPair(spec), await generateKeyPair(spec), await generateKeyPair(spec)];
  let calls = 0;
  const made: string[] = [];
  const generate = async (s: { keyType: string; keySize: number | null }) => {
    const pair = pairs[calls++ % pairs.length];
    made.push(`${s.keySize}`);
    return pair;
  };
  await saveSettings(actor, { ...(await getSettings()), leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: 1 });
  await settleKeyPool();
  await db.pooledKey.deleteMany();

  const keys = keysAhead({ generate });
  const first = await keys.take(spec);
  assert.equal(first.publicKeyPem, pairs[0].publicKeyPem);
  assert.deepEqual(made, ["2048", "2048"], "the next key is under way as soon as the one taken is made");
  const second = await keys.take(spec);
  assert.equal(second.publicKeyPem, pairs[1].publicKeyPem, "the key made ahead answers the next take");
  assert.equal(calls, 3, "one keygen per take, one ahead");
  // another type or size is made for that take, and the key made ahead is handed on: it fills the pool
  await keys.take(other);
  assert.deepEqual(made, ["2048", "2048", "2048", "3072", "3072"]);
  await settleKeyPool();
  assert.equal(await db.pooledKey.count(), 1, "the 2048-bit key made ahead filled the pool");
  const logged = t.mock.method(console, "error", () => {});
  keys.finish();
  await settleKeyPool();
  assert.equal(calls, 5, "nothing made after finish");
  assert.equal(await db.pooledKey.count(), 1, "the 3072-bit key left over was dropped (the pool wants none)");
  await assert.rejects(keys.take(spec), /take after finish/);

  // two workers finishing at once hand on a key each: the pool (size 1, empty) takes one, not both
  await db.pooledKey.deleteMany();
  const [a, b] = [keysAhead({ generate }), keysAhead({ generate })];
  await Promise.all([a.take(spec), b.take(spec)]);
  a.finish();
  b.finish();
  await settleKeyPool();
  assert.equal(await db.pooledKey.count(), 1, "never topped up past its size");

  // one keygen per worker at any time: the next starts once the key taken is made, and a worker that
  // finishes while its key is being made makes no other
  let running = 0;
  let most = 0;
  let slowCalls = 0;
  const slow = async () => {
    slowCalls++;
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    return pairs[0];
  };
  const worker = keysAhead({ generate: slow });
  for (let i = 0; i < 3; i++) {
    await worker.take(spec);
    await new Promise((r) => setTimeout(r, 5)); // the item's own work, beside the next keygen
  }
  const last = worker.take(spec);
  worker.finish();
  await last;
  await settleKeyPool();
  assert.equal(most, 1, "never two keygens of one worker at once");
  assert.equal(slowCalls, 4, "a keygen per take; none ahead of a take after which the worker finished");

  // a key made ahead that failed is made again for the take that wanted it
  let n = 0;
  const flaky = async () => {
    if (n++ === 1) throw Object.assign(new Error("no entropy"), { code: "ERR_TEST" });
    return pairs[0];
  };
  const retry = keysAhead({ generate: flaky });
  await retry.take(spec);
  assert.equal((await retry.take(spec)).publicKeyPem, pairs[0].publicKeyPem);
  assert.equal(n, 4, "the failed one made again, and the next one ahead");
  retry.finish();
  await settleKeyPool();
  logged.mock.restore();
  assert.equal(logged.mock.callCount(), 0, "nothing failed to be kept");

  // a job: each certificate its own new key, and the keys made ahead of the end fill the pool when it wants them
  await db.pooledKey.deleteMany();
  const hosts = await Promise.all(
    [1, 2, 3, 4].map((i) =>
      createHost(actor, hostCreateSchema.parse({ name: `ahead-${i}`, dnsNames: [`ahead-${i}.example.com`] })),
    ),
  );
  const old = [];
  for (const h of hosts) old.push(await issueHostCertificate(actor, h.id, {}));
  await settleKeyPool();
  await db.pooledKey.deleteMany();
  const job = await createReissueJob(actor, { scope: "ids", ids: old.map((c) => c.id) }, false);
  await runJobInBackground(job.id);
  await settleKeyPool();
  const renewed = await db.certificate.findMany({
    where: { hostId: { in: hosts.map((h) => h.id) }, status: "active" },
    select: { certPem: true },
  });
  assert.equal(renewed.length, 4);
  const keysUsed = new Set([...old, ...renewed].map((c) => spki(c.certPem)));
  assert.equal(keysUsed.size, 8, "every certificate has a key of its own");
  const pooled = await pooledPublicKeys();
  assert.equal(pooled.length, 1, "a key made ahead filled the pool");
  assert.ok(!keysUsed.has(pooled[0]), "and is in no certificate");
});
