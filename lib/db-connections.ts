import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/**
 * A driver adapter factory whose every connection passes through `wrap` before Prisma uses it: how
 * lib/db-like.ts, db-statements.ts and db-exclusive.ts each add their part to the adapters of
 * lib/db-adapters.ts. Everything else of the factory is its own.
 */
export function eachConnection<F extends SqlDriverAdapterFactory>(
  factory: F,
  wrap: (adapter: SqlDriverAdapter) => SqlDriverAdapter,
): F {
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === "connect") return async () => wrap(await target.connect());
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
