#!/usr/bin/env bash
# Builds container images that stand in for the official apache/kafka and flink images, from
# Debian packages and Maven Central artifacts only, for machines that reach no container registry.
# An explicit, offline option: where the official images can be pulled, use them instead.
#
#   1. a JRE base: debootstrap of Debian bookworm (minbase + openjdk-17-jre-headless), docker import;
#   2. Kafka: the broker's jars (harness/docker/kafka/pom.xml) + the apache/kafka run contract;
#   3. Flink: Flink's jars (harness/docker/flink/pom.xml) + the official entrypoint contract.
#
# Image names come from the project's .env (OFFLINE_*). An image that already exists is skipped.
# Needs: root (debootstrap), a running Docker engine, a JDK (for the Maven wrapper).
# Afterwards, point the harness and docker-compose.yml at the images (printed at the end).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck disable=SC1091
eval "$(grep -E '^OFFLINE_[A-Z_]+=' "$root/.env")"

exists() {
    docker image inspect "$1" > /dev/null 2>&1
}

# The Debian mirror this machine's apt already uses (or DEBIAN_MIRROR).
debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources || true
      grep -hsE '^deb ' /etc/apt/sources.list || true; } \
        | awk '{print $2}' | grep '/debian$' | head -n 1 || true
}

build_jre() {
    if exists "$OFFLINE_JRE_IMAGE"; then
        echo "[images] $OFFLINE_JRE_IMAGE exists, skipped"
        return
    fi
    local mirror rootfs
    mirror=$(debian_mirror)
    [ -n "$mirror" ] || { echo "No Debian mirror found in apt's sources; set DEBIAN_MIRROR." >&2; exit 2; }
    rootfs=$(mktemp -d)
    echo "[images] $OFFLINE_JRE_IMAGE: debootstrap bookworm (minbase + openjdk-17-jre-headless)"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,bash,procps bookworm "$rootfs" "$mirror" > "$rootfs.log" 2>&1 \
        || { tail -n 20 "$rootfs.log" >&2; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import - "$OFFLINE_JRE_IMAGE" > /dev/null
    rm -rf "$rootfs" "$rootfs.log"
}

# build_image NAME DIR LIBDIR: the jars of DIR/pom.xml into the build context's LIBDIR, then docker build.
build_image() {
    local name=$1 dir=$2 libdir=$3 context
    if exists "$name"; then
        echo "[images] $name exists, skipped"
        return
    fi
    echo "[images] $name: jars from $dir/pom.xml, then docker build"
    context=$(mktemp -d)
    find "$dir" -maxdepth 1 -type f ! -name pom.xml -exec cp {} "$context/" \;
    "$root/mvnw" -q -B -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$context/$libdir"
    docker build -q --build-arg BASE_IMAGE="$OFFLINE_JRE_IMAGE" -t "$name" "$context" > "$context.log" 2>&1 \
        || { cat "$context.log" >&2; exit 1; }
    rm -f "$context.log"
    rm -rf "$context"
}

build_jre
build_image "$OFFLINE_KAFKA_IMAGE" "$here/kafka" libs
build_image "$OFFLINE_FLINK_IMAGE" "$here/flink" lib

echo "[images] ready. To use them:"
echo "export KAFKA_IMAGE=$OFFLINE_KAFKA_IMAGE FLINK_IMAGE=$OFFLINE_FLINK_IMAGE"
