import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDayMonth, formatRelativeTime } from "@/lib/dates";

const now = new Date("2026-12-02T12:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test("relative times use the unit people would say", () => {
  assert.equal(formatRelativeTime(later(3650 * DAY), now), "in 10 years");
  assert.equal(formatRelativeTime(later(365 * DAY), now), "in 1 year");
  assert.equal(formatRelativeTime(later(90 * DAY), now), "in 3 months");
  assert.equal(formatRelativeTime(later(364 * DAY), now), "in 11 months");
  assert.equal(formatRelativeTime(later(12 * DAY), now), "in 12 days");
  assert.equal(formatRelativeTime(later(44 * DAY), now), "in 44 days");
  assert.equal(formatRelativeTime(later(1 * DAY), now), "in 1 day");
  assert.equal(formatRelativeTime(later(-2 * HOUR), now), "2 hours ago");
  assert.equal(formatRelativeTime(later(-1 * HOUR), now), "1 hour ago");
  assert.equal(formatRelativeTime(later(23.9 * HOUR), now), "in 23 hours");
  assert.equal(formatRelativeTime(later(5 * MIN), now), "in 5 minutes");
  assert.equal(formatRelativeTime(later(-30 * DAY), now), "30 days ago");
  assert.equal(formatRelativeTime(later(-800 * DAY), now), "2 years ago");
  assert.equal(formatRelativeTime(later(20_000), now), "just now");
  assert.equal(formatRelativeTime(later(-20_000), now), "just now");
});

test("a short day label is in UTC", () => {
  assert.equal(formatDayMonth(new Date("2026-12-07T00:00:00Z")), "7 Dec");
  assert.equal(formatDayMonth(new Date("2027-01-31T23:59:59Z")), "31 Jan");
});
