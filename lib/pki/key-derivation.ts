import "server-only";
import { childrenOf, contentOf, oidText, readRoot, TAG, type Tlv } from "@/lib/pki/der";
import { pemBlocks } from "@/lib/pki/pem";

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const SCRYPT = "1.3.6.1.4.1.11591.4.11";
// OpenSSL writes 2048 rounds by default; 1,000,000 PBKDF2 rounds take about 0.3 s here, and the
// derivation runs synchronously on the event loop (5,000,000 took 1.7 s)
export const MAX_KDF_ROUNDS = 1_000_000;
// scrypt's work grows with N * r * p; `openssl pkcs8 -scrypt` writes 16384 * 8 * 1
const MAX_SCRYPT_WORK = 2 ** 22;

/**
 * Why opening this passphrase-protected PKCS#8 key would cost more than any tool's settings
 * (a key from outside can ask for billions of rounds), or null. Legacy PEM encryption
 * ("Proc-Type: 4,ENCRYPTED") derives its key with one MD5 round and is never refused here; a key
 * this cannot read is left to node:crypto, which says it is damaged.
 */
export function keyDerivationRefusal(keyPem: string): string | null {
  const [der] = pemBlocks(keyPem, "ENCRYPTED PRIVATE KEY");
  if (!der) return null;
  let work: bigint;
  try {
    work = derivationWork(der);
  } catch {
    return null;
  }
  if (work <= MAX_KDF_ROUNDS) return null;
  return (
    "This key's passphrase protection asks for far more key-derivation work than any tool uses by default, and dockpki would stall opening it; " +
    "re-encrypt it with openssl's defaults (openssl pkcs8 -topk8 -in ca-key.pem -out ca-key-new.pem) and import that."
  );
}

/** PBKDF2 rounds or PKCS#5/PKCS#12 iterations; for scrypt, N*r*p scaled so that its limit maps onto MAX_KDF_ROUNDS. */
function derivationWork(der: Buffer): bigint {
  const [algorithm] = childrenOf(der, readRoot(der, TAG.SEQUENCE), [TAG.SEQUENCE, TAG.OCTET_STRING]);
  const [oid, params] = childrenOf(der, algorithm, [TAG.OID, TAG.SEQUENCE]);
  const integers = (t: Tlv) =>
    childrenOf(der, t)
      .filter((c) => c.tag === TAG.INTEGER)
      .map((c) => integer(der, c));
  if (oidText(contentOf(der, oid)) !== PBES2) {
    // PBES1 and PKCS#12 PBE: SEQUENCE { salt, iterations }
    return integers(params)[0] ?? 0n;
  }
  const [kdf] = childrenOf(der, params, [TAG.SEQUENCE, TAG.SEQUENCE]);
  const [kdfOid, kdfParams] = childrenOf(der, kdf, [TAG.OID, TAG.SEQUENCE]);
  const values = integers(kdfParams);
  switch (oidText(contentOf(der, kdfOid))) {
    case PBKDF2:
      return values[0] ?? 0n; // iterationCount, then an optional keyLength
    case SCRYPT: {
      const [n = 0n, r = 0n, p = 0n] = values;
      return (n * r * p * BigInt(MAX_KDF_ROUNDS)) / BigInt(MAX_SCRYPT_WORK);
    }
    default:
      return 0n;
  }
}

function integer(der: Buffer, t: Tlv): bigint {
  const bytes = contentOf(der, t);
  // more than 8 bytes is beyond any cost limit; no need to read it
  return bytes.length > 8 ? 2n ** 64n : BigInt(`0x${bytes.toString("hex") || "0"}`);
}
