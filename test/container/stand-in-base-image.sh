#!/usr/bin/env bash
# Builds, once, a local stand-in for the Dockerfile's base image `node:22-bookworm-slim`, for machines that reach
# Debian's mirror and npm's registry but no container registry: Debian bookworm (debootstrap, minbase), Node 22 from
# the npm package `node@22` (.ci/run installs it), npm 10 from the registry, and the unprivileged `node` user
# (uid 1000) at /home/node, laid out as the official image is. Tagged under the official name in buildah's own
# storage (the folder given), so `buildah bud --pull-never` takes it for the real one.
#   usage: stand-in-base-image.sh STORAGE_ROOT
set -euo pipefail
storage="$1"
buildah=(buildah --root "$storage" --runroot "$storage/run" --storage-driver vfs)
image=docker.io/library/node:22-bookworm-slim
if "${buildah[@]}" inspect --type image "$image" > /dev/null 2>&1; then exit 0; fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}"
node22="$cache/cdn-include-node22/node_modules/node/bin/node"
if [ ! -x "$node22" ]; then
  npm install --prefix "$cache/cdn-include-node22" --no-save --no-audit --no-fund --loglevel=error node@22
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log" \
  || { tail -20 "$work/debootstrap.log"; exit 1; }
install -m 755 "$node22" "$rootfs/usr/local/bin/node"
(cd "$work" && npm pack --silent npm@10 > /dev/null)
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar xzf "$work"/npm-10.*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# Where egress goes through a TLS-inspecting proxy, npm ci inside the build needs the machine's certificates, as
# the official image would on this network.
extra_env=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp "$NODE_EXTRA_CA_CERTS" "$rootfs/etc/ssl/certs/machine-ca.crt"
  extra_env=(--env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/machine-ca.crt)
fi
container=$("${buildah[@]}" from scratch)
"${buildah[@]}" copy "$container" "$rootfs" / > /dev/null
"${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$("$node22" --version | tr -d v)" "${extra_env[@]}" --cmd node "$container"
"${buildah[@]}" commit --quiet --format docker "$container" "$image" > /dev/null
"${buildah[@]}" rm "$container" > /dev/null
