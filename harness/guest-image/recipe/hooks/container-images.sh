#!/bin/sh
# mmdebstrap --customize-hook: build small container images offline and store them in root's container
# storage inside the image, so scenarios run containers with no registry. $1 = root file system.
# Prints one `IMAGE <name>` line per image built.
set -eu
root="$1"
work="$root/tmp/core-ops-images"
rm -rf "$work"
mkdir -p "$work/busybox/bin" "$work/busybox/www" "$work/busybox/tmp" "$work/busybox/etc"
cp "$root/bin/busybox" "$work/busybox/bin/busybox"
# One relative symlink per applet (sh, httpd, wget, nc, …). (`busybox --install -s` would link to the
# host's /usr/bin/busybox path, which does not exist in the container.)
for applet in $(chroot "$root" /bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/busybox/bin/$applet"
done
[ -L "$work/busybox/bin/httpd" ] || { echo "container-images: busybox has no httpd applet" >&2; exit 1; }
chmod 1777 "$work/busybox/tmp"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$work/busybox/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/busybox/etc/group"
echo "hello from localhost/busybox" >"$work/busybox/www/index.html"
tar -C "$work/busybox" --numeric-owner --owner=0 --group=0 -cf "$work/busybox.tar" .

# Podman unpacks layers in a chroot of its own and remounts "/" there, which needs "/" to be a mount point:
# run it in a private mount namespace where the root file system is bind-mounted onto itself.
podman_in_root() {
  PODMAN_IGNORE_CGROUPSV1_WARNING=1 unshare --mount --propagation private sh -c \
    'mount --rbind "$0" "$0" && exec chroot "$0" /usr/bin/podman --events-backend=none --cgroup-manager=cgroupfs "$@"' \
    "$root" "$@"
}
podman_in_root import --change 'CMD ["/bin/sh"]' /tmp/core-ops-images/busybox.tar localhost/busybox:latest
podman_in_root images --format 'IMAGE {{.Repository}}:{{.Tag}}'
rm -rf "$work" "$root/run/containers" "$root/run/libpod" "$root/var/tmp/"*
