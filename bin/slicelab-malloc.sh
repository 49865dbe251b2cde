# Sourced by bin/slicelab and bin/slicelab-test: chooses the C allocator (docs/benchmarks.md,
# "Allocator"). PyTorch frees and re-allocates its activation buffers every step; glibc's malloc
# returns large ones to the kernel and faults them back in (tens of thousands of minor page faults
# and 5-25% system CPU per LoRA or full fine-tuning step), and in a sweep its per-thread arenas
# keep freed memory. tcmalloc (measured: under 1,000 faults and ~0% system CPU per step, a
# 20-trial local[2] sweep 20% faster and its resident memory flat at 4.7 GB instead of up to
# 7.3 GB) is the default. SLICELAB_MALLOC picks it: tcmalloc (default), jemalloc, glibc, or a
# path to an allocator .so. It is preloaded into the JVM, and the sweep passes it on to Spark
# executors. A missing library falls back to glibc with a warning; an LD_PRELOAD already set wins.
slicelab_malloc_library() {
  local name
  case "$1" in
    jemalloc) name=libjemalloc.so.2 ;;
    tcmalloc) name=libtcmalloc_minimal.so.4 ;;
    /*) if [[ -f "$1" ]]; then echo "$1"; fi; return 0 ;;
    *) return 0 ;;
  esac
  # awk reads to the end (no early exit): under `set -o pipefail` an early exit could kill ldconfig
  # with SIGPIPE and, through `set -e`, the calling launcher without a word
  { "$(command -v ldconfig || echo /sbin/ldconfig)" -p 2>/dev/null \
      | awk -v n="$name" '!found && $1 == n && $NF ~ /^\// {print $NF; found = 1}'; } || true
}
slicelab_want_malloc="${SLICELAB_MALLOC:-tcmalloc}"
case "$slicelab_want_malloc" in
  glibc|jemalloc|tcmalloc|/*) ;;
  *) echo "[slicelab] SLICELAB_MALLOC='$slicelab_want_malloc' is invalid: use tcmalloc," \
         "jemalloc, glibc or the path of an allocator .so" >&2; exit 2 ;;
esac
if [[ -z "${LD_PRELOAD:-}" && "$slicelab_want_malloc" != glibc ]]; then
  slicelab_malloc_lib="$(slicelab_malloc_library "$slicelab_want_malloc")"
  if [[ -n "$slicelab_malloc_lib" ]]; then
    export LD_PRELOAD="$slicelab_malloc_lib"
  else
    case "$slicelab_want_malloc" in
      jemalloc) slicelab_hint="Debian/Ubuntu: apt-get install libjemalloc2" ;;
      tcmalloc) slicelab_hint="Debian/Ubuntu: apt-get install libtcmalloc-minimal4" ;;
      *) slicelab_hint="no such file" ;;
    esac
    echo "[slicelab] warning: allocator $slicelab_want_malloc not found ($slicelab_hint);" \
        "using glibc malloc (more page faults and system CPU per step)" >&2
  fi
fi
# tcmalloc: never hand freed pages back to the kernel (release rate 0), so no training step
# faults its activation buffers in again, at any thread count. Measured on a 20-trial local[2]
# sweep: its heap grows to what two concurrent trials need (3.5 -> 3.7 GB) and stays there, as
# with the library's default rate; handing the pages back after every trial instead made the
# sweep 40% slower (docs/benchmarks.md, "Allocator"). A value already set wins.
export TCMALLOC_RELEASE_RATE="${TCMALLOC_RELEASE_RATE:-0}"
# glibc malloc (the fallback): at most 2 arenas. Every Spark task (and every trial, which runs on
# its own thread) would otherwise get a fresh arena that keeps its freed activation memory:
# measured +1.2 GB of resident memory per full fine-tuning trial, an out-of-memory kill after 18
# trials of conf/grids/figure2.conf. With 2 arenas it levels off. A value already set wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
