# Shared by the ci/ scripts (sourced). Needs $cli: a built ovlfuzz binary.

# Names of the built-in schemes, one per line.
builtin_schemes() { "$cli" schemes | sed -n 's/^  \([^ ]\+\)$/\1/p'; }

# The finding kinds a built-in scheme's `expect:` line lists, sorted and
# space-separated; empty for a clean scheme.
expect_of() {
  "$cli" schemes | awk -v s="$1" '$1 == s {f = 1; next} f && /expect:/ {sub(/.*expect: /, ""); print; exit}' |
    tr ' ' '\n' | { grep -v -e '^(clean)$' -e '^$' || true; } | sort -u | tr '\n' ' ' | sed 's/ $//'
}
