#!/bin/sh
# mmdebstrap --setup-hook: before any package is installed. $1 = the root file system, $2 = this recipe.
set -eu
root="$1"
recipe="$2"
# Trim the initramfs already for the kernel's first update-initramfs run (conf.d is not a conffile).
mkdir -p "$root/etc/initramfs-tools/conf.d"
cp "$recipe/rootfs/etc/initramfs-tools/conf.d/core-ops.conf" "$root/etc/initramfs-tools/conf.d/"
# Leave documentation, manual pages and translations out of the image.
mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
cat >"$root/etc/dpkg/dpkg.cfg.d/50-core-ops-nodoc" <<'CFG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
CFG
