import "server-only";
import type { Principal } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { bundleFolderNames } from "@/lib/bundles/bundle-folders";
import { zipBundles } from "@/lib/bundles/zip";
import {
  type Downloadable,
  loadBundleContext,
  loadDownloadable,
  recordDownload,
  renderBundle,
} from "@/lib/certificates/downloads";
import { db } from "@/lib/db";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";

/** The most bundles one zip holds: each carries a key, and the zip is built in memory. */
export const MAX_BUNDLES_PER_ZIP = 500;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A few serials for a message, and how many more there are. */
function serialList(serials: string[]): string {
  const shown = serials.slice(0, 5).join(", ");
  return serials.length > 5 ? `${shown} and ${serials.length - 5} more` : shown;
}

/**
 * Refuses a set that cannot be shipped whole, before any key is opened: unknown ids, certificates
 * that are no longer current, and certificates whose key never reached dockpki.
 */
async function checkSet(ids: string[]): Promise<void> {
  if (ids.length === 0) throw new InputError("Choose at least one certificate.");
  if (ids.length > MAX_BUNDLES_PER_ZIP) {
    throw new InputError(
      `One zip holds at most ${MAX_BUNDLES_PER_ZIP} bundles, and ${ids.length} were asked for: ask in smaller sets.`,
    );
  }
  const rows = await db.certificate.findMany({
    where: { id: { in: ids } },
    select: { id: true, serial: true, status: true },
  });
  const unknown = ids.length - rows.length;
  if (unknown > 0) {
    throw new NotFoundError(
      `${unknown} of the ${plural(ids.length, "certificate", "certificates")} asked for ${unknown === 1 ? "does" : "do"} not exist.`,
    );
  }
  const stale = rows.filter((r) => r.status !== "active").map((r) => r.serial);
  if (stale.length > 0) {
    throw new ConflictError(
      `${plural(stale.length, "certificate is", "certificates are")} no longer current (revoked, or replaced by a newer one): ${serialList(stale)}. Leave them out, or ask for their holders' current certificates.`,
      { serials: stale },
    );
  }
  const keyless = await db.certificate.findMany({
    where: { id: { in: ids }, keySealed: null },
    select: { serial: true },
  });
  if (keyless.length > 0) {
    const serials = keyless.map((r) => r.serial);
    throw new ConflictError(
      `${plural(serials.length, "certificate's key was", "certificates' keys were")} made on the host or client itself and never reached dockpki, so there is no key to ship: ${serialList(serials)}. Leave them out.`,
      { serials },
    );
  }
}

/**
 * One zip holding the bundle of each certificate, in a folder named after its holder (unique in
 * the zip), each with the same files as that certificate's own bundle. Every bundle is audited as
 * a download by actor. With more hosts than a client bundle carries env files for, a client's
 * env.sh names no host (a single download asks which one instead).
 */
export async function openBundleSet(actor: Principal, ids: string[], opts: { ip?: string | null } = {}) {
  authorize(actor, "download");
  const unique = [...new Set(ids)];
  await checkSet(unique);
  const ctx = await loadBundleContext();
  const certs: Downloadable[] = [];
  const bundles: Awaited<ReturnType<typeof renderBundle>>[] = [];
  for (const id of unique) {
    const cert = await loadDownloadable(id);
    certs.push(cert);
    bundles.push(await renderBundle(cert, ctx));
  }
  const folders = bundleFolderNames(bundles.map((b) => b.holderName));
  const zip = zipBundles(bundles.map((b, i) => ({ folder: folders[i], files: b.files })));
  const caIds = ctx.cas.map((ca) => ca.id);
  await db.$transaction(async (tx) => {
    for (const [i, cert] of certs.entries()) {
      await recordDownload(tx, actor, cert, { caIds, withKey: bundles[i].withKey, ip: opts.ip, set: true });
    }
  });
  return { zip, count: unique.length };
}
