import assert from "node:assert/strict";
import { test } from "node:test";
import { type JobPace, jobEta } from "@/lib/certificates/job-eta";

const start = Date.parse("2026-12-02T12:00:00Z");
const job = (over: Partial<JobPace>): JobPace => ({
  status: "running",
  startedAt: new Date(start).toISOString(),
  done: 0,
  failed: 0,
  total: 100,
  ...over,
});

test("the time left follows the pace so far, failed items included, in the unit people would say", () => {
  // 10 of 100 in 5 s: 90 more at 0.5 s each.
  assert.equal(jobEta(job({ done: 10 }), start + 5_000), "about 45 s left");
  assert.equal(jobEta(job({ done: 8, failed: 2 }), start + 5_000), "about 45 s left");
  // 10 of 100 in 60 s: 9 minutes more.
  assert.equal(jobEta(job({ done: 10 }), start + 60_000), "about 9 min left");
  // 1 of 1,000 in 60 s: about 16.6 hours more.
  assert.equal(jobEta(job({ done: 1, total: 1000 }), start + 60_000), "about 17 h left");
  // Rounded up below a minute: never "about 0 s left" while items remain.
  assert.equal(jobEta(job({ done: 99 }), start + 1), "about 1 s left");
});

test("no estimate before the first item, after the end, or for a job that is not running", () => {
  assert.equal(jobEta(job({}), start + 5_000), null);
  assert.equal(jobEta(job({ done: 100 }), start + 5_000), null);
  assert.equal(jobEta(job({ done: 10, status: "cancelled" }), start + 5_000), null);
  assert.equal(jobEta(job({ done: 10, startedAt: null }), start + 5_000), null);
  assert.equal(jobEta(job({ done: 10 }), start), null);
});
