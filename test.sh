#!/usr/bin/env bash
# Runs the whole MoodDJ test suite on a fresh Debian 12 machine with the .NET 10 SDK.
# Installs the system packages the tests use (real ffmpeg, yt-dlp, libopus, ALSA, Python's
# cryptography for the Fernet peer), then runs every test project. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
packages=(ffmpeg yt-dlp libopus0 libasound2 alsa-utils python3 python3-cryptography gcc libc6-dev iproute2 nftables aria2 python3-libtorrent opentracker icecast2 chromium avahi-daemon avahi-utils dbus-daemon postgresql espeak-ng)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Multicast tests stay on this host: they use the loopback interface, which needs its multicast flag.
if ! ip link show lo | grep -q MULTICAST; then
  $SUDO ip link set lo multicast on 2>/dev/null || echo "note: could not turn on multicast for lo; the multicast tests will be skipped"
fi

# The storage tests run against a real PostgreSQL as well as SQLite: start a throw-away cluster on
# 127.0.0.1 (Debian's binaries, as the postgres user) and tell the tests where it is. Without
# MOODDJ_TEST_POSTGRES the tests start one of their own.
if [ -z "${MOODDJ_TEST_POSTGRES:-}" ] && pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1) && [ -n "$pgbin" ]; then
  pgdir=$(mktemp -d /tmp/mooddj-pg-XXXXXX)
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pgrun=(); [ "$(id -u)" -eq 0 ] && { chown postgres:postgres "$pgdir"; pgrun=(runuser -u postgres --); }
  "${pgrun[@]}" "$pgbin/initdb" -D "$pgdir" -A trust -U postgres --no-sync -E UTF8 >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\nmax_connections = 200\n" "$pgport" "$pgdir" >> "$pgdir/postgresql.conf"
  "${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdir" -l "$pgdir/log" -w start >/dev/null
  trap '"${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdir" -m fast -w stop >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
  export MOODDJ_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
fi

rm -rf TestResults
dotnet build MoodDJ.sln -nologo -v:q
# Each pass runs even when an earlier one failed, so one failure does not hide the others;
# the script still exits non-zero if any pass failed.
failed=0
dotnet test MoodDJ.sln --no-build -nologo -v:q --logger "trx" --results-directory TestResults --filter "FullyQualifiedName!~MoodDJ.Mesh.Tests" "$@" || failed=1

# The in-process mesh swarms (30 peers, each decoding and playing in real time) measure continuity,
# so they run alone rather than beside the browser, process and station tests above.
dotnet test tests/MoodDJ.Mesh.Tests --no-build -nologo -v:q --logger "trx" --results-directory TestResults "$@" || failed=1

# Allocation counts only mean something in an optimized build (Debug makes every async state
# machine a class), so those tests skip above and run here again in Release.
dotnet test tests/MoodDJ.Station.Tests -c Release -nologo -v:q --filter Category=Allocation --logger "trx" --results-directory TestResults || failed=1
exit "$failed"
