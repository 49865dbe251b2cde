#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.worker.resource.gpu.discoveryScript on a
# standalone worker, spark.executor.resource.gpu.discoveryScript on YARN/Kubernetes).
# Prints the GPUs of this host in the format Spark expects, e.g.
#   {"name":"gpu","addresses":["0","1"]}
# Addresses are nvidia-smi indices; SliceLab maps an address to Device.gpu(index), so executors
# must see the same numbering: keep CUDA_VISIBLE_DEVICES unset and CUDA_DEVICE_ORDER=PCI_BUS_ID
# (the sweep sets spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID unless you override it).
# Exits non-zero (and Spark refuses to start the worker/executor) when no GPU can be listed.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname); install the NVIDIA driver" >&2
  exit 1
fi
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader) || {
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname)" >&2
  exit 1
}
addresses=""
while read -r index; do
  index="${index//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  addresses+="${addresses:+,}\"$index\""
done <<< "$indices"
if [[ -z "$addresses" ]]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU on $(hostname)" >&2
  exit 1
fi
echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
