import { parseArgs } from "node:util";
import { caCreateSchema } from "@/lib/ca.schema";
import { createCertificateAuthority } from "@/lib/cas";
import { UsageError } from "@/lib/cli/io";
import { InputError, zodFieldErrors } from "@/lib/errors";

const USAGE = "usage: dockpki ca create --cn NAME [--o ORG] [--ou UNIT] [--key-size 2048|3072|4096] [--days N]";

export async function caCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      cn: { type: "string" },
      o: { type: "string" },
      ou: { type: "string" },
      "key-size": { type: "string" },
      days: { type: "string" },
    },
  });
  if (sub !== "create" || values.cn === undefined) throw new UsageError(USAGE);
  const parsed = caCreateSchema.safeParse({
    commonName: values.cn,
    organization: values.o,
    organizationalUnit: values.ou,
    keySize: values["key-size"],
    days: values.days,
  });
  if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
  const ca = await createCertificateAuthority({ kind: "cli" }, parsed.data);
  console.log(`Created the CA ${ca.subject}: RSA ${ca.keySize}, valid until ${ca.notAfter.toISOString()}.`);
  console.log(`SHA-256 fingerprint: ${ca.fingerprint}`);
}
