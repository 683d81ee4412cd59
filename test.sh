#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need when it is missing
# (Debian's chromium for the browser tests, python3-torch for the training smoke test, postgresql and
# redis-server for the scale-out tests, which start private instances of them on loopback ports in temporary
# folders and stop them at the end; no system-wide service is started), then prints one closing line:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch libopenblas0-openmp)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || need+=(python3-onnx)
# Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null || exit 1
fi

results=TestResults
rm -rf "$results"
dotnet test StableDiffusion.Studio.sln --logger trx --results-directory "$results" "$@"
rc=$?

# The failed tests' names and the first lines of their messages, last, where a reader of the log's tail sees them
# (a browser test's output can run to thousands of lines of server log above).
/usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") != "Failed":
            continue
        message = result.find("t:Output/t:ErrorInfo/t:Message", ns)
        lines = (message.text or "").strip().splitlines() if message is not None else []
        print("FAILED " + result.get("testName", "?"))
        for line in lines[:8]:
            print("    " + line[:300])
PY

# dotnet test prints one summary per project; sum them into the one closing line.
cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
  | sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' \
  | awk '{p+=$1; f+=$2} END {printf "%d passed, %d failed\n", p, f}'
exit $rc
