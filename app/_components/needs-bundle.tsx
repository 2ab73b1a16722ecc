/** A host whose ca.pem still holds a retired CA: it lets that CA's client certificates in. */
export function NeedsBundleBadge() {
  return (
    <span className="badge warn" style={{ marginLeft: 6 }} title="Its ca.pem still holds a retired CA">
      needs its new bundle
    </span>
  );
}
