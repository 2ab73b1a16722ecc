/**
 * Host and client names are unique regardless of case: they become file names (env-<host>.sh),
 * docker context names and certificate CNs, and macOS and Windows disks do not tell `Dock` from
 * `dock`. Names are ASCII (objectNameSchema), so lower-casing is enough.
 */
export function nameKeyOf(name: string): string {
  return name.toLowerCase();
}
