#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the slurm launcher's tests (test/engine/runner/slurm.test.ts).
#
# Idempotent: installs Debian's slurmctld, slurmd, slurm-client and munge when missing, writes
# /etc/slurm/slurm.conf (only if absent or written by this script: a real cluster's file is never touched),
# starts munged, slurmctld and slurmd when they are not running (restarting them when the config changed),
# and waits until the node `localhost` is up. Exits non-zero with the reason (and the daemons' log tails)
# when it cannot. Needs root, or passwordless sudo.
#
# The cluster: NodeName=localhost (127.0.0.1) with this machine's CPUs, one partition `debug` (the default),
# no cgroups (proctrack/linuxproc, task/none: containers rarely allow them), CPUs as the only consumable
# (CR_Core: jobs without --mem do not each claim the whole node's memory), KillWait=5 so a cancelled job
# goes quickly. Daemons log to /var/log/slurm/{slurmctld,slurmd}.log.
#
# Environment: RUNG_SLURM_START_TIMEOUT (seconds to wait for the node, default 60).
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARKER='# Written by rung test/slurm/start-local-slurm.sh; it rewrites this file. Delete this line to keep edits.'
TIMEOUT=${RUNG_SLURM_START_TIMEOUT:-60}
NODE=localhost

die() {
  echo "start-local-slurm: $*" >&2
  exit 1
}

die_with_logs() {
  echo "start-local-slurm: $*" >&2
  for log in /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log; do
    if [ -r "$log" ]; then
      echo "--- last lines of $log:" >&2
      tail -n 15 "$log" >&2 || true
    fi
  done
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  die "needs root or passwordless sudo (it installs packages, writes $CONF and starts daemons)"
fi
as_root() { "${SUDO[@]}" "$@"; }

# --- install -------------------------------------------------------------------------------------------
need_install=0
for cmd in slurmctld slurmd srun salloc sbatch squeue scancel sinfo munged munge; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || need_install=1
done
if [ "$need_install" -eq 1 ]; then
  command -v apt-get >/dev/null 2>&1 || die "Slurm is not installed and there is no apt-get to install it (needs slurmctld, slurmd, slurm-client, munge)"
  echo "start-local-slurm: installing slurmctld slurmd slurm-client munge" >&2
  # policy-rc.d in containers keeps the packages' services from starting; this script starts them itself.
  as_root apt-get update -q || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge \
    || die "apt-get install of slurmctld slurmd slurm-client munge failed"
fi
export PATH="$PATH:/usr/sbin:/sbin"

# --- munge ---------------------------------------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null 2>&1; then
    as_root mungekey --create --keyfile=/etc/munge/munge.key || die "cannot create /etc/munge/munge.key"
  else
    as_root sh -c 'dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null' || die "cannot create /etc/munge/munge.key"
  fi
fi
as_root chown munge:munge /etc/munge/munge.key
as_root chmod 0400 /etc/munge/munge.key
# /run is a tmpfs: the socket directory is gone after every boot of the machine (or container).
as_root mkdir -p /run/munge
as_root chown munge:munge /run/munge
as_root chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  echo "start-local-slurm: starting munged" >&2
  as_root runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || die "munged is running but a credential does not round-trip (munge -n | unmunge)"
fi

# --- slurm.conf ----------------------------------------------------------------------------------------
host=$(hostname -s 2>/dev/null || hostname)
cpus=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
conf=$(cat <<EOF
$MARKER
ClusterName=rungtest
# slurmctld only runs where SlurmctldHost names this host; the address avoids needing DNS for it.
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# Trust this file for the node's size: a container's CPU/memory view may differ from slurmd's probe.
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
InactiveLimit=0
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
)

changed=0
if [ -e "$CONF" ] && ! head -n 1 "$CONF" | grep -qxF "$MARKER"; then
  die "$CONF exists and was not written by this script (a real cluster's configuration?); not touching it"
fi
if [ ! -e "$CONF" ] || [ "$(cat "$CONF")" != "$conf" ]; then
  as_root mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
  printf '%s\n' "$conf" | as_root tee "$CONF" >/dev/null
  changed=1
fi

# --- daemons -------------------------------------------------------------------------------------------
running() { # running <pidfile> <program name>: alive, and not a zombie (a killed daemon stays one until reaped)
  local pid stat
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop_daemon() { # stop_daemon <pidfile> <program name>
  running "$1" "$2" || return 0
  local pid
  pid=$(cat "$1")
  as_root kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    running "$1" "$2" || return 0
    sleep 0.1
  done
  as_root kill -9 "$pid" 2>/dev/null || true
}

if [ "$changed" -eq 1 ]; then
  # New configuration: daemons started with an older one would disagree with it.
  stop_daemon /run/slurmd.pid slurmd
  stop_daemon /run/slurmctld.pid slurmctld
fi

if ! running /run/slurmctld.pid slurmctld; then
  echo "start-local-slurm: starting slurmctld" >&2
  as_root slurmctld || die_with_logs "slurmctld did not start"
fi
for _ in $(seq 1 $((TIMEOUT * 10))); do
  scontrol ping 2>/dev/null | grep -q 'is UP' && break
  sleep 0.1
done
scontrol ping 2>/dev/null | grep -q 'is UP' || die_with_logs "slurmctld does not answer (scontrol ping) after ${TIMEOUT}s"

if ! running /run/slurmd.pid slurmd; then
  echo "start-local-slurm: starting slurmd" >&2
  # -N: this node is "localhost" whatever the machine's hostname is.
  as_root slurmd -N "$NODE" || die_with_logs "slurmd did not start"
fi

# --- wait for the node ---------------------------------------------------------------------------------
resumed=0
state=''
for _ in $(seq 1 $((TIMEOUT * 10))); do
  # %t: compact state; a trailing * means not responding, ~ powered off, # powering up...
  state=$(sinfo -h -N -n "$NODE" -o %t 2>/dev/null | head -n 1)
  case "$state" in
    idle | mix | alloc | comp)
      echo "start-local-slurm: node $NODE is $state" >&2
      exit 0
      ;;
    down | drain | drng | fail | failg)
      # Left down by an earlier run (e.g. slurmd was killed): it is back now, so return it to service once.
      if [ "$resumed" -eq 0 ]; then
        as_root scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
        resumed=1
      fi
      ;;
  esac
  sleep 0.1
done
die_with_logs "node $NODE is not up after ${TIMEOUT}s (sinfo state: '${state:-none}'; scontrol show node $NODE: $(scontrol show node "$NODE" 2>&1 | grep -oE 'State=[^ ]+|Reason=.*' | tr '\n' ' '))"
