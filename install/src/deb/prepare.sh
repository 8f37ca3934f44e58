#!/bin/sh
# Prepares what the Debian package holds besides the distribution (called by install/pom.xml in
# the package phase, before jdeb):
#   1. the Java runtime: jlink of only the modules Vigil needs, so a node needs no JDK;
#   2. the compressed changelog Debian wants in /usr/share/doc/vigil/, and the manual page
#      /usr/share/man/man1/vigil.1.gz.
# Usage: prepare.sh JAVA_HOME LIB_DIR OUT_DIR
#
# The modules are what `jdeps --print-module-deps` finds in lib/*.jar (java.base, java.desktop
# for Quartz's java.beans, java.management, java.naming, java.rmi, java.security.jgss, java.sql;
# java.net.http for webhooks and HTTP probes, java.security.sasl for Angus Mail's SMTP AUTH),
# plus two that only reflection or a security provider lookup reach: jdk.crypto.ec (the EC and
# ECDH algorithms of SSH host keys and key exchange) and jdk.unsupported (sun.misc.Unsafe, used
# by MINA SSHD and Jackson when present). The runtime is rebuilt only when the module list or the
# JDK changed: jlink and strip cost ~15 s of CPU; every build pays ~5 s (jdeps below, then jdeb).
set -eu
jdk=$1 lib=$2 out=$3
modules=java.base,java.desktop,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql,jdk.crypto.ec,jdk.unsupported
# java.desktop's native parts that headless Java never loads; libawt_xawt and libjawt would pull
# in X11 libraries, libjsound ALSA, libfontmanager freetype.
exclude='**/libawt_xawt.so,**/libjawt.so,**/libjsound.so,**/libsplashscreen.so,**/libfontmanager.so,**/liblcms.so,**/libjavajpeg.so'
runtime=$out/runtime
stamp="$modules $exclude $("$jdk/bin/java" -version 2>&1 | head -n 2 | tr '\n' ' ')"
if [ ! -f "$out/runtime.stamp" ] || [ "$(cat "$out/runtime.stamp")" != "$stamp" ]; then
    rm -rf "$runtime" "$out/runtime.stamp"
    mkdir -p "$out"
    # No CDS archive here (--generate-cds-archive adds 22 MB): postinst makes one on the node,
    # as Debian's own openjdk packages do.
    "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
        --compress=2 --exclude-files="$exclude" --output "$runtime"
    # Debian's JDK keeps the symbol tables of its native libraries (lintian: unstripped, an
    # error); strip them as dh_strip would (binutils' strip).
    find "$runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
        -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +
    printf '%s' "$stamp" > "$out/runtime.stamp"
fi
# Everything missing from the jars' module graph would fail at run time, not here: check it now.
# The libraries' needs are remembered per set of library jars (their names carry their versions);
# Vigil's own jars, which change on every build, are analysed every time (~3 s of CPU).
module_deps() {
    "$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$@" 2>/dev/null \
        | grep -E '^[a-z0-9.,]+$' | tail -n 1
}
libs_key=$(cd "$lib" && ls | grep -v '^vigil-' | tr '\n' ' ')
if [ ! -f "$out/libs.modules" ] || [ "$(head -n 1 "$out/libs.modules")" != "$libs_key" ]; then
    libs_need=$(cd "$lib" && module_deps $(ls | grep -v '^vigil-')) || true
    [ -n "$libs_need" ] || { echo "prepare.sh: jdeps found no module list for the libraries in $lib" >&2; exit 1; }
    printf '%s\n%s\n' "$libs_key" "$libs_need" > "$out/libs.modules"
fi
own_need=$(module_deps "$lib"/vigil-*.jar) || true
[ -n "$own_need" ] || { echo "prepare.sh: jdeps found no module list for $lib/vigil-*.jar" >&2; exit 1; }
missing=$(printf '%s,%s' "$(tail -n 1 "$out/libs.modules")" "$own_need" | tr ',' '\n' | while read -r m; do
    case ",$modules," in *",$m,"*) ;; *) echo "$m";; esac; done)
if [ -n "$missing" ]; then
    echo "prepare.sh: the jars need modules the runtime lacks: $missing (add them to modules=)" >&2
    exit 1
fi
mkdir -p "$out/doc"
gzip -9n < "$(dirname "$0")/doc/changelog" > "$out/doc/changelog.gz"
gzip -9n < "$(dirname "$0")/doc/vigil.1" > "$out/doc/vigil.1.gz"
