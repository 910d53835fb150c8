#!/bin/sh
# Builds the distribution archive of a release from the packaged application (target/quarkus-app, made by
# ./mvnw -B -ntp package -DskipTests): target/dist/truenas-gitops-VERSION.tar.gz holding the launcher
# (truenas-gitops, next to the jar it runs), the Quarkus fast-jar (quarkus-run.jar, lib/, app/, quarkus/),
# completion scripts (completions/: bash, zsh through bashcompinit, fish), every command's --help as Markdown
# (docs/commands.md), README.md and CHANGELOG.md; and target/dist/SHA256SUMS for it.
# Unpack it anywhere and run ./truenas-gitops-VERSION/truenas-gitops --version (Java 17 or later).
# Exit codes: 0 built, 2 the packaged application is missing. DistArchiveDocsIT runs it and the unpacked launcher.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
app="$root/target/quarkus-app"
if [ ! -f "$app/quarkus-run.jar" ]; then
  echo "error: dist: $app/quarkus-run.jar is missing: run ./mvnw -B -ntp package -DskipTests first" >&2
  exit 2
fi
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$root/pom.xml" | head -n 1)
name="truenas-gitops-$version"
out="$root/target/dist"
stage="$out/$name"
rm -rf "$stage" "$out/$name.tar.gz" "$out/SHA256SUMS"
mkdir -p "$stage/completions" "$stage/docs"

cp -R "$app/quarkus-run.jar" "$app/lib" "$app/app" "$app/quarkus" "$stage/"
cp "$root/bin/truenas-gitops" "$stage/truenas-gitops"
chmod 755 "$stage/truenas-gitops"
cp "$root/README.md" "$root/CHANGELOG.md" "$stage/"
if [ -f "$root/docs/releases/$version.md" ]; then
  cp "$root/docs/releases/$version.md" "$stage/RELEASE-NOTES.md"
fi

run() {
  TRUENAS_GITOPS_ARCHIVE=off NO_COLOR=1 "$stage/truenas-gitops" "$@"
}
run completion bash > "$stage/completions/truenas-gitops.bash"
run completion zsh > "$stage/completions/_truenas-gitops"
run completion fish > "$stage/completions/truenas-gitops.fish"

# --help of the root and of every command it lists, as Markdown
help="$stage/docs/commands.md"
{
  echo "# truenas-gitops $version: commands"
  echo
  echo "Every command's \`--help\`, as this release prints it."
  echo
  echo "## truenas-gitops"
  echo
  echo '```text'
  run --help
  echo '```'
} > "$help"
for cmd in $(run --help | sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\)[ ,].*/\1/p'); do
  {
    echo
    echo "## truenas-gitops $cmd"
    echo
    echo '```text'
    run "$cmd" --help
    echo '```'
  } >> "$help"
done

(cd "$out" && tar -czf "$name.tar.gz" "$name" && sha256sum "$name.tar.gz" > SHA256SUMS)
rm -rf "$stage"
echo "$out/$name.tar.gz"
