import "server-only";
import { isIPv6 } from "node:net";
import { db } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";

// Sign-in throttling that hurts the guesser, not the owner. Every attempt takes a slot in each of
// its counters before the password is checked, one atomic statement per counter, so however many
// attempts arrive at once no counter ever has more than its limit judged in a window:
//   pair  one account from one address: 5 per 15 minutes. Stops the guesser at that address
//         without touching the owner anywhere else.
//   addr  one address, every account: 20 per 15 minutes (an address spraying usernames).
//   user  one account from addresses it never signed in from: 20 per hour. Slows a guesser with
//         many addresses; the owner at a known address is never counted here, so never stopped.
// A successful sign-in gives its slots back. IPv6 addresses count by /64, which one host owns.

const MINUTE = 60_000;
export const THROTTLE_RULES = {
  pair: { limit: 5, windowMs: 15 * MINUTE },
  addr: { limit: 20, windowMs: 15 * MINUTE },
  user: { limit: 20, windowMs: 60 * MINUTE },
} as const;
/** Throttle rows older than this have no effect and are pruned. */
export const LONGEST_WINDOW_MS = 60 * MINUTE;

type Counter = keyof typeof THROTTLE_RULES;

/** The address a counter is kept for: IPv4 as is, IPv6 as its /64. */
export function throttleAddress(ip: string | null): string {
  if (!ip) return "unknown";
  if (!isIPv6(ip)) return ip;
  const [head, tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

function keyOf(counter: Counter, user: string, address: string): string {
  if (counter === "pair") return `pair:${user} ${address}`;
  return counter === "addr" ? `addr:${address}` : `user:${user}`;
}

/** Takes one slot of a counter; answers how many its window holds now, this one included, and when it ends. */
export async function takeSlot(key: string, windowMs: number, now: Date): Promise<{ attempts: number; endsAt: Date }> {
  const cutoff = new Date(now.getTime() - windowMs);
  const [row] = await db.$queryRaw<{ attempts: number | bigint; windowStart: Date | string }[]>`
    INSERT INTO "LoginThrottle" ("key", "attempts", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "attempts" = CASE WHEN "LoginThrottle"."windowStart" <= ${cutoff} THEN 1 ELSE "LoginThrottle"."attempts" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" <= ${cutoff} THEN ${now} ELSE "LoginThrottle"."windowStart" END
    RETURNING "attempts", "windowStart"`;
  return { attempts: Number(row.attempts), endsAt: new Date(new Date(row.windowStart).getTime() + windowMs) };
}

export interface Reservation {
  /** Set when a counter is full: the attempt must not be judged. */
  refused: { counter: Counter; until: Date; first: boolean } | null;
  /** The slots taken, given back after a successful sign-in. */
  taken: { counter: Counter; key: string }[];
}

/**
 * Reserves a sign-in attempt for `user` (lower-cased) from `ip`. `knownAddress`: the account has
 * signed in from this address before, so the per-account counter does not apply.
 */
export async function reserveAttempt(
  user: string,
  ip: string | null,
  knownAddress: boolean,
  now = new Date(),
): Promise<Reservation> {
  const address = throttleAddress(ip);
  const counters: Counter[] = knownAddress ? ["pair", "addr"] : ["pair", "addr", "user"];
  const taken: Reservation["taken"] = [];
  for (const counter of counters) {
    const rule = THROTTLE_RULES[counter];
    const key = keyOf(counter, user, address);
    const { attempts, endsAt } = await takeSlot(key, rule.windowMs, now);
    taken.push({ counter, key });
    // Later counters are not charged for an attempt an earlier one refused.
    if (attempts > rule.limit)
      return { refused: { counter, until: endsAt, first: attempts === rule.limit + 1 }, taken };
  }
  return { refused: null, taken };
}

/** After a successful sign-in: the pair starts afresh, the shared counters get their slot back. */
export async function releaseAttempt(reservation: Reservation): Promise<void> {
  for (const { counter, key } of reservation.taken) {
    if (counter === "pair") await db.loginThrottle.deleteMany({ where: { key } });
    else
      await db.loginThrottle.updateMany({ where: { key, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } });
  }
}

/** A new password (CLI reset) lifts every counter of the account. */
export async function clearAccountThrottle(user: string): Promise<void> {
  const name = user.toLowerCase();
  await db.loginThrottle.deleteMany({
    where: { OR: [{ key: `user:${name}` }, { key: { startsWith: likeLiteral(`pair:${name} `) } }] },
  });
}

/** Rows whose window has ended count for nothing; the maintenance task deletes them. */
export async function pruneThrottle(now = new Date()): Promise<number> {
  const { count } = await db.loginThrottle.deleteMany({
    where: { windowStart: { lt: new Date(now.getTime() - LONGEST_WINDOW_MS) } },
  });
  return count;
}
