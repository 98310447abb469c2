"""The benchmark suite: run by hand, never by the tests (see bench/README.md)."""
