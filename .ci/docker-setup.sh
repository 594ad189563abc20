#!/usr/bin/env bash
# Prepares a real Docker engine and a local busybox image for the integration tests.
# Idempotent: fast when the engine already answers and the image exists.
# No image registry is reachable here, so the test image is a busybox root
# filesystem imported with `docker import` (tag: kubeterm/busybox:latest).
set -euo pipefail

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
[ -x /bin/busybox ] || need_apt+=(busybox-static)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "docker-setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "docker-setup: starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/kubeterm-dockerd.log 2>&1 &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "docker-setup: dockerd did not start; see /var/log/kubeterm-dockerd.log" >&2; tail -20 /var/log/kubeterm-dockerd.log >&2; exit 1; }
fi

IMAGE=kubeterm/busybox:latest
# Bump when the image's contents change: the engine and images outlive a checkout.
IMAGE_VERSION=5
have_version=$(docker image inspect -f '{{index .Config.Labels "kubeterm.image-version"}}' "$IMAGE" 2>/dev/null || true)
if [ "$have_version" != "$IMAGE_VERSION" ]; then
  echo "docker-setup: building $IMAGE (version $IMAGE_VERSION)"
  root=$(mktemp -d)
  work=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/var/www" "$root/proc" "$root/sys" "$root/dev"
  # Debian's dynamically linked busybox with the host's glibc: its wget and nc
  # resolve names through /etc/resolv.conf (cluster DNS) and /etc/hosts. The
  # static busybox crashes on any name lookup (static glibc cannot load NSS),
  # so it is only the fallback when the package cannot be fetched.
  if (cd "$work" && apt-get download -qq busybox >/dev/null 2>&1) && dpkg-deb -x "$work"/busybox_*.deb "$work/x"; then
    cp "$work/x/bin/busybox" "$root/bin/busybox"
    mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64"
    for lib in $(ldd "$root/bin/busybox" | awk '/=>/ {print $3} /ld-linux/ && !/=>/ {print $1}'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
    for nss in libnss_files.so.2 libnss_dns.so.2; do
      [ -e "/lib/x86_64-linux-gnu/$nss" ] && cp -L "/lib/x86_64-linux-gnu/$nss" "$root/lib/x86_64-linux-gnu/"
    done
    echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
    # The host's curl with its libraries: busybox wget speaks TLS but never
    # checks the server's certificate, so pods that must verify the API server
    # with the mounted ca.crt (as client libraries do) use curl --cacert.
    if command -v curl >/dev/null 2>&1; then
      cp -L "$(command -v curl)" "$root/bin/curl"
      for lib in $(ldd "$root/bin/curl" | awk '/=>/ {print $3}'); do
        mkdir -p "$root$(dirname "$lib")"
        [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
      done
    fi
  else
    echo "docker-setup: busybox package unavailable; using the static /bin/busybox (no name lookups in pods)"
    cp /bin/busybox "$root/bin/busybox"
  fi
  for app in $("$root/bin/busybox" --list); do
    [ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  echo 'hello from kubeterm busybox' > "$root/var/www/index.html"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c "LABEL kubeterm.image-version=$IMAGE_VERSION" -c 'CMD ["sh"]' - "$IMAGE" >/dev/null
  # An nginx stand-in: the same filesystem serving /var/www on port 80, so the
  # seeds' nginx Deployments run without a registry. A process that is PID 1
  # gets no default signal actions, so httpd alone would ignore SIGTERM and
  # every pod would take its whole grace period to stop; like nginx, the
  # stand-in exits promptly on SIGTERM.
  cat > "$root/bin/serve-www" <<'SH'
#!/bin/sh
httpd -f -p 80 -h /var/www &
pid=$!
trap 'kill $pid 2>/dev/null; exit 0' TERM INT
wait $pid
SH
  chmod 755 "$root/bin/serve-www"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c "LABEL kubeterm.image-version=$IMAGE_VERSION" -c 'EXPOSE 80' \
    -c 'CMD ["/bin/serve-www"]' - kubeterm/httpd:latest >/dev/null
  rm -rf "$root" "$work"
fi
# Names the seed manifests and examples use (re-tagging is cheap and idempotent).
docker tag "$IMAGE" busybox:latest
for alias in nginx:latest nginx:1.14.2 nginx:1.25 nginx:1.26 my-app:1.0 mysql:5.7; do docker tag kubeterm/httpd:latest "$alias"; done
echo "docker-setup: engine ready, image $IMAGE present"
