#!/usr/bin/env bash
# tests/slurm_sweep.sh -- the Slurm job-array recipe of docs/workflows.md, run
# for real against a single-node Slurm started here (Debian's slurm-wlm and
# munge, installed when missing; run as root). The job script is taken from
# docs/workflows.md; sbatch's own options shrink it (4 array tasks, 1 CPU
# each) and smaller --vary ranges keep it short. The merged shards must be
# byte-identical to one local sweep. Prints "1 passed, 0 failed" or
# "0 passed, 1 failed"; exit 0 or 1. Usage: tests/slurm_sweep.sh [SLICESIM]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:-$root/build/slicesim}
[ -x "$bin" ] || { echo "slurm_sweep: $bin is not built (make first)"; exit 1; }
if [ "$(id -u)" != 0 ]; then
  echo "slurm_sweep: needs root to start slurmctld, slurmd and munged"; exit 1
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm_sweep: installing: slurm-wlm munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/slicesim-slurm.XXXXXX)
chmod 755 "$work"          # munged runs as munge and must reach its folder
host=$(hostname -s)
pids=()
cleanup() {
  local all=()
  [ -f "$work/slurmd.pid" ] && all+=("$(cat "$work/slurmd.pid")")
  [ -f "$work/slurmctld.pid" ] && all+=("$(cat "$work/slurmctld.pid")")
  all+=("${pids[@]}")
  for p in "${all[@]}"; do kill "$p" 2>/dev/null || true; done
  for i in $(seq 1 50); do            # at most 5 s for the daemons to end
    alive=0
    for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  rm -rf "$work" || true
}
trap cleanup EXIT

# munge: a key, and a daemon of our own on its own socket
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log" "$work/bin"
chown munge:munge "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
sock="$work/munge/munge.socket"
runuser -u munge -- /usr/sbin/munged --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed" --force
pids+=("$(cat "$work/munge/munged.pid")")

cat > "$work/slurm.conf" <<CONF
ClusterName=slicesimtest
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16917
SlurmdPort=16918
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=slicesim Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 1 30); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T | grep -q idle || { echo "slurm_sweep: the node did not come up"; cat "$work/log/"*; exit 1; }

# the job script, as docs/workflows.md gives it, with smaller --vary ranges
awk '/^    #!\/bin\/bash/{on=1} on&&/^$/{exit} on{sub(/^    /,""); print}' docs/workflows.md > "$work/job.sh"
grep -q 'SLURM_ARRAY_TASK_ID' "$work/job.sh" || { echo "slurm_sweep: no job script in docs/workflows.md"; exit 1; }
small_ts="sharing.timeslice_ms=0.5:2:0.5"
small_rate="tenants.0.arrivals.rate_per_s=100:300:100"
sed -i -e "s|sharing.timeslice_ms=[^ ]*|$small_ts|" -e "s|tenants.0.arrivals.rate_per_s=[^ ]*|$small_rate|" "$work/job.sh"
ln -s "$bin" "$work/bin/slicesim"
export PATH="$work/bin:$PATH"

mkdir -p "$work/run"
cp -r scenarios "$work/run/"
cd "$work/run"
echo "slurm_sweep: sbatch --array=1-4 (the recipe of docs/workflows.md)"
sbatch --wait --array=1-4 --cpus-per-task=1 -o "$work/log/task-%a.out" "$work/job.sh" >/dev/null || {
  echo "slurm_sweep: the job array failed"; cat "$work/log/"task-*.out || true; echo "0 passed, 1 failed"; exit 1; }
slicesim merge runs/shard-* -o runs/all >/dev/null
slicesim sweep scenarios/teach/timeslice-tradeoff.json --vary "$small_ts" --vary "$small_rate" \
  -o runs/local >/dev/null 2>&1
if cmp runs/all/sweep.json runs/local/sweep.json && cmp runs/all/sweep.csv runs/local/sweep.csv; then
  n=$(grep -c '"index"' runs/all/sweep.json)
  echo "slurm_sweep: 4 shards on Slurm merged = one local sweep, byte for byte ($n points)"
  echo "1 passed, 0 failed"
else
  echo "slurm_sweep: the merged shards differ from the local sweep"
  echo "0 passed, 1 failed"
  exit 1
fi
