import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { caCreateSchema, intermediateActivateSchema, intermediateRequestSchema } from "@/lib/ca/ca.schema";
import { createCertificateAuthority, getCaOverview, retireCertificateAuthority } from "@/lib/ca/cas";
import { activateIntermediate, requestIntermediate } from "@/lib/ca/intermediate";
import { refuseExisting, UsageError, userPath } from "@/lib/cli/io";
import { InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";
import { type KeySpec, keyLabel } from "@/lib/pki/key-types";

const USAGE = `usage: dockpki ca create --cn NAME [--o ORG] [--ou UNIT] [--key-type ecdsa-p256|ecdsa-p384|rsa] [--key-size 2048|3072|4096] [--days N]
       dockpki ca rotate --cn NAME [--o ORG] [--ou UNIT] [--key-type ecdsa-p256|ecdsa-p384|rsa] [--key-size 2048|3072|4096] [--days N]
       dockpki ca retire [--id ID]     (default: the previous CA of the rotation under way)
       dockpki ca intermediate request --cn NAME [--key-type T] [--key-size BITS] [--days N] [--out FILE.csr] [--force]
       dockpki ca intermediate activate --cert intermediate.pem --root root.pem`;

async function createOrRotate(mode: "first" | "rotate", args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cn: { type: "string" },
      o: { type: "string" },
      ou: { type: "string" },
      "key-type": { type: "string" },
      "key-size": { type: "string" },
      days: { type: "string" },
    },
  });
  if (values.cn === undefined) throw new UsageError(USAGE);
  const parsed = caCreateSchema.safeParse({
    commonName: values.cn,
    organization: values.o,
    organizationalUnit: values.ou,
    keyType: values["key-type"],
    keySize: values["key-size"],
    days: values.days,
  });
  if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
  const ca = await createCertificateAuthority({ kind: "cli" }, parsed.data, mode);
  console.log(`Created the CA ${ca.subject}: ${keyLabel(ca as KeySpec)}, valid until ${ca.notAfter.toISOString()}.`);
  console.log(`SHA-256 fingerprint: ${ca.fingerprint}`);
  if (mode === "rotate") {
    console.log(
      "It issues from now on; bundles carry both CAs until the old one is retired. Next: give every host and client a bundle with both CAs, re-issue everything under the new CA, then: dockpki ca retire",
    );
  }
}

async function retire(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { id: { type: "string" } } });
  const id = values.id ?? (await getCaOverview()).previous?.id;
  if (!id) throw new NotFoundError("No rotation is under way: there is no previous CA to retire.");
  const retired = await retireCertificateAuthority({ kind: "cli" }, id);
  console.log(`Retired ${retired.commonName}: bundles no longer carry it.`);
  if (retired.hostsStillTrusting > 0) {
    console.log(
      `${retired.hostsStillTrusting} host(s) still trust it through the ca.pem they have: give each its new bundle (the dashboard lists them).`,
    );
  }
}

async function intermediate(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      cn: { type: "string" },
      "key-type": { type: "string" },
      "key-size": { type: "string" },
      days: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      cert: { type: "string" },
      root: { type: "string" },
    },
  });
  if (step === "request") {
    if (values.cn === undefined) throw new UsageError(USAGE);
    const parsed = intermediateRequestSchema.safeParse({
      commonName: values.cn,
      keyType: values["key-type"],
      keySize: values["key-size"],
      days: values.days,
    });
    if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
    const out = values.out ? userPath(values.out) : null;
    if (out) refuseExisting(out, values.force);
    const { csrPem, opensslCommand } = await requestIntermediate({ kind: "cli" }, parsed.data);
    if (out) {
      writeFileSync(out, csrPem, { mode: 0o600 });
      console.log(`CSR written to ${out}. Sign it where the root lives:`);
    } else {
      process.stdout.write(csrPem);
      console.log("Save the CSR above as intermediate.csr and sign it where the root lives:");
    }
    console.log(opensslCommand);
    console.log("Then: dockpki ca intermediate activate --cert intermediate.pem --root root.pem");
    return;
  }
  if (step === "activate") {
    if (!values.cert || !values.root) throw new UsageError(USAGE);
    const read = (file: string) => {
      try {
        return readFileSync(userPath(file), "utf8");
      } catch (err) {
        throw new InputError(`Cannot read ${userPath(file)}: ${(err as Error).message}`);
      }
    };
    const parsed = intermediateActivateSchema.safeParse({ certPem: read(values.cert), rootPem: read(values.root) });
    if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
    const { ca, warnings, mode } = await activateIntermediate({ kind: "cli" }, parsed.data);
    console.log(`Activated the issuing CA ${ca.subject} (${mode === "rotate" ? "a rotation" : "the first CA"}).`);
    console.log(`SHA-256 fingerprint: ${ca.fingerprint}`);
    for (const warning of warnings) console.log(`warning: ${warning}`);
    return;
  }
  throw new UsageError(USAGE);
}

export async function caCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "intermediate") return intermediate(rest);
  if (sub === "create") return createOrRotate("first", rest);
  if (sub === "rotate") return createOrRotate("rotate", rest);
  if (sub === "retire") return retire(rest);
  throw new UsageError(USAGE);
}
