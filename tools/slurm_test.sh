#!/usr/bin/env bash
# Usage: tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args]
# mmseg's interface: GPUS tasks in all (one per GPU), GPUS_PER_NODE per node,
# CPUS_PER_TASK, SRUN_ARGS (extra srun options). Also (mmirn): GRES, the generic
# resources per node (default gpu:$GPUS_PER_NODE; GRES= for CPU-only nodes: each task
# then runs on gloo), PYTHON (default python) and MASTER_PORT (default 29500; one per
# concurrent job on a node). Ranks come from Slurm (tools/test.py --launcher slurm).
set -x
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
GPUS=${GPUS:-4}
GPUS_PER_NODE=${GPUS_PER_NODE:-4}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
GRES=${GRES-gpu:${GPUS_PER_NODE}}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES:+--gres=${GRES}} \
    --ntasks=${GPUS} \
    --ntasks-per-node=${GPUS_PER_NODE} \
    --cpus-per-task=${CPUS_PER_TASK} \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "${PYTHON}" -u "$(dirname "$0")/test.py" "${CONFIG}" "${CHECKPOINT}" --launcher=slurm "${@:5}"
