import { parseArgs } from "node:util";
import { caCreateSchema } from "@/lib/ca/ca.schema";
import { createCertificateAuthority, getCaOverview, retireCertificateAuthority } from "@/lib/ca/cas";
import { UsageError } from "@/lib/cli/io";
import { InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";

const USAGE = `usage: dockpki ca create --cn NAME [--o ORG] [--ou UNIT] [--key-size 2048|3072|4096] [--days N]
       dockpki ca rotate --cn NAME [--o ORG] [--ou UNIT] [--key-size 2048|3072|4096] [--days N]
       dockpki ca retire [--id ID]     (default: the previous CA of the rotation under way)`;

async function createOrRotate(mode: "first" | "rotate", args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cn: { type: "string" },
      o: { type: "string" },
      ou: { type: "string" },
      "key-size": { type: "string" },
      days: { type: "string" },
    },
  });
  if (values.cn === undefined) throw new UsageError(USAGE);
  const parsed = caCreateSchema.safeParse({
    commonName: values.cn,
    organization: values.o,
    organizationalUnit: values.ou,
    keySize: values["key-size"],
    days: values.days,
  });
  if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
  const ca = await createCertificateAuthority({ kind: "cli" }, parsed.data, mode);
  console.log(`Created the CA ${ca.subject}: RSA ${ca.keySize}, valid until ${ca.notAfter.toISOString()}.`);
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

export async function caCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "create") return createOrRotate("first", rest);
  if (sub === "rotate") return createOrRotate("rotate", rest);
  if (sub === "retire") return retire(rest);
  throw new UsageError(USAGE);
}
