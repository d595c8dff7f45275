#!/usr/bin/env bash
# Sets everything up, then runs a container from a busybox bundle the project builds
# itself (.demo/bundle), and removes it again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bundle=.demo/bundle
if [ ! -x "$bundle/rootfs/bin/busybox" ]; then
  rm -rf "$bundle"
  mkdir -p "$bundle"
  bash scripts/make-rootfs.sh "$bundle/rootfs"
fi
rm -f "$bundle/config.json"
dist/runtime.js spec --bundle "$bundle"
# The default spec asks for a terminal and a shell; the demo prints and exits instead.
node -e '
const fs = require("fs"), f = process.argv[1], c = JSON.parse(fs.readFileSync(f, "utf8"));
c.process.terminal = false;
c.process.args = ["sh", "-c", "echo \"hello from $(hostname), pid $$ in its own namespaces\"; uname -a; id; ls /"];
fs.writeFileSync(f, JSON.stringify(c, null, 2));
' "$bundle/config.json"
exec dist/runtime.js run --bundle "$bundle" "demo-$$"
