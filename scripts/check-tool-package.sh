#!/usr/bin/env bash
# Packs the CLI as a .NET tool, installs it into a temporary tool path from the local package, and runs it on the
# example estate: the `compliance` command must work from the package alone (built-in rules included).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/ComplianceEngine.Cli -c Release -o "$work/nupkg" --nologo -v quiet > "$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }
version=$(dotnet msbuild src/ComplianceEngine.Cli -getProperty:Version)
dotnet tool install ComplianceEngine.Cli --tool-path "$work/tools" --add-source "$work/nupkg" --version "$version" >/dev/null
"$work/tools/compliance" --help >/dev/null
set +e
"$work/tools/compliance" check examples/estate --as-of 2026-11-25 --format sarif --output "$work/report.sarif" > "$work/out.txt"
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "expected exit 1 (violations) from the installed tool, got $code" >&2
  cat "$work/out.txt" >&2
  exit 1
fi
grep -q '"version": "2.1.0"' "$work/report.sarif"
"$work/tools/compliance" rules list | tail -1
# The organisation baseline ships with the tool, and init works from the package alone.
"$work/tools/compliance" packs --rules builtin:policies/org-baseline | grep -q ' ORG ' || { echo "the tool does not ship policies/org-baseline" >&2; exit 1; }
"$work/tools/compliance" init "$work/starter" >/dev/null
set +e
(cd "$work/starter" && "$work/tools/compliance" check estate --policy policy.yaml --as-of 2026-11-25 > "$work/starter.txt" 2>&1)
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "expected exit 1 (the starter's findings) from init's output, got $code" >&2
  cat "$work/starter.txt" >&2
  exit 1
fi
echo "tool package OK: ComplianceEngine.Cli $version installs and runs as 'compliance'"
