import assert from "node:assert/strict";
import { test } from "node:test";
import { createSlots } from "@/lib/certificates/issue-slots";

test("issue slots: at most N at once, the rest in order, a failure frees its slot", async () => {
  const slots = createSlots(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const work = (i: number) =>
    slots.run(async () => {
      running++;
      most = Math.max(most, running);
      assert.equal(slots.running, Math.min(running, 2), "the slots count the turns held");
      await new Promise((r) => setTimeout(r, 5));
      running--;
      order.push(i);
      if (i === 3) throw new Error("three fails");
      return i;
    });
  const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(work));
  assert.equal(most, 2);
  assert.deepEqual(order, [1, 2, 3, 4, 5, 6]);
  assert.equal(results[2].status, "rejected");
  assert.deepEqual(
    results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<number>).value),
    [1, 2, 4, 5, 6],
  );
  assert.equal(slots.waiting, 0);
  assert.equal(slots.running, 0);
  assert.equal(await work(7), 7, "every slot came back");
});

test("issue slots: others issuing are other turns, turns awaited, and bulk workers between their turns", async () => {
  const slots = createSlots(2);
  assert.equal(await slots.run(async () => slots.othersIssuing()), false, "a turn alone");
  let release = () => {};
  const held = slots.run(() => new Promise<void>((r) => (release = r)));
  assert.equal(await slots.run(async () => slots.othersIssuing()), true, "beside another turn");
  release();
  await held;
  // a bulk worker between its items holds no turn, and still counts
  let next = () => {};
  const worker = slots.asBulkWorker(() => new Promise<void>((r) => (next = r)));
  assert.equal(slots.running, 0);
  assert.equal(await slots.run(async () => slots.othersIssuing()), true, "beside a bulk worker");
  next();
  await worker;
  assert.equal(await slots.run(async () => slots.othersIssuing()), false, "the worker ended");
});
