import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { issueClientCertificate, issueHostCertificate } from "@/lib/certificates/certificates";
import { issueSchema, pkcs12RequestSchema } from "@/lib/certificates/certificates.schema";
import { hostChoiceRequired, MAX_ENV_FILES, openBundle, openPkcs12 } from "@/lib/certificates/downloads";
import { readStdin, refuseExisting, UsageError, userPath, writePrivateFile } from "@/lib/cli/io";
import { db } from "@/lib/db";
import { InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";
import { nameKeyOf } from "@/lib/inventory/name-key";
import { type KeySpec, keyLabel } from "@/lib/pki/key-types";

const USAGE =
  "usage: dockpki issue host NAME [--days N] [--key-type ecdsa-p256|ecdsa-p384|rsa [--key-size BITS]] [--out FILE.zip] [--p12 FILE.p12 [--passphrase-stdin]] [--force]\n" +
  "       dockpki issue client NAME [--days N] [--key-type T [--key-size BITS] | --csr FILE] [--out FILE.zip [--host HOST]] [--p12 FILE.p12 [--passphrase-stdin]] [--force]\n" +
  "       (--host: the host env.sh points at; needed with --out once there are over " +
  `${MAX_ENV_FILES} hosts; --p12 without --passphrase-stdin prints a generated passphrase once)`;

/** The id of the host or client with this name (unique per kind, regardless of case). */
export async function findHolder(kind: "host" | "client", name: string): Promise<string> {
  const where = { where: { nameKey: nameKeyOf(name) }, select: { id: true } };
  const row = kind === "host" ? await db.host.findUnique(where) : await db.client.findUnique(where);
  if (!row) throw new NotFoundError(`There is no ${kind} called ${name}.`);
  return row.id;
}

function readCsr(file: string): string {
  try {
    return readFileSync(userPath(file), "utf8");
  } catch (err) {
    throw new InputError(`Cannot read the CSR ${userPath(file)}: ${(err as Error).message}`);
  }
}

export async function issueCommand(args: string[]): Promise<void> {
  const [kind, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      days: { type: "string" },
      "key-type": { type: "string" },
      "key-size": { type: "string" },
      csr: { type: "string" },
      out: { type: "string" },
      host: { type: "string" },
      p12: { type: "string" },
      "passphrase-stdin": { type: "boolean" },
      force: { type: "boolean" },
    },
  });
  if ((kind !== "host" && kind !== "client") || positionals.length !== 1) throw new UsageError(USAGE);
  if (kind === "host" && values.csr) throw new UsageError(`--csr is for clients only.\n${USAGE}`);
  if (values.host && (kind !== "client" || !values.out)) {
    throw new UsageError(
      `--host picks the host of a client bundle's env.sh: use it with issue client --out.\n${USAGE}`,
    );
  }
  if (values.p12 && values.csr) {
    throw new UsageError(`--p12 needs the key, and a CSR's key stays with its owner.\n${USAGE}`);
  }
  if (values["passphrase-stdin"] && !values.p12) throw new UsageError(`--passphrase-stdin goes with --p12.\n${USAGE}`);
  const out = values.out ? userPath(values.out) : null;
  const p12 = values.p12 ? userPath(values.p12) : null;
  // Checked before issuing, so a refusal does not leave a certificate nobody received.
  if (out) refuseExisting(out, values.force);
  if (p12) refuseExisting(p12, values.force);
  const p12Input = pkcs12RequestSchema.safeParse(values["passphrase-stdin"] ? { passphrase: await readStdin() } : {});
  if (!p12Input.success) throw new InputError(p12Input.error.issues[0].message);
  const envHostId = values.host ? await findHolder("host", values.host) : undefined;
  // openBundle would refuse too, but only after the certificate was issued.
  const tooMany = out && kind === "client" && !envHostId ? await hostChoiceRequired() : null;
  if (tooMany) {
    throw new InputError(`There are ${tooMany} hosts: name the one this bundle's env.sh should point at with --host.`);
  }
  if (values.csr && (values["key-type"] || values["key-size"])) {
    throw new UsageError(`A CSR brings its own key: --key-type and --key-size are for keys dockpki makes.\n${USAGE}`);
  }
  const parsed = issueSchema.safeParse({
    days: values.days,
    keyType: values["key-type"],
    keySize: values["key-size"],
    csrPem: values.csr ? readCsr(values.csr) : undefined,
  });
  if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));

  const holderId = await findHolder(kind, positionals[0]);
  const issue = kind === "host" ? issueHostCertificate : issueClientCertificate;
  const cert = await issue({ kind: "cli" }, holderId, parsed.data);
  console.log(`Issued a ${cert.kind} certificate for ${kind} ${positionals[0]} (CN=${cert.commonName}).`);
  console.log(`serial:   ${cert.serial}`);
  console.log(`key:      ${keyLabel(cert as KeySpec)}${cert.fromCsr ? " (from the CSR)" : ""}`);
  console.log(`notAfter: ${cert.notAfter.toISOString()}`);
  if (out) {
    const { zip } = await openBundle({ kind: "cli" }, cert.id, { hostId: envHostId });
    await writePrivateFile(out, zip);
    console.log(`bundle:   ${out}${cert.fromCsr ? " (no key.pem: the key stays with the CSR's owner)" : ""}`);
  }
  if (p12) {
    const made = await openPkcs12({ kind: "cli" }, cert.id, { passphrase: p12Input.data.passphrase });
    await writePrivateFile(p12, made.p12);
    console.log(`p12:      ${p12}`);
    // Shown this once; only the .p12 holds it.
    if (made.generatedPassphrase) console.log(`passphrase: ${made.generatedPassphrase}`);
  }
}
