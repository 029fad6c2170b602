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
# Pin the packages of packages.lock (name=version) for apt: a version the archive still has is installed
# exactly; a pin to a version that is gone matches nothing and apt takes the archive's candidate instead
# (the build then reports the package as moved).
if [ -f "$recipe/packages.lock" ]; then
  mkdir -p "$root/etc/apt/preferences.d"
  sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$recipe/packages.lock" |
    awk -F= '{ name = $1; sub(/^[^=]*=/, ""); printf "Package: %s\nPin: version %s\nPin-Priority: 1001\n\n", name, $0 }' \
      >"$root/etc/apt/preferences.d/core-ops-lock.pref"
fi
