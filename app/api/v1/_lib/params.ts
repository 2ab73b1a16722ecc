import "server-only";
import { z } from "zod";
import { NotFoundError } from "@/lib/errors";

/** Route ids are UUIDs; anything else cannot exist, so it is a 404 rather than a 400. */
export function routeId(value: string, what: string): string {
  if (!z.uuid().safeParse(value).success) throw new NotFoundError(`That ${what} does not exist.`);
  return value;
}
