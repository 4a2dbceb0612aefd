//! Cross-crate acceptance tests live in tests/acceptance/.
