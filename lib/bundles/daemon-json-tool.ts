import "server-only";

// The keys dockpki sets in daemon.json. custom.conf sets the same as flags in the systemd style,
// and dockerd refuses to start when an option is given both ways.
const OWN_KEYS = ["hosts", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey"];

/**
 * The sh function `daemon_json` (needs PYTHON): reads daemon.json with a real JSON parser.
 *   daemon_json clash FILE        fails, saying which, when FILE sets any of dockpki's keys
 *   daemon_json merge FILE NEW    prints FILE with dockpki's keys taken from NEW (a key NEW leaves
 *                                 out, such as tlscacert for tls-only, goes), every other kept
 * A FILE that is not a JSON object fails with a sentence. Python 3.5 or later, ASCII-safe output.
 */
export const DAEMON_JSON_TOOL = `daemon_json() {
  "$PYTHON" -I - "$@" <<'PYTHON'
import json
import sys

OWN_KEYS = ${JSON.stringify(OWN_KEYS)}


def load(path):
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        # dockerd reads an empty file as no settings
        config = json.loads(text) if text.strip() else {}
    except ValueError as e:
        sys.exit("%s is not valid JSON (%s): dockerd cannot read it either; fix it, then run this again" % (path, e))
    if not isinstance(config, dict):
        sys.exit("%s is not a JSON object: dockerd cannot read it either; fix it, then run this again" % path)
    return config


command, path = sys.argv[1], sys.argv[2]
config = load(path)
if command == "clash":
    clash = [key for key in OWN_KEYS if key in config]
    if clash:
        sys.exit("%s sets %s, which custom.conf sets as flags, and dockerd refuses to start with both: remove them from it, then run this again" % (path, ", ".join(clash)))
else:
    merged = dict((key, value) for key, value in config.items() if key not in OWN_KEYS)
    merged.update(load(sys.argv[3]))
    print(json.dumps(merged, indent=2))
PYTHON
}`;
