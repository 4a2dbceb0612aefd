//! Cross-crate acceptance tests live in tests/acceptance/ (one test binary, `acceptance`);
//! the end-to-end test of the desktop app lives in tests/e2e/ and fixtures in tests/fixtures/.
