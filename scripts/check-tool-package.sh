#!/usr/bin/env bash
# Packs the CLI as a .NET tool, installs it into a temporary tool path from the local package, and runs it on the
# example estate: the `compliance` command must work from the package alone (built-in rules included). The tool is
# packed as .NET 10 RID-specific tool packages: ComplianceEngine.Cli points to ComplianceEngine.Cli.<this platform>
# (ReadyToRun: precompiled, the one `dotnet tool install` takes here) and ComplianceEngine.Cli.any (portable, JIT: the
# one it takes on every other platform); both are checked.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/ComplianceEngine.Cli -c Release -o "$work/nupkg" --nologo -v quiet > "$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }
version=$(dotnet msbuild src/ComplianceEngine.Cli -getProperty:Version)
rid=$(dotnet msbuild src/ComplianceEngine.Cli -getProperty:NETCoreSdkPortableRuntimeIdentifier)
for id in ComplianceEngine.Cli ComplianceEngine.Cli.$rid ComplianceEngine.Cli.any; do
  [ -f "$work/nupkg/$id.$version.nupkg" ] || { echo "dotnet pack made no $id.$version.nupkg" >&2; ls "$work/nupkg" >&2; exit 1; }
done
unzip -p "$work/nupkg/ComplianceEngine.Cli.$version.nupkg" tools/any/any/DotnetToolSettings.xml > "$work/pointer.xml"
for r in "$rid" any; do
  grep -q "RuntimeIdentifier=\"$r\" Id=\"ComplianceEngine.Cli.$r\"" "$work/pointer.xml" ||
    { echo "the tool package does not point to ComplianceEngine.Cli.$r" >&2; cat "$work/pointer.xml" >&2; exit 1; }
done
# A ReadyToRun assembly carries a ReadyToRun header (signature "RTR\0"); an IL-only one does not.
is_r2r() { LC_ALL=C grep -caP 'RTR\x00' "$1" > /dev/null; }
dotnet tool install ComplianceEngine.Cli --tool-path "$work/tools" --add-source "$work/nupkg" --version "$version" >/dev/null
"$work/tools/compliance" --help >/dev/null
installed=$(readlink -f "$work/tools/compliance")
case "$installed" in
  */complianceengine.cli.$rid/*) ;;
  *) echo "dotnet tool install did not take the $rid package: $installed" >&2; exit 1 ;;
esac
for dll in compliance ComplianceEngine.Core ComplianceEngine.Loading YamlDotNet; do
  is_r2r "$(dirname "$installed")/$dll.dll" || { echo "the installed tool's $dll.dll is not ReadyToRun" >&2; exit 1; }
done
# The portable package, for platforms without a package of their own: it runs on the shared runtime (dotnet compliance.dll).
mkdir -p "$work/any" && unzip -qo "$work/nupkg/ComplianceEngine.Cli.any.$version.nupkg" -d "$work/any"
any_dll="$work/any/tools/net10.0/any/compliance.dll"
[ -f "$any_dll" ] || { echo "ComplianceEngine.Cli.any has no tools/net10.0/any/compliance.dll" >&2; exit 1; }
if is_r2r "$any_dll"; then echo "ComplianceEngine.Cli.any is precompiled for one platform; it must be portable" >&2; exit 1; fi
set +e
dotnet "$any_dll" check examples/estate --as-of 2026-11-25 > "$work/any.txt" 2>&1
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "expected exit 1 (violations) from the portable package, got $code" >&2
  cat "$work/any.txt" >&2
  exit 1
fi
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
echo "tool package OK: ComplianceEngine.Cli $version installs ($rid, ReadyToRun) and runs as 'compliance'; the portable 'any' package runs too"

# The library package: every assembly with its XML docs, and a symbol package with a PDB for each (the engine's
# projects are already built in Release by the tool's pack above).
dotnet pack src/ComplianceEngine.Package -c Release -o "$work/lib" --nologo -v quiet > "$work/lib-pack.log" 2>&1 || { cat "$work/lib-pack.log" >&2; exit 1; }
(cd "$work/lib" && unzip -qo "ComplianceEngine.$version.nupkg" -d nupkg && unzip -qo "ComplianceEngine.$version.snupkg" -d snupkg) ||
  { echo "the library package or its symbol package (.snupkg) is missing" >&2; ls "$work/lib" >&2; exit 1; }
assemblies=0
for dll in "$work"/lib/nupkg/lib/net10.0/*.dll; do
  name=$(basename "$dll" .dll)
  [ -f "$work/lib/nupkg/lib/net10.0/$name.xml" ] || { echo "the library package has no XML docs for $name" >&2; exit 1; }
  [ -f "$work/lib/snupkg/lib/net10.0/$name.pdb" ] || { echo "the symbol package has no PDB for $name" >&2; exit 1; }
  assemblies=$((assemblies + 1))
done
[ "$assemblies" -ge 6 ] || { echo "expected the 6 engine assemblies in the library package, found $assemblies" >&2; exit 1; }
if compgen -G "$work/lib/nupkg/lib/net10.0/*.pdb" > /dev/null; then echo "PDBs belong in the .snupkg, not the library package" >&2; exit 1; fi
# SourceLink: in a clone whose origin is on GitHub, a CI build's PDB maps its sources to the commit's raw files, and its
# paths are deterministic (/_/). (The SDK's own SourceLink; a clone with another origin gets no map, and says nothing.)
git clone -q --no-local . "$work/clone"
git -C "$work/clone" remote set-url origin https://github.com/complianceengine/complianceengine.git
commit=$(git -C "$work/clone" rev-parse HEAD)
dotnet build "$work/clone/src/ComplianceEngine.Model" -c Release -p:ContinuousIntegrationBuild=true --nologo -v quiet > "$work/sourcelink.log" 2>&1 ||
  { cat "$work/sourcelink.log" >&2; exit 1; }
pdb="$work/clone/src/ComplianceEngine.Model/bin/Release/net10.0/ComplianceEngine.Model.pdb"
grep -aqF "{\"documents\":{\"/_/*\":\"https://raw.githubusercontent.com/complianceengine/complianceengine/$commit/*\"}}" "$pdb" ||
  { echo "no SourceLink map from deterministic paths (/_/) to the commit's sources in $pdb" >&2; exit 1; }
echo "library package OK: ComplianceEngine $version has $assemblies assemblies with XML docs, a .snupkg with their PDBs, and SourceLink"
