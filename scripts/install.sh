#!/bin/sh
# Installs a teamctl release under PREFIX without root: the binaries in PREFIX/bin, the man page in
# PREFIX/share/man/man1, shell completions under PREFIX/share/{bash-completion,zsh,fish}, the schemas and
# the demo's examples in PREFIX/share/teamctl, and an environment-module file in
# PREFIX/share/modulefiles/teamctl/VERSION.lua.
#
#   ./install.sh PREFIX                    from an unpacked release (the script sits beside bin/)
#   scripts/install.sh PREFIX TARBALL      from a release tarball; checks TARBALL.sha256 when it is there
#
# Needs only POSIX sh, tar, gzip and sha256sum. The binaries need libcurl, libsqlite3, libz and
# libstdc++ from the system (the README's "Install" section).
set -eu

usage() {
    echo "usage: install.sh PREFIX [TARBALL]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
prefix="$1"
case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"
cleanup=""
trap '[ -z "$cleanup" ] || rm -rf "$cleanup"' EXIT
if [ $# -eq 2 ]; then
    tarball="$2"
    [ -f "$tarball" ] || { echo "install.sh: no such file $tarball" >&2; exit 1; }
    if [ -f "$tarball.sha256" ]; then
        (cd "$(dirname "$tarball")" && sha256sum -c --quiet "$(basename "$tarball").sha256") || {
            echo "install.sh: $tarball does not match $tarball.sha256; download it again" >&2
            exit 1
        }
    fi
    cleanup="$(mktemp -d)"
    tar -C "$cleanup" -xzf "$tarball"
    release="$(find "$cleanup" -mindepth 1 -maxdepth 1 -type d | head -1)"
elif [ -x "$here/bin/teamctl" ]; then
    release="$here"
else
    echo "install.sh: run it from an unpacked release, or pass the release tarball (scripts/package writes it)" >&2
    usage
fi

# Every file the release lists must be intact before anything is copied.
(cd "$release" && sha256sum -c --quiet SHA256SUMS) || {
    echo "install.sh: the release in $release is damaged (SHA256SUMS); download it again" >&2
    exit 1
}
version_line="$("$release/bin/teamctl" --version 2>/dev/null)" || {
    echo "install.sh: $release/bin/teamctl does not run here; check the libraries it needs with: ldd $release/bin/teamctl" >&2
    exit 1
}
version="${version_line%% *}"

mkdir -p "$prefix/bin" "$prefix/share"
for program in teamctl teamctl-emulator; do
    # Copy then rename, so a teamctl running from PREFIX/bin is never overwritten in place.
    cp "$release/bin/$program" "$prefix/bin/.$program.new"
    chmod 0755 "$prefix/bin/.$program.new"
    mv -f "$prefix/bin/.$program.new" "$prefix/bin/$program"
done
(cd "$release/share" && find . -type f ! -path './teamctl/modulefiles/*') | while read -r file; do
    mkdir -p "$prefix/share/$(dirname "$file")"
    cp "$release/share/$file" "$prefix/share/$file"
    chmod 0644 "$prefix/share/$file"
done

modulefile="$prefix/share/modulefiles/teamctl/$version.lua"
mkdir -p "$(dirname "$modulefile")"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$release/share/teamctl/modulefiles/teamctl.lua" >"$modulefile"

echo "installed teamctl $version under $prefix"
echo "  PATH:     export PATH=\"$prefix/bin:\$PATH\"   (or: module use $prefix/share/modulefiles; module load teamctl)"
echo "  manual:   man teamctl   (MANPATH=$prefix/share/man)"
echo "  try it:   teamctl demo"
