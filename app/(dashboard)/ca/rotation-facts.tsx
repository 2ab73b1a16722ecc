/** What "Create the successor CA" sets in motion, said before it happens. */
export function RotationFacts() {
  return (
    <>
      <p>
        A new CA with a new key is made now and signs every certificate from then on. The current CA stays trusted as
        the previous one until you retire it.
      </p>
      <ul>
        <li>
          Every bundle's <code>ca.pem</code> carries both CAs from now on. Each host and client must get a new bundle
          with both before it meets a certificate from the new CA, or it refuses it.
        </li>
        <li>
          Then every valid certificate is re-issued under the new CA and installed, and the previous CA is retired.
        </li>
        <li>
          This makes a new self-signed root. Only a new issuing CA under the same offline root (the panel below) would
          leave <code>ca.pem</code> as it is.
        </li>
      </ul>
    </>
  );
}
