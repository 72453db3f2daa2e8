# Shared by the ci/ scripts (sourced). The scheme helpers need $cli, a
# built ovlfuzz binary.

# Names of the built-in schemes, one per line.
builtin_schemes() { "$cli" schemes | sed -n 's/^  \([^ ]\+\)$/\1/p'; }

# The finding kinds a built-in scheme's `expect:` line lists, sorted and
# space-separated; empty for a clean scheme.
expect_of() {
  # awk reads to the end: a reader that quits early would kill the writer
  # with SIGPIPE, which pipefail turns into a failure (exit 141).
  "$cli" schemes | awk -v s="$1" '$1 == s {f = 1; next} f && /expect:/ {sub(/.*expect: /, ""); print; f = 0}' |
    tr ' ' '\n' | { grep -v -e '^(clean)$' -e '^$' || true; } | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# Fills the caller's `schemes` array with every built-in scheme when it is
# empty, and checks each name; a wrong one is a usage error (exit 2).
#   resolve_schemes SCRIPT-NAME
resolve_schemes() {
  if ((${#schemes[@]} == 0)); then
    mapfile -t schemes < <(builtin_schemes)
  fi
  local s
  for s in "${schemes[@]}"; do
    grep -qxF "$s" <<<"$(builtin_schemes)" ||
      { echo "$1: error: '$s' is not a built-in scheme (see: $cli schemes)" >&2; exit 2; }
  done
}

# TSan's shadow memory needs the kernel's mmap randomization <= 28 bits.
#   tsan_mmap_bits SCRIPT-NAME
tsan_mmap_bits() {
  local bits
  bits=$(sysctl -n vm.mmap_rnd_bits 2>/dev/null || echo 28)
  if ((bits > 28)); then sysctl -qw vm.mmap_rnd_bits=28 || echo "$1: warning: vm.mmap_rnd_bits=$bits" >&2; fi
}
