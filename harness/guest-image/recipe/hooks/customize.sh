#!/bin/sh
# mmdebstrap --customize-hook: after all packages are installed. $1 = the root file system, $2 = this recipe.
set -eu
root="$1"
recipe="$2"
in_root() { chroot "$root" "$@"; }

echo "customize: configuration files"
cp -a "$recipe/rootfs/." "$root/"
chown -R 0:0 "$root/etc/ssh/sshd_config.d" "$root/etc/sudoers.d" "$root/etc/initramfs-tools" \
  "$root/etc/systemd/network" "$root/etc/systemd/system/ssh.service.d" "$root/usr/local/libexec" \
  "$root/etc/systemd/journald.conf.d"
chmod 0440 "$root/etc/sudoers.d/core-ops-admin"
echo core-ops-guest >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcore-ops-guest\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# The kernel mounts the root rw (root=/dev/vda rw); nothing else to mount, so no remount and no fsck.
printf '# root: mounted read-write by the kernel (root=/dev/vda rw)\n' >"$root/etc/fstab"
# Empty machine-id: systemd generates one per boot and does not treat the boot as "first boot" (no preset-all).
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

echo "customize: user core (admin group sudo, passwordless sudo)"
in_root useradd --create-home --uid 1000 --user-group --groups sudo --shell /bin/bash core
in_root passwd --lock core >/dev/null

echo "customize: SSH host keys removed (each run's keys arrive through Ignition)"
rm -f "$root"/etc/ssh/ssh_host_*

echo "customize: services"
systemctl --root="$root" enable systemd-networkd.service ssh.service systemd-networkd-wait-online.service
systemctl --root="$root" disable ssh.socket 2>/dev/null || true
systemctl --root="$root" set-default multi-user.target
# Not needed in a disposable test guest; each costs boot time under TCG (2 vCPUs shared by every unit).
# sshd-keygen: host keys come from Ignition (or core-ops-ssh-host-keys when none were given).
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer man-db.timer getty@tty1.service netavark-dhcp-proxy.socket podman-auto-update.timer \
  podman-clean-transient.service podman-restart.service systemd-pstore.service systemd-timesyncd.service \
  systemd-hwdb-update.service systemd-journal-catalog-update.service ldconfig.service \
  systemd-firstboot.service systemd-boot-update.service remote-fs.target sshd-keygen.service \
  kmod-static-nodes.service systemd-network-generator.service systemd-remount-fs.service \
  modprobe@drm.service dev-hugepages.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
  sys-fs-fuse-connections.mount sys-kernel-config.mount; do
  systemctl --root="$root" mask "$unit" >/dev/null 2>&1 || true
done
# NFS server and client helpers: installed, started only by the scenarios that serve NFS on loopback.
for unit in nfs-server.service nfs-client.target rpcbind.socket rpcbind.service nfs-blkmap.service \
  rpc-statd-notify.service; do
  systemctl --root="$root" disable "$unit" >/dev/null 2>&1 || true
done
# Persistent journal (rootfs/etc/systemd/journald.conf.d): failure evidence of a scenario that rebooted
# includes the journal of every boot of the run.

echo "customize: initramfs with Ignition"
version=$(ls "$root/lib/modules" | sort -V | tail -n 1)
in_root update-initramfs -u -k "$version"
in_root lsinitramfs "/boot/initrd.img-$version" >"$root/tmp/initrd.list"
if ! grep -q 'usr/bin/ignition$' "$root/tmp/initrd.list"; then
  echo "customize: the initramfs has no Ignition binary" >&2
  exit 1
fi

echo "customize: clean up"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb \
  "$root/var/log/"*.log "$root/var/log/apt/"* "$root/tmp/"* "$root/var/tmp/"*
# systemd's ConditionNeedsUpdate services have nothing to update in this image.
touch "$root/etc/.updated" "$root/var/.updated"
