#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (munged, slurmctld, slurmd), for
# `kaizen regress --engine slurm` and its test. Configuration, state and
# logs live in build/slurm/ of the project; nothing in /etc is changed.
#
#   scripts/slurm_cluster.sh start    # idempotent; prints `export SLURM_CONF=...`
#   scripts/slurm_cluster.sh stop
#   scripts/slurm_cluster.sh status
#
# Use it with:  eval "$(scripts/slurm_cluster.sh start)"
# The daemons run as root (they start jobs as the submitting user), so a
# non-root user needs sudo; scripts/setup.sh installs the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=$ROOT/build/slurm
CONF=$DIR/slurm.conf
HOST=$(hostname -s)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

die() { echo "slurm_cluster.sh: $*" >&2; exit 1; }
say() { echo "slurm_cluster.sh: $*" >&2; }

for tool in munged slurmctld slurmd sbatch sinfo scontrol; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] \
    || die "$tool is not installed; run scripts/setup.sh"
done
export PATH=$PATH:/usr/sbin

write_conf() {
  mkdir -p "$DIR/state" "$DIR/spool"
  local cpus mem
  cpus=$(nproc)
  # Leave a tenth of the memory to the system.
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  cat > "$CONF.tmp" <<EOF
# Written by scripts/slurm_cluster.sh: a one-node cluster for Kaizen's tests.
ClusterName=kaizen
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
# No cgroups needed: processes tracked by parent id, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=kaizen Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  munge_ok && return 0
  [ -f /etc/munge/munge.key ] || $SUDO mungekey --create >/dev/null 2>&1 \
    || die "no /etc/munge/munge.key and mungekey could not create one"
  $SUDO mkdir -p /run/munge
  $SUDO chown munge:munge /run/munge
  $SUDO runuser -u munge -- /usr/sbin/munged 9>&- || die "munged did not start"
  for _ in $(seq 50); do munge_ok && return 0; sleep 0.1; done
  die "munged started but munge -n | unmunge fails"
}

node_state() { SLURM_CONF=$CONF sinfo -h -N -o %t 2>/dev/null | head -1; }

running() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

start() {
  mkdir -p "$DIR"
  # Two tests may start the cluster at once: one starts it, the other waits.
  # The daemons must not inherit the lock's descriptor (`9>&-` below): one
  # that did would hold the lock for its whole life, and every later start
  # would wait forever.
  exec 9>"$DIR/.start.lock"
  flock -w 300 9 || die "another start has held $DIR/.start.lock for 5 minutes"
  write_conf
  start_munge
  running slurmctld || $SUDO env SLURM_CONF="$CONF" slurmctld -f "$CONF" 9>&- \
    || die "slurmctld did not start; see $DIR/slurmctld.log"
  running slurmd || $SUDO env SLURM_CONF="$CONF" slurmd -f "$CONF" 9>&- \
    || die "slurmd did not start; see $DIR/slurmd.log"
  local state=""
  for _ in $(seq 150); do
    state=$(node_state)
    case "$state" in
      idle|mix|alloc) echo "export SLURM_CONF=$CONF"; say "node $HOST is $state"; return 0 ;;
      down*|drain*) SLURM_CONF=$CONF $SUDO env SLURM_CONF="$CONF" scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  die "node $HOST did not come up (state '${state:-none}'); see $DIR/slurmctld.log and $DIR/slurmd.log"
}

stop() {
  for d in slurmd slurmctld; do
    if running "$d"; then $SUDO kill "$(cat "$DIR/$d.pid")"; fi
  done
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if [ -f "$CONF" ] && [ -n "$(node_state)" ]; then say "node $HOST is $(node_state)"; else say "not running"; exit 1; fi ;;
  *) die "usage: $0 start|stop|status" ;;
esac
